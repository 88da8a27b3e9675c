"""No input gives a 500: every page of the URL conf, as every demo persona and as nobody, with
hostile values in every query parameter, form field, path segment and the token header."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Entry, Invitation, Participant, Withholding
from cases.services import entry_create, entry_withhold
from consent.models import (
    Block,
    ConsentRequest,
    Disclosure,
    HeldShare,
    Room,
    RoomMember,
    SharingRule,
)
from consent.services import block_create, reading_first_set, share
from coordination.exports.services import export_request
from coordination.models import Export, Notification, User
from coordination.parsing import parse_id, parse_page
from meetings.models import ActionItem, CalendarFeed, Meeting
from meetings.services.meetings import agenda_item_add
from meetings.services.minutes import action_item_create
from referrals.models import Referral
from referrals.services import referral_create
from services_registry.apps import DEMO_INTAKE
from services_registry.models import Organization, Service
from tests.cases.conftest import demo_read
from tests.conftest import SeededOnce
from tests.coordination.oidc_providers import provider_settings
from tests.factories import MeetingFactory
from voice.checkins import first_contact_create
from voice.models import CheckIn, Goal, Remark, Step
from voice.plan import goal_add, step_add
from voice.rooms.services import room_create, room_message_send
from voice.services import remark_create

HOSTILE = [
    "abc",
    "²",
    "١٢",
    "99999999999999999999",
    "-1",
    "0",
    "1.5",
    "a\x00b",
    "",
    "x" * 10_000,
]
# What the views read from the query string; each page's GET forms add their own fields.
QUERY_PARAMETERS = [
    "page",
    "page_size",
    "q",
    "field",
    "show",
    "status",
    "unread",
    "age",
    "topic",
    "drop_in",
    "free",
    "anonymous",
    "open_now",
    "next",
    "format",
    "lang",
]
# The Django admin is Django's own and is left out; the schema and its viewer read no input of ours.
SKIPPED_PREFIXES = ("/admin/", "/api/schema/", "/api/docs/")
# Posting to these ends the session, which the crawl needs.
NOT_POSTED = {"/accounts/logout/"}
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    # The values of the buttons and hidden `action` fields that choose what a POST does.
    actions: list[str] = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = values.get("action") or self.page
            self.forms.append(Form(action=action, method=values.get("method", "get").lower()))
            return
        if not self.forms or tag not in {"input", "select", "textarea", "button"}:
            return
        name = values.get("name")
        if not name or name == "csrfmiddlewaretoken":
            return
        kind = values.get("type", "")
        if name == "action" and (tag == "button" or kind in {"hidden", "submit"}):
            self.forms[-1].actions.append(values.get("value", ""))
        else:
            self.forms[-1].fields[name] = kind


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "/") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif "(" not in route and "^" not in route:
            yield route


def _add_what_the_demo_lacks(demo) -> Entry:  # type: ignore[no-untyped-def]
    """A comment, a withholding, a goal with a step, a draft topic, a task and a block on Sara's
    case, so that the forms that post their ids are on the pages; the entry Sara commented on is
    returned."""
    case, sara = demo.sara_case, demo["sara"]
    team = [p.user for p in Participant.objects.filter(case=case, left__isnull=True)]
    entries = list(Entry.objects.filter(case=case).order_by("pk"))
    commented = next(
        entry
        for entry in entries
        if _made(
            remark_create, entry_id=entry.pk, author=sara, kind="comment", text="Stemmer ikke helt."
        )
    )
    next(
        entry
        for entry in entries
        if entry != commented
        and _made(entry_withhold, entry_id=entry.pk, actor=entry.author, reason="Må vurderes.")
    )
    members = [user for user in team if user != sara][:2]
    room = room_create(case_id=case.pk, actor=sara, title="Skolen", members=members)
    room_message_send(room_id=room.pk, author=members[0], body="Hei")
    goal = goal_add(case=case, actor=sara, text="Komme meg på skolen")
    step_add(goal=goal, actor=sara, text="Stå opp kl. 7", owner=next(u for u in team if u != sara))
    # A check-in for the ungdomshjelper: the check-in page shows its form and its button.
    first_contact_create(case=case, ungdomshjelper=User.objects.get(username="ungdomshjelper"))
    meeting = Meeting.objects.get(case=case)
    # A topic someone other than the organiser has not yet put on the agenda.
    helper = next(user for user in team if user.pk not in (sara.pk, meeting.organiser_id))
    agenda_item_add(meeting=meeting, actor=helper, title="Fravær")
    export_request(user=sara)
    action_item_create(
        meeting=meeting,
        actor=meeting.organiser,
        description="Ringe skolen",
        owner=sara,
        due=date.today() + timedelta(days=7),
    )
    # A referral sent to the drop-in clinic, so that its intake's answer forms are on its page.
    referral_create(
        case_id=case.pk,
        actor=demo["helsesykepleier"],
        service_id=DEMO_INTAKE[2][1],
        purpose="Samtaler.",
        entry_ids=[],
    )
    # Sara reads first: a school note shared with the teacher under her rule waits for her.
    reading_first_set(case_id=case.pk, actor=sara, on=True)
    waiting = entry_create(
        case=case,
        author=demo["helsesykepleier"],
        kind="note",
        category="school",
        title="Venter",
        body="",
    )
    share(entry=waiting, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    block_create(case_id=case.pk, actor=sara, user=demo["bup"])
    return commented


def _made(service, **kwargs) -> bool:  # type: ignore[no-untyped-def]
    try:
        with transaction.atomic():
            service(**kwargs)
    except (PermissionDenied, ValidationError, Http404, ObjectDoesNotExist):
        return False
    return True


def _real_values(demo, entry: Entry) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """One object of the demo for every name a route takes."""
    case = demo.sara_case
    meeting = Meeting.objects.filter(case=case).first() or Meeting.objects.first()
    values = {
        "case_id": case.pk,
        "entry_id": entry,
        "attachment_id": None,
        "disclosure_id": Disclosure.objects.first(),
        "goal_id": Goal.objects.filter(plan__case=case).first(),
        "step_id": Step.objects.filter(goal__plan__case=case).first(),
        "check_in_id": CheckIn.objects.filter(case=case).first(),
        "item_id": ActionItem.objects.first(),
        "meeting_id": meeting,
        "notification_id": Notification.objects.first(),
        "export_id": Export.objects.first(),
        "participant_id": Participant.objects.filter(case=case).first(),
        "remark_id": Remark.objects.first(),
        "request_id": ConsentRequest.objects.first(),
        "rule_id": SharingRule.objects.filter(case=case).first(),
        "withholding_id": Withholding.objects.first(),
        "held_share_id": HeldShare.objects.first(),
        "block_id": Block.objects.first(),
        "invitation_id": Invitation.objects.first(),
        "referral_id": Referral.objects.first(),
        "organization_id": Organization.objects.first(),
        "service_id": Service.objects.first(),
        "token": getattr(CalendarFeed.objects.first(), "token", "unknown"),
        "provider": "idporten",
        "category": "health",
        "room_id": Room.objects.first(),
        "user_id": RoomMember.objects.first().user_id,  # type: ignore[union-attr]
    }
    return {
        name: str(getattr(value, "pk", value) if value is not None else 1)
        for name, value in values.items()
    }


def _fill(route: str, values: dict[str, str]) -> str:
    return CONVERTER.sub(lambda match: quote(values[match["name"]], safe=""), route)


def _hostile_fill(route: str) -> list[str]:
    """The route with hostile values in every segment its converter lets through."""
    segments = {
        "int": ["99999999999999999999", "0"],
        "str": ["a\x00b", "²", "x" * 2_000],
        "uuid": ["00000000-0000-0000-0000-000000000000"],
    }
    converters = {match["converter"] or "str" for match in CONVERTER.finditer(route)}
    urls = []
    for converter in converters:
        for value in segments.get(converter, []):
            urls.append(
                CONVERTER.sub(
                    lambda match, value=value, converter=converter: (
                        quote(value, safe="") if (match["converter"] or "str") == converter else "1"
                    ),
                    route,
                )
            )
    return urls


class Crawl:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.failures: list[str] = []
        # The parsing of a page's input is the same for everyone who may open the page: each
        # page's parameters, and each distinct form, get the hostile values once (as the first
        # person who can open it), which keeps the crawl short.
        self.crawled: set[object] = set()
        # Who the session cookie was last signed in for, and its value then.
        self.signed_in: tuple[int, str] | None = None

    def request(self, method: str, url: str, **kwargs) -> HttpResponse | None:  # type: ignore[no-untyped-def]
        """The response; a status >= 500 or an exception is recorded (and gives None)."""
        try:
            # A savepoint a request: a database error must not spoil the requests after it.
            with transaction.atomic():
                response = getattr(self.client, method)(url, **kwargs)
        except Exception as error:  # every kind of crash is what is looked for
            self.failures.append(f"{method.upper()} {url[:80]!r} {_short(kwargs)}: {error!r:.200}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url[:80]!r} {_short(kwargs)}: {response}")
        return response

    def sign_in(self, person: User | None) -> None:
        """Each route is crawled signed in as `person`, or as nobody without cookies. Only a
        request that signs out, signs in or cycles the session (a POST, a sign-in callback)
        changes the session cookie, so only then is the person signed in again (or the cookies
        dropped): a login writes the session, last_login and the visit, ~1,200 times a run."""
        if person is None:
            if self.client.cookies:
                self.client.logout()
            return
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is None or self.signed_in != (person.pk, cookie.value):
            self.client.force_login(person)
            cookie = self.client.cookies[settings.SESSION_COOKIE_NAME]
            self.signed_in = (person.pk, cookie.value)

    def once(self, key: object) -> bool:
        if key in self.crawled:
            return False
        self.crawled.add(key)
        return True

    def page(self, url: str) -> None:
        """Hostile values in every query parameter and every field of every form of the page.

        A page the person cannot open reads none of its input: only the plain GET is sent.
        """
        response = self.request("get", url)
        if response is None or response.status_code != 200:
            return
        parser = FormParser(url)
        if response.get("Content-Type", "").startswith("text/html"):
            parser.feed(response.content.decode())
        get_fields = [name for form in parser.forms if form.method == "get" for name in form.fields]
        parameters = list(dict.fromkeys(QUERY_PARAMETERS + get_fields))
        if self.once((url, *parameters)):
            for value in HOSTILE:
                self.request("get", url, data=dict.fromkeys(parameters, value))
                if get_fields:
                    # A filtered list is paged only when its filters are valid.
                    self.request("get", url, data={"page": value})
        for form in parser.forms:
            if form.method != "post" or urlsplit(form.action).path in NOT_POSTED:
                continue
            for action in form.actions or [None]:
                if not self.once((form.action, action, *sorted(form.fields))):
                    continue
                # A form without fields has nowhere for a hostile value: its ten sends were one
                # request ten times. Sent twice, on the state as found and on what the first
                # send left (done again: a withdrawal already withdrawn is a 404); the other
                # eight repeated the second, with its status.
                for value in HOSTILE if form.fields else HOSTILE[:2]:
                    data = dict.fromkeys(form.fields, value)
                    if action is not None:
                        data["action"] = action
                    self.request("post", form.action, data=data)


def _short(kwargs: dict[str, object]) -> str:
    """The request's arguments, short enough to read in a list of failures."""
    return repr({key: str(value)[:60] for key, value in kwargs.items()})[:160]


def _seed_what_the_demo_lacks() -> dict[str, str]:
    demo = demo_read()
    return _real_values(demo, _add_what_the_demo_lacks(demo))


@pytest.fixture(scope="session")
def hostile_demo_once(demo_once, django_db_blocker) -> Iterator[SeededOnce]:
    """The demo with what it lacks added, built once for a run of consecutive parts of the crawl
    (~1-1.7 s each) on top of the seeded demo, and rolled back before any other test."""
    layer = SeededOnce(django_db_blocker, _seed_what_the_demo_lacks, base=demo_once)
    yield layer
    layer.leave()


@pytest.fixture
def real_values(hostile_demo_once: SeededOnce) -> dict[str, str]:
    """One object of the demo, with what it lacks, for every name a route takes."""
    assert isinstance(hostile_demo_once.value, dict), "the crawl runs in a rolled-back transaction"
    return hostile_demo_once.value


ROUTES = [
    route
    for route in _routes(get_resolver().url_patterns)
    if not route.startswith(SKIPPED_PREFIXES)
]
# The crawl is split so that pytest-xdist spreads it over its workers; the objects the demo lacks
# are built once for a worker's consecutive parts, and every SHARDS-th route goes to the same
# part because neighbouring routes (a case's pages) cost alike.
SHARDS = 8


@pytest.mark.django_db
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_hostile_input_gives_a_500(settings, demo, real_values, shard):
    # The sign-in pages run against the real local OpenID providers (scripts/oidc_providers.sh).
    settings.SAMMEN_OIDC_PROVIDERS = provider_settings()
    routes = ROUTES[shard::SHARDS]
    html_routes = [route for route in routes if not route.startswith("/api/")]
    client = Client()
    crawl = Crawl(client)
    people = [None, *User.objects.order_by("username")]
    for person in people:
        with transaction.atomic():
            # The API's input is schemathesis' (tests/api); here as one professional and nobody.
            for route in routes if person in (None, demo["ungdomshjelper"]) else html_routes:
                crawl.sign_in(person)
                crawl.page(_fill(route, real_values))
            transaction.set_rollback(True)
    # Hostile path segments reach the views only past the login.
    client.force_login(demo["ungdomshjelper"])
    for route in routes:
        for url in _hostile_fill(route):
            crawl.request("get", url)
    assert not crawl.failures, "\n".join(crawl.failures)


# The parts share what the layer built: each must start from it as built, and no other test may
# see it (any order, any worker: each of these would fail if a test's writes or the layer leaked).
@pytest.mark.django_db
@pytest.mark.parametrize("part", ["a", "b"])
def test_each_part_starts_from_what_was_built_once(demo, real_values, part):
    assert list(Block.objects.values_list("pk", flat=True)) == [int(real_values["block_id"])]
    assert list(Export.objects.values_list("pk", "status")) == [
        (int(real_values["export_id"]), Export.Status.PENDING)
    ]
    Block.objects.all().delete()
    Export.objects.update(status=Export.Status.FAILED)
    block_create(case_id=demo.sara_case.pk, actor=demo["sara"], user=demo["laerer"])


@pytest.mark.django_db
def test_a_test_of_the_demo_alone_sees_nothing_the_crawl_built(demo):
    assert demo.sara_case.pk
    assert not Block.objects.exists()
    assert not Export.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["/api/v1/me/", "/api/v1/cases/", "/cases/"])
def test_no_hostile_token_or_session_cookie_gives_a_500(settings, route):
    crawl = Crawl(Client())
    crawl.request("get", route, HTTP_AUTHORIZATION="Token a\x00b")
    cookie = f"{settings.SESSION_COOKIE_NAME}=abcdefgh\x00ijklmnop"
    crawl.request("get", route, HTTP_COOKIE=cookie)
    assert not crawl.failures, "\n".join(crawl.failures)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1.5", None),
        ("²", None),
        ("١٢", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("9" * 10_000, None),
    ],
)
def test_parse_id_takes_only_ascii_digits_in_the_bigint_range(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("3", 3), ("²", 1), ("0", 1), ("10000000", 1)])
def test_parse_page_falls_back_to_the_first_page(value, expected):
    assert parse_page(value) == expected


@pytest.mark.django_db
def test_a_posted_id_that_is_no_id_is_a_400_with_a_message(client, user):
    client.force_login(user)
    response = client.post("/meetings/tasks/", {"item": "²", "status": "done"})
    assert response.status_code == 400
    assert "ikke er et gyldig valg" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "١٢", "abc", "99999999999999999999"])
def test_a_posted_agenda_item_that_is_no_id_is_a_400(client, value):
    meeting = MeetingFactory()
    client.force_login(meeting.organiser)
    response = client.post(
        f"/meetings/{meeting.pk}/", {"action": "agenda_item_publish", "item": value}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_login_name_longer_than_a_user_name_is_a_form_error(client):
    response = client.post("/accounts/login/", {"username": "x" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/services/picker/?q=a%00b", {}),
        ("/services/?q=%00angst", {}),
        ("/meetings/calendar/%00.ics", {}),
        ("/accounts/login/", {"data": {"username": "a\x00b", "password": "x"}, "method": "post"}),
    ],
)
def test_a_nul_byte_is_our_400_page(client, path, kwargs):
    method = kwargs.pop("method", "get")
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "ikke er tillatt" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/api/v1/me/", "HTTP_AUTHORIZATION": "Token a\x00b"},
        {"path": "/api/v1/services/?q=a%00b"},
        {
            "path": "/api/v1/me/presentation/",
            "method": "put",
            "data": '{"presentation": "a\\u0000b"}',
            "content_type": "application/json",
        },
        {
            "path": "/api/v1/me/presentation/",
            "method": "put",
            "data": '{"nested": [{"a\\u0000": 1}]}',
            "content_type": "application/json",
        },
        {
            "path": "/api/v1/auth/token/",
            "method": "post",
            "data": '{"username": "sara\\u0000", "password": "x"}',
            "content_type": "application/json",
        },
    ],
)
def test_a_nul_byte_is_a_json_400_under_the_api(api_client, user, request_kwargs):
    api_client.force_authenticate(user)
    method = request_kwargs.pop("method", "get")
    response = getattr(api_client, method)(**request_kwargs)
    assert response.status_code == 400
    assert response.json() == {"detail": "Forespørselen inneholder et tegn som ikke er tillatt."}


@pytest.mark.django_db
def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(api_client, user):
    api_client.force_authenticate(user)
    response = api_client.put(
        "/api/v1/me/presentation/",
        '{"presentation": "C:\\\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/nope", "/api/v1/cases/x/", "/api/"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_path_under_the_api_is_a_json_404(api_client, user, path, method):
    api_client.force_authenticate(user)
    response = getattr(api_client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Ikke funnet."}


@pytest.mark.django_db
def test_an_api_path_without_its_trailing_slash_is_redirected_as_django_would(api_client, user):
    api_client.force_authenticate(user)
    response = api_client.get("/api/v1/me?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/me/?x=1"
    # A POST is not redirected (its body would be lost): the JSON 404 says the path is wrong.
    assert api_client.post("/api/v1/me").status_code == 404


@pytest.mark.django_db
def test_an_unknown_page_keeps_the_html_404(client, user):
    client.force_login(user)
    response = client.get("/nope/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
