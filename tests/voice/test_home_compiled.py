"""The home page's reads that run compiled once a process (coordination.statements.CompiledRead:
the unread counts, which the overview asks too, and the latest entries): for every person and
every list of cases they answer exactly what the ORM's statement of the same function answers,
on the day and on the youth's 18th birthday (the team rule's clock is a slot, not the compile
time's)."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

import voice.rooms.selectors
import voice.selectors
from cases.models import Case
from cases.permissions import view_entry_grant
from cases.selectors import cases_for_user
from cases.services import entry_withhold
from coordination.ages import ADULT_AGE
from coordination.models import User
from services_registry.services import service_staff_set
from tests.factories import EntryFactory, ServiceFactory, UserFactory
from voice.rooms.selectors import _unread, room_unread_by_case, rooms_visible
from voice.rooms.services import room_create, room_message_send
from voice.selectors import (
    _latest_about_youth,
    _unread_messages,
    latest_about_youth,
    message_recipients,
    unread_messages,
)
from voice.services import message_send, messages_read

pytestmark = pytest.mark.django_db

PEOPLE = ("sara", "jonas", "helsesykepleier", "laerer", "ungdomshjelper", "far", "mor", "bup")


def by_orm(user, cases):
    """The same statements built and compiled by the ORM on this call."""
    ids = [case.pk for case in cases]
    messages = {row["case_id"]: row["unread"] for row in _unread_messages(user=user, case_ids=ids)}
    rooms = _unread(user=user, rooms=rooms_visible(user=user, case_ids=ids), per="case_id")
    return messages, rooms


def compiled(user, cases):
    return unread_messages(user=user, cases=cases), room_unread_by_case(user=user, cases=cases)


@pytest.fixture
def messages(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    room = room_create(
        case_id=demo.sara_case.pk, actor=sara, title="Skolen", members=[nurse, teacher]
    )
    room_message_send(room_id=room.pk, author=teacher, body="En")
    room_message_send(room_id=room.pk, author=nurse, body="To")
    for case in (demo.sara_case, demo.jonas_case):
        team = [participant.user for participant in message_recipients(case=case)]
        message_send(case=case, author=case.youth, body="Hei", recipients=team)
    first = message_send(case=demo.sara_case, author=nurse, body="Svar")
    messages_read(case=demo.sara_case, user=teacher, messages=[first], via="page")
    message_send(case=demo.sara_case, author=nurse, body="Etter")
    # Off the team, as a service's intake: opens one message, counts none (not on the case).
    intake = UserFactory(username="inntak")
    service = ServiceFactory()
    service_staff_set(service=service, user=intake, receives_referrals=True)
    view_entry_grant([(first.pk, intake.pk)], via_service=service)
    return demo


def case_lists(demo, user):
    own = list(cases_for_user(user=user))
    every = list(Case.objects.order_by("pk"))
    return [own, own[:1], every, [demo.jonas_case], [demo.sara_case, demo.jonas_case], []]


def test_the_compiled_counts_are_the_orms_for_everyone_and_any_cases(messages):
    demo = messages
    seen = []
    for name in (*PEOPLE, "inntak"):
        user = User.objects.get(username=name)
        for cases in case_lists(demo, user):
            answer = compiled(user, cases)
            assert answer == by_orm(user, cases), (name, [case.pk for case in cases])
            seen.append(answer)
    # Not all empty: the comparison compared counts.
    assert compiled(demo["sara"], [demo.sara_case]) == (
        {demo.sara_case.pk: 2},
        {demo.sara_case.pk: 2},
    )
    assert compiled(demo["laerer"], [demo.sara_case])[1] == {demo.sara_case.pk: 1}
    assert sum(bool(messages) or bool(rooms) for messages, rooms in seen) > 10


def test_on_the_youths_18th_birthday_a_guardian_counts_nothing_there(messages):
    """The team rule's clock is bound per call: a statement compiled the day before answers the
    birthday with the birthday's rule."""
    demo = messages
    case = demo.jonas_case
    guardian = next(
        demo[name] for name in ("far", "mor") if case in cases_for_user(user=demo[name])
    )
    assert unread_messages(user=guardian, cases=[case]) == {case.pk: 1}
    birth = timezone.localdate() - timedelta(days=365 * ADULT_AGE + 10)
    User.objects.filter(pk=case.youth_id).update(birth_date=birth)
    birthday = date(birth.year + ADULT_AGE, birth.month, birth.day)
    noon = timezone.make_aware(datetime.combine(birthday, time(12)))
    with time_machine.travel(noon - timedelta(days=1), tick=False):
        assert unread_messages(user=guardian, cases=[case]) == {case.pk: 1}
        assert by_orm(guardian, [case])[0] == {case.pk: 1}
    with time_machine.travel(noon, tick=False):
        assert unread_messages(user=guardian, cases=[case]) == {}
        assert by_orm(guardian, [case])[0] == {}


def test_the_latest_entries_are_the_orms_and_keep_what_is_withheld_out(messages):
    demo = messages
    sara = demo["sara"]
    withheld = EntryFactory(case=demo.sara_case, author=demo["helsesykepleier"], title="Skjult")
    entry_withhold(entry_id=withheld.pk, actor=demo["helsesykepleier"], reason="Pbrl. § 3-4.")
    for name in PEOPLE:
        user = demo[name]
        for cases in case_lists(demo, user):
            answer = latest_about_youth(user=user, cases=cases)
            expected = _latest_about_youth(
                user=user.pk,
                case_ids=[case.pk for case in cases],
                now=timezone.now(),
                today=timezone.localdate(),
            )
            assert answer == list(expected), (name, [case.pk for case in cases])
            assert [entry.author.name for entry in answer] == [
                entry.author.name for entry in expected
            ]
    latest = latest_about_youth(user=sara, cases=[demo.sara_case])
    assert len(latest) == 3  # the demo case's entries Sara may open, messages aside
    assert withheld not in latest
    assert withheld in latest_about_youth(user=demo["helsesykepleier"], cases=[demo.sara_case])


# A page's CSRF token is new on every request.
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')
COMPILED = [
    (voice.selectors, "_UNREAD_MESSAGES"),
    (voice.selectors, "_LATEST_ABOUT_YOUTH"),
    (voice.rooms.selectors, "_ROOM_UNREAD_BY_CASE"),
]


def pages(client):
    return {
        path: CSRF.sub(r"\1-", client.get(path).content.decode())
        for path in ("/", "/ungdomshjelper/")
    }


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_pages_are_the_same_bytes_as_with_the_orms_statements(messages, monkeypatch, language):
    """The home page and the overview of every person, compiled and with each compiled read's
    statement built and run by the ORM on the call instead (as before they were compiled)."""
    demo = messages
    clients = {}
    for name in PEOPLE:
        clients[name] = Client()
        clients[name].force_login(demo[name])
        clients[name].cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(timezone.now(), tick=False):
        compiled_pages = {name: pages(client) for name, client in clients.items()}
        for module, name in COMPILED:
            read = getattr(module, name)
            monkeypatch.setattr(
                module, name, lambda read=read, **values: list(read._build(**values))
            )
        orm_pages = {name: pages(client) for name, client in clients.items()}
    assert compiled_pages == orm_pages
    # The pages compared show what the compiled reads answer.
    assert "Samtale om søvn og stress" in compiled_pages["sara"]["/"]
    assert compiled_pages["ungdomshjelper"]["/ungdomshjelper/"].count("<li") > 3
