"""My profile (issue #13 item 4): display name, e-mail, phone, channels, language on
/accounts/profile/ and GET|PATCH /api/v1/me/; all or nothing; the phone as E.164; a new address is
used from the next notification on; the birth date only staff change (with a reason, audited,
the youth told, and consent authority moves with it)."""

import datetime
import json

import pytest
from django.core import mail
from django.test import Client

from cases.models import Participant
from consent.services import participant_remove
from coordination import notifications as coordination_notifications
from coordination.models import AuditEvent, Notification, User
from coordination.services import notification_deliver
from tests.consent.helpers import as_user
from tests.coordination.test_staff_powers import admin_form_data, staff  # noqa: F401
from tests.factories import UserFactory, login_with_second_factor

pytestmark = pytest.mark.django_db


def page_client(user: User) -> Client:
    client = Client()
    if user.is_staff:
        login_with_second_factor(client, user)
    else:
        client.force_login(user)
    return client


def test_me_shows_my_profile():
    person = UserFactory(display_name="Ali Hassan", phone="+4791234567", notify_by_sms=True)
    body = as_user(person).get("/api/v1/me/").json()
    assert body == {
        "id": person.pk,
        "username": person.username,
        "display_name": "Ali Hassan",
        "email": person.email,
        "phone": "+4791234567",
        "channels": ["in_app", "email", "sms"],
        "language": "nb",
        "presentation": "",
        "birth_date": None,
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("912 34 567", "+4791234567"),
        ("+47 912 34 567", "+4791234567"),
        ("0047 91234567", "+4791234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("+44 7400 123456", "+447400123456"),
        ("", ""),
    ],
)
def test_a_phone_is_stored_as_e164(typed, stored):
    person = UserFactory()
    response = as_user(person).patch("/api/v1/me/", {"phone": typed}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == stored
    person.refresh_from_db()
    assert person.phone == stored


def test_a_change_is_saved_and_audited_without_the_values():
    person = UserFactory(email="old@example.test")
    response = as_user(person).patch(
        "/api/v1/me/",
        {
            "display_name": "Ali",
            "email": "ali@example.test",
            "phone": "912 34 567",
            "channels": ["in_app", "sms"],
            "language": "en",
        },
        format="json",
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.display_name, person.email, person.phone) == (
        "Ali",
        "ali@example.test",
        "+4791234567",
    )
    assert not person.notify_by_email and person.notify_by_sms
    assert person.preferred_language == "en"
    event = AuditEvent.objects.get(action="user.profile_changed")
    assert event.actor == person and event.object_id == str(person.pk)
    assert "ali@example.test" not in json.dumps(event.data)
    assert "+4791234567" not in json.dumps(event.data)
    assert set(event.data["changed"]) >= {"email", "phone", "notify_by_sms"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@" + "b" * 260 + ".no"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+47 123"}, "phone"),
        ({"phone": "ring meg"}, "phone"),
        ({"phone": "+999 1234567"}, "phone"),
        ({"phone": "9" * 40}, "phone"),
        ({"channels": ["email", "sms"]}, "channels"),
        ({"channels": ["in_app", "pigeon"]}, "channels"),
        ({"channels": "in_app"}, "channels"),
        ({"channels": ["in_app", "sms"], "phone": ""}, "channels"),
        ({"channels": ["in_app", "email"], "email": ""}, "channels"),
        ({"language": "xx"}, "language"),
        ({"display_name": "x" * 151}, "display_name"),
        ({"presentation": "x" * 501}, "presentation"),
        ({"birth_date": "2000-01-01"}, "birth_date"),
        ({"email": None}, "email"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(body, field):
    person = UserFactory(email="old@example.test", display_name="Før")
    before = User.objects.filter(pk=person.pk).values().get()
    # A valid change sent alongside is not saved either
    response = as_user(person).patch(
        "/api/v1/me/", {"display_name": "Etter", **body}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert User.objects.filter(pk=person.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="user.profile_changed").exists()


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"{not json", b"\x00"])
def test_a_body_that_is_not_an_object_is_a_400(raw):
    response = as_user(UserFactory()).patch("/api/v1/me/", raw, content_type="application/json")
    assert response.status_code == 400


def test_in_app_always_stays_on_and_the_default_reads_back():
    person = UserFactory()
    response = as_user(person).patch("/api/v1/me/", {"channels": ["in_app"]}, format="json")
    assert response.json()["channels"] == ["in_app"]
    person.refresh_from_db()
    assert not person.notify_by_email and not person.notify_by_sms


def test_the_next_notification_goes_to_the_new_address(demo, sms_file):
    # Given the nurse changes her e-mail and phone and asks for SMS too
    nurse = demo["helsesykepleier"]
    response = as_user(nurse).patch(
        "/api/v1/me/",
        {
            "email": "ny.adresse@example.test",
            "phone": "+47 912 34 567",
            "channels": ["in_app", "email", "sms"],
        },
        format="json",
    )
    assert response.status_code == 200
    # When something happens that she is told about (BUP leaves Sara's team)
    bup = Participant.objects.get(case=demo.sara_case, user=demo["bup"])
    participant_remove(participant=bup, actor=demo["bup"], summary="Ferdig.")
    notification = Notification.objects.get(recipient=nurse, kind="participant_left")
    # Then the outbox delivers it to the new address and the new number
    assert notification_deliver(notification_id=notification.pk) is True
    assert [message.to for message in mail.outbox] == [["ny.adresse@example.test"]]
    assert "Ferdig." not in mail.outbox[0].body
    sms = [json.loads(line) for line in sms_file.read_text().splitlines()]
    assert [line["to"] for line in sms] == ["+4791234567"]
    assert "Ferdig." not in sms[0]["text"]


def test_the_profile_page_saves_and_refuses_like_the_api():
    person = UserFactory(birth_date=datetime.date(2010, 5, 17))
    client = page_client(person)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    html = page.content.decode()
    # The birth date is shown, not offered for change; the presentation is linked
    assert 'name="birth_date"' not in html and "17. mai 2010" in html
    assert "/accounts/presentation/" in html
    # A wrong phone: 400, the field says why, nothing saved
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Ny", "email": "", "phone": "123", "language": "nb"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    person.refresh_from_db()
    assert person.display_name != "Ny"
    # SMS without a number: 400
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Ny", "email": "", "phone": "", "channels": ["sms"], "language": "nb"},
    )
    assert response.status_code == 400
    # A good change, with a birth date smuggled in: saved, the birth date untouched
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "Ny",
            "email": "ny@example.test",
            "phone": "91234567",
            "channels": ["email", "sms"],
            "language": "en",
            "birth_date": "2000-01-01",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Ny" and person.phone == "+4791234567"
    assert person.notify_by_email and person.notify_by_sms and person.preferred_language == "en"
    assert person.birth_date == datetime.date(2010, 5, 17)
    assert response.cookies["django_language"].value == "en"


def test_the_menu_links_the_profile():
    html = page_client(UserFactory()).get("/").content.decode()
    assert 'href="/accounts/profile/"' in html


def test_the_presentation_keeps_working_beside_the_profile():
    person = UserFactory()
    client = as_user(person)
    assert (
        client.put("/api/v1/me/presentation/", {"presentation": "Hei"}, format="json").status_code
        == 200
    )
    assert client.get("/api/v1/me/").json()["presentation"] == "Hei"
    assert page_client(person).get("/accounts/presentation/").status_code == 200


def test_a_birth_date_changed_by_staff_moves_consent_the_same_day(demo, staff):  # noqa: F811
    # Given Jonas (13) whose father decides and sees who-knows-what
    jonas, father = demo["jonas"], demo["far"]
    overview = f"/api/v1/cases/{demo.jonas_case.pk}/who-knows-what/"
    assert as_user(father).get(overview).status_code == 200
    # Jonas cannot change his own birth date
    sixteen = jonas.birth_date - datetime.timedelta(days=3 * 366)
    response = as_user(jonas).patch(
        "/api/v1/me/", {"birth_date": sixteen.isoformat()}, format="json"
    )
    assert response.status_code == 400
    # When staff correct it in the admin, with a reason
    url = f"/admin/coordination/user/{jonas.pk}/change/"
    pages = page_client(staff)
    data = admin_form_data(pages, url)
    data["birth_date"] = sixteen.isoformat()
    data["birth_date_reason"] = "Feil i Folkeregisteret."
    data["phone"] = "400 00 000"
    assert pages.post(url, data).status_code == 302
    # Then it is audited, Jonas is told, the phone is stored as E.164, and Jonas decides now
    jonas.refresh_from_db()
    assert jonas.phone == "+4740000000"
    assert AuditEvent.objects.filter(
        action="user.birth_date_changed", object_id=str(jonas.pk)
    ).exists()
    assert Notification.objects.filter(
        recipient=jonas, kind=coordination_notifications.BIRTH_DATE_CHANGED.key
    ).exists()
    assert as_user(father).get(overview).status_code == 404
    html = page_client(jonas).get("/").content.decode()
    assert "Du bestemmer selv hvem som kan se hva om deg." in html
    # A phone staff cannot reach is refused in the admin as on the profile
    data = admin_form_data(pages, url)
    data["phone"] = "123"
    assert pages.post(url, data).status_code == 200
    jonas.refresh_from_db()
    assert jonas.phone == "+4740000000"
