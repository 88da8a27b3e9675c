"""Opening a case (issue #13 item 1): who may, for whom, what is written in one transaction,
and every refusal saving nothing."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cases.models import Case, Invitation, Participant
from cases.selectors import may_open_case, service_acted_for
from coordination.demo import HELPERS, birth_date_for_age
from coordination.models import AuditEvent, Notification, User
from services_registry.models import Service
from tests.consent.helpers import as_user

pytestmark = pytest.mark.django_db


def _service(demo) -> Service:
    return Participant.objects.get(case=demo.sara_case, user=demo["helsesykepleier"]).service


def _ali(**overrides) -> dict:
    return {
        "display_name": "Ali Hassan",
        "birth_date": birth_date_for_age(15, today=date.today()).isoformat(),
        "email": "ali@example.org",
    } | overrides


def _open(demo, persona="helsesykepleier", **body):
    payload = {"title": "Ali - oppfølging", "service": str(_service(demo).pk), "youth": _ali()}
    return as_user(demo[persona]).post("/api/v1/cases/", payload | body, format="json")


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Case.objects.count(),
        User.objects.count(),
        Participant.objects.count(),
        Invitation.objects.count(),
        Notification.objects.count(),
    )


def test_seed_demo_gives_the_helpers_group_open_case(demo):
    helpers = set(Group.objects.get(name=HELPERS).user_set.values_list("username", flat=True))
    assert helpers == {
        "laerer",
        "helsesykepleier",
        "bup",
        "barnevern",
        "nav",
        "helsestasjon",
        "ungdomshjelper",
    }
    assert {name for name in demo.users if may_open_case(user=demo[name])} == helpers
    # Sara's and Jonas' cases are as before.
    assert demo.sara_case.participants.count() == 6
    assert demo.jonas_case.participants.count() == 5


def test_a_nurse_opens_a_case_for_a_new_youth(demo):
    # When the nurse opens a case for Ali, 15, who has no account
    response = _open(demo)
    # Then the case exists with Ali as youth and the nurse as helper for her service
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert response.json()["youth"]["display_name"] == "Ali Hassan"
    ali = case.youth
    assert not ali.has_usable_password() and ali.email == "ali@example.org"
    nurse = Participant.objects.get(case=case, user=demo["helsesykepleier"])
    assert nurse.role == "helper" and nurse.service == _service(demo)
    # and Ali has a waiting invitation as youth, sent through the outbox (no case id on it)
    invitation = Invitation.objects.get(case=case)
    assert (invitation.role, invitation.invitee, invitation.status) == ("youth", ali, "pending")
    notification = Notification.objects.get(recipient=ali)
    assert notification.kind == "invited" and notification.case_id is None
    # and it is audited, and the service is remembered for next time
    actions = set(AuditEvent.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert {"case.created", "participant.added", "invitation.created"} <= actions
    assert service_acted_for(user=demo["helsesykepleier"]) == _service(demo)


def test_opening_for_an_existing_youth_tells_them(demo):
    youth = User.objects.create(
        username="mia", display_name="Mia", birth_date=birth_date_for_age(12, today=date.today())
    )
    response = _open(demo, youth=youth.pk)
    assert response.status_code == 201
    assert Notification.objects.get(recipient=youth).kind == "case_opened"
    assert not Invitation.objects.filter(invitee=youth).exists()


@pytest.mark.parametrize("persona", ["sara", "mor", "admin"])
def test_without_the_permission_it_is_403_and_nothing_is_saved(demo, persona):
    before = _counts()
    assert _open(demo, persona).status_code == 403
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"youth": _ali(display_name="  ")}, "youth"),
        ({"youth": _ali(birth_date=(date.today() + timedelta(days=1)).isoformat())}, "youth"),
        (
            {"youth": _ali(birth_date=birth_date_for_age(9, today=date.today()).isoformat())},
            "youth",
        ),
        (
            {"youth": _ali(birth_date=birth_date_for_age(26, today=date.today()).isoformat())},
            "youth",
        ),
        ({"youth": _ali(email="", phone="")}, "youth"),
        ({"youth": _ali(phone="123")}, "youth"),
        ({"youth": _ali(email="not-an-address")}, "youth"),
        ({"youth": 987654321}, "youth"),
        ({"youth": 2**70}, "youth"),
        ({"youth": "ali"}, "youth"),
        ({"youth": None}, "youth"),
        ({"service": "00000000-0000-0000-0000-000000000000"}, "service"),
        ({"service": "not-a-uuid"}, "service"),
        ({"service": None}, "service"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_input_is_400_on_the_field_and_saves_nothing(demo, body, field):
    before = _counts()
    response = _open(demo, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert _counts() == before


def test_someone_outside_the_age_range_or_the_opener_cannot_be_the_youth(demo):
    assert _open(demo, youth=demo["mor"].pk).status_code == 400  # no birth date
    assert _open(demo, youth=demo["helsesykepleier"].pk).status_code == 400
    assert _open(demo, youth=demo["sara"].pk).status_code == 201  # 16: fine


def test_norwegian_and_international_phone_numbers_are_stored_as_e164(demo):
    for phone, stored in [("412 34 567", "+4741234567"), ("+46 70 123 45 67", "+46701234567")]:
        response = _open(demo, youth=_ali(email="", phone=phone))
        assert response.status_code == 201, response.json()
        assert Case.objects.get(pk=response.json()["id"]).youth.phone == stored


def test_the_page_opens_a_case_with_the_remembered_service(demo):
    nurse = Client()
    nurse.force_login(demo["helsesykepleier"])
    # The case list links to the page for helpers only
    assert "/cases/new/" in nurse.get("/cases/").content.decode()
    sara = Client()
    sara.force_login(demo["sara"])
    assert "/cases/new/" not in sara.get("/cases/").content.decode()
    assert sara.get("/cases/new/").status_code == 403
    # Given the nurse opened a case before, her service is offered first
    assert _open(demo).status_code == 201
    page = nurse.get("/cases/new/").content.decode()
    assert f'value="{_service(demo).pk}" checked' in page
    # When she posts the form for a new youth
    response = nurse.post(
        "/cases/new/",
        {
            "title": "Jon - skole",
            "display_name": "Jon Moe",
            "birth_date": birth_date_for_age(14, today=date.today()).isoformat(),
            "phone": "+4741234567",
            "service": str(_service(demo).pk),
        },
    )
    case = Case.objects.get(title="Jon - skole")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/team/"
    # A bad post is a 400 with the reason on the page, nothing saved
    before = _counts()
    response = nurse.post("/cases/new/", {"title": "X", "display_name": "", "service": ""})
    assert response.status_code == 400
    assert "Velg tjenesten du representerer." in response.content.decode()
    assert _counts() == before
