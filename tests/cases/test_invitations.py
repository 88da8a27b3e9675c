"""Invitations (issue #13 item 2): who may invite whom, the one-time link (only its hash
stored, single use, expiry, withdrawal), accepting over the API and through the link, the
e-mail and SMS it leaves in, and every refusal writing nothing."""

import json
import re
import time
from datetime import date, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client
from django.utils import timezone

from cases.models import Case, Invitation, Participant
from cases.tokens import token_for
from coordination.celery import app
from coordination.demo import birth_date_for_age
from coordination.models import AuditEvent, Guardianship, Notification, User
from coordination.services import notification_deliver, notifications_sweep
from services_registry.models import Service
from tests.cases.conftest import seeded
from tests.consent.helpers import as_user
from tests.coordination.test_notification_reliability import (
    purge_stale_tasks,
    start_redis,
    stop_redis,
    wait_until,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/invite/([0-9a-f]+)/")


def _bup_service(demo) -> Service:
    return Participant.objects.get(case=demo.sara_case, user=demo["bup"]).service


def _invite(demo, persona, case=None, **body):
    case = case or demo.jonas_case
    return as_user(demo[persona]).post(f"/api/v1/cases/{case.pk}/invitations/", body, format="json")


def _invite_bup(demo, persona="helsesykepleier"):
    return _invite(
        demo, persona, role="helper", user=demo["bup"].pk, service=str(_bup_service(demo).pk)
    )


def _written() -> tuple[int, int, int, int]:
    return (
        Invitation.objects.count(),
        Participant.objects.count(),
        User.objects.count(),
        Notification.objects.count(),
    )


def _sent_link(invitation: Invitation) -> str:
    """What the outbox puts into the e-mail or SMS (derived as it sends)."""
    return f"/invite/{token_for(invitation.nonce)}/"


# --- the API ----------------------------------------------------------------------------------


def test_a_helper_invites_an_account_who_accepts_and_joins(demo):
    # When the nurse invites bup to Jonas' case
    response = _invite_bup(demo)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "role", "display_name", "service", "status", "invited_by", "expires"}
    assert (body["status"], body["role"], body["display_name"]) == (
        "pending",
        "helper",
        "Ahmed Khan",
    )
    # Then bup is told in-app (the link of his own page, no token and no case)
    note = Notification.objects.get(recipient=demo["bup"], kind="invited")
    assert note.case_id is None and note.target_url == f"/invitations/{body['id']}/"
    # and everyone on the team sees the invitation; Jonas is not told until someone joins
    listed = as_user(demo["jonas"]).get(f"/api/v1/cases/{demo.jonas_case.pk}/invitations/")
    assert listed.json()["count"] == 1 and listed.json()["results"][0]["id"] == body["id"]
    assert not Notification.objects.filter(recipient=demo["jonas"], kind__startswith="p").exists()
    # When bup accepts
    accepted = as_user(demo["bup"]).post(f"/api/v1/invitations/{body['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    # Then he is on the team for BUP, invited by the nurse, and Jonas is told
    joined = Participant.objects.active().get(case=demo.jonas_case, user=demo["bup"])
    assert (joined.role, joined.service, joined.invited_by) == (
        "helper",
        _bup_service(demo),
        demo["helsesykepleier"],
    )
    assert (
        Notification.objects.filter(recipient=demo["jonas"], kind="participant_joined").count() == 1
    )
    team = as_user(demo["jonas"]).get(f"/api/v1/cases/{demo.jonas_case.pk}/participants/")
    assert {p["user"]["username"]: (p["invited_by"] or {}).get("username") for p in team.json()}[
        "bup"
    ] == "helsesykepleier"
    assert {"invitation.created", "invitation.accepted", "participant.added"} <= set(
        AuditEvent.objects.filter(case_id=demo.jonas_case.pk).values_list("action", flat=True)
    )
    # When he accepts again: 409, nothing more written
    before = _written()
    assert as_user(demo["bup"]).post(f"/api/v1/invitations/{body['id']}/accept/").status_code == 409
    assert _written() == before


def test_only_the_invited_account_accepts(demo):
    invitation_id = _invite_bup(demo).json()["id"]
    before = _written()
    for persona in ["laerer", "helsesykepleier", "jonas", "nav", "admin"]:
        response = as_user(demo[persona]).post(f"/api/v1/invitations/{invitation_id}/accept/")
        assert response.status_code == 404, persona
    assert _written() == before


@pytest.mark.parametrize(
    ("persona", "case", "status"),
    [
        ("far", "jonas", 403),  # a guardian
        ("jonas", "jonas", 403),  # a youth under 16
        ("nav", "jonas", 404),  # not on the case
        ("mor", "jonas", 404),
        ("admin", "jonas", 404),
        ("laerer", "jonas", 201),  # a helper
        ("ungdomshjelper", "sara", 201),  # the ungdomshjelper
        ("sara", "sara", 201),  # a youth of 16
    ],
)
def test_who_may_invite(demo, persona, case, status):
    case = demo.sara_case if case == "sara" else demo.jonas_case
    before = _written()
    response = _invite(
        demo, persona, case, role="helper", display_name="Lise Moe", email="lise@example.org",
        service=str(_bup_service(demo).pk),
    )  # fmt: skip
    assert response.status_code == status, response.json()
    if status != 201:
        assert _written() == before


def test_a_youth_of_16_may_invite_an_ungdomshjelper_helpers_may_not(demo):
    nurse = Participant.objects.get(case=demo.sara_case, user=demo["ungdomshjelper"])
    from consent.services import participant_remove

    participant_remove(participant=nurse, actor=None)
    body = {"role": "ungdomshjelper", "user": demo["nav"].pk}
    assert _invite(demo, "helsesykepleier", demo.sara_case, **body).status_code == 403
    assert _invite(demo, "sara", demo.sara_case, **body).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "helper", "user": "{laerer}", "service": "{bup_service}"}, "user"),  # on the team
        ({"role": "helper", "display_name": "Lise Moe", "service": "{bup_service}"}, "email"),
        (
            {"role": "helper", "display_name": "Lise", "phone": "12", "service": "{bup_service}"},
            "phone",
        ),
        (
            {
                "role": "helper",
                "display_name": "Lise",
                "phone": "+999123",
                "service": "{bup_service}",
            },
            "phone",
        ),
        (
            {
                "role": "helper",
                "display_name": "",
                "email": "l@example.org",
                "service": "{bup_service}",
            },
            "display_name",
        ),
        ({"role": "helper", "user": "{nav}"}, "service"),  # a helper needs a service
        (
            {"role": "helper", "user": "{nav}", "service": "00000000-0000-0000-0000-000000000000"},
            "service",
        ),
        ({"role": "helper", "user": 987654321, "service": "{bup_service}"}, "user"),
        ({"role": "guardian", "user": "{mor}"}, "user"),  # Sara's mother, not Jonas' guardian
        ({"role": "guardian", "display_name": "Ny", "email": "ny@example.org"}, "user"),
        ({"role": "owner", "user": "{nav}"}, "role"),
        (
            {
                "role": "helper",
                "display_name": "L",
                "email": "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".no",
                "service": "{bup_service}",
            },
            "email",
        ),
        ({"role": "helper", "user": 2**70, "service": "{bup_service}"}, "user"),
    ],
)
def test_bad_invitations_are_400_on_the_field_and_write_nothing(demo, body, field):
    ids = {
        "laerer": demo["laerer"].pk,
        "nav": demo["nav"].pk,
        "mor": demo["mor"].pk,
        "bup_service": str(_bup_service(demo).pk),
    }
    filled = {
        key: (
            int(value.format(**ids))
            if value in ("{laerer}", "{nav}", "{mor}")
            else value.format(**ids)
        )
        if isinstance(value, str)
        else value
        for key, value in body.items()
    }
    before = _written()
    response = _invite(demo, "helsesykepleier", **filled)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert _written() == before


def test_a_second_waiting_invitation_to_the_same_person_is_400(demo):
    assert _invite_bup(demo).status_code == 201
    assert _invite_bup(demo, "laerer").status_code == 400


def test_the_registered_guardian_is_invited_and_may_set_a_password_through_the_link(demo):
    # Given Jonas' father is registered but has never had a password
    far = demo["far"]
    Participant.objects.active().get(case=demo.jonas_case, user=far).delete()
    far.set_unusable_password()
    far.save()
    response = _invite(demo, "laerer", role="guardian", user=far.pk)
    assert response.status_code == 201, response.json()
    invitation = Invitation.objects.get(pk=response.json()["id"])
    # When he follows the link and chooses a username and a password
    client = Client()
    page = client.post(
        _sent_link(invitation), {"username": "per.berg", "password": "Sommer-2026-fjord"}
    )
    # Then he is logged in and on the team as guardian
    assert page.status_code == 302
    assert Participant.objects.active().get(case=demo.jonas_case, user=far).role == "guardian"
    assert client.get(f"/cases/{demo.jonas_case.pk}/team/").status_code == 200


def test_revoking(demo):
    invitation_id = _invite_bup(demo).json()["id"]
    path = f"/api/v1/invitations/{invitation_id}/revoke/"
    # Another helper on the team: 403; someone outside: 404; nothing written
    before = _written()
    assert as_user(demo["laerer"]).post(path).status_code == 403
    assert as_user(demo["nav"]).post(path).status_code == 404
    assert as_user(demo["bup"]).post(path).status_code == 404
    assert _written() == before
    # The inviter may; then it is withdrawn, a second time is 409, and accepting is 409
    response = as_user(demo["helsesykepleier"]).post(path)
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert as_user(demo["helsesykepleier"]).post(path).status_code == 409
    accept = as_user(demo["bup"]).post(f"/api/v1/invitations/{invitation_id}/accept/")
    assert accept.status_code == 409
    assert not Participant.objects.filter(case=demo.jonas_case, user=demo["bup"]).exists()


def test_the_ungdomshjelper_revokes_what_a_helper_sent(demo):
    invitation_id = _invite(
        demo, "laerer", demo.sara_case, role="helper", user=demo["nav"].pk,
        service=str(_bup_service(demo).pk),
    ).json()["id"]  # fmt: skip
    response = as_user(demo["ungdomshjelper"]).post(f"/api/v1/invitations/{invitation_id}/revoke/")
    assert response.status_code == 200


def test_an_invitation_expires_by_the_clock_alone(demo, settings):
    settings.SAMMEN_INVITATION_TTL_DAYS = 7
    invitation_id = _invite_bup(demo).json()["id"]
    invitation = Invitation.objects.get(pk=invitation_id)
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        listed = as_user(demo["jonas"]).get(f"/api/v1/cases/{demo.jonas_case.pk}/invitations/")
        assert listed.json()["results"][0]["status"] == "expired"
        before = _written()
        accept = as_user(demo["bup"]).post(f"/api/v1/invitations/{invitation_id}/accept/")
        assert accept.status_code == 409
        client = Client()
        client.force_login(demo["bup"])
        assert client.get(_sent_link(invitation)).status_code == 404
        assert _written() == before
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert Invitation.objects.get(pk=invitation_id).status == "pending"


def test_only_a_hash_of_the_token_is_stored(demo):
    invitation = Invitation.objects.get(pk=_invite_bup(demo).json()["id"])
    token = token_for(invitation.nonce)
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    stored = json.dumps(
        list(Invitation.objects.values()) + list(Notification.objects.values("target_url")),
        default=str,
    )
    assert token not in stored


# --- the link page ----------------------------------------------------------------------------


def _ali_case(demo) -> tuple[Case, Invitation]:
    service = Participant.objects.get(case=demo.sara_case, user=demo["helsesykepleier"]).service
    response = as_user(demo["helsesykepleier"]).post(
        "/api/v1/cases/",
        {
            "title": "Ali - oppfølging",
            "service": str(service.pk),
            "youth": {
                "display_name": "Ali Hassan",
                "birth_date": birth_date_for_age(15, today=date.today()).isoformat(),
                "email": "ali@example.org",
                "phone": "+4741234567",
            },
        },
        format="json",
    )
    case = Case.objects.get(pk=response.json()["id"])
    return case, Invitation.objects.get(case=case)


def _unusable(response) -> bool:
    return response.status_code == 404 and "Denne lenken virker ikke" in response.content.decode()


def test_a_new_person_chooses_a_username_and_password_and_joins_logged_in(demo):
    case, invitation = _ali_case(demo)
    client = Client()
    page = client.get(_sent_link(invitation))
    assert page.status_code == 200 and "Kari Nordmann" in page.content.decode()
    assert case.title not in page.content.decode()
    # A weak password or a taken username: 400, nothing changes
    before = _written()
    weak = client.post(_sent_link(invitation), {"username": "ali", "password": "123"})
    taken = client.post(
        _sent_link(invitation), {"username": "Sara", "password": "Sommer-2026-fjord"}
    )
    assert weak.status_code == taken.status_code == 400
    assert _written() == before and not User.objects.filter(username="ali").exists()
    # When Ali chooses well, he is logged in and lands on his team page
    done = client.post(_sent_link(invitation), {"username": "ali", "password": "Sommer-2026-fjord"})
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.pk}/team/"
    ali = User.objects.get(username="ali")
    assert ali.check_password("Sommer-2026-fjord") and ali == case.youth
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).status == "accepted"
    # The link is used: the same page as any wrong link, and nothing more is written
    before = _written()
    assert _unusable(Client().get(_sent_link(invitation)))
    assert _unusable(
        Client().post(_sent_link(invitation), {"username": "ali2", "password": "Sommer-2026-fjord"})
    )
    assert _written() == before


def test_wrong_revoked_and_other_users_links_show_one_page_and_write_nothing(demo):
    _case, invitation = _ali_case(demo)
    other = Client()
    other.force_login(demo["sara"])
    before = _written()
    # Someone else logged in
    assert _unusable(other.get(_sent_link(invitation)))
    assert _unusable(
        other.post(_sent_link(invitation), {"username": "x", "password": "Sommer-2026-fjord"})
    )
    # Wrong tokens, whatever their shape
    for token in ["0" * 64, "abc", "x" * 500, token_for(invitation.nonce)[:-1]]:
        assert _unusable(Client().get(f"/invite/{token}/"))
    # Withdrawn
    as_user(demo["helsesykepleier"]).post(f"/api/v1/invitations/{invitation.pk}/revoke/")
    assert _unusable(Client().get(_sent_link(invitation)))
    assert _unusable(
        Client().post(_sent_link(invitation), {"username": "ali", "password": "Sommer-2026-fjord"})
    )
    assert _written() == before
    assert not User.objects.filter(username="ali").exists()


def test_an_account_with_a_password_logs_in_first_then_joins(demo):
    invitation = Invitation.objects.get(pk=_invite_bup(demo).json()["id"])
    anonymous = Client().get(_sent_link(invitation))
    assert anonymous.status_code == 200
    assert (
        f"/accounts/login/?next=/invite/{token_for(invitation.nonce)}/"
        in anonymous.content.decode()
    )
    # A new account cannot be made on it
    before = _written()
    Client().post(_sent_link(invitation), {"username": "takeover", "password": "Sommer-2026-fjord"})
    assert (
        _written() == before
        and demo["bup"].username == User.objects.get(pk=demo["bup"].pk).username
    )
    bup = Client()
    bup.force_login(demo["bup"])
    assert bup.post(_sent_link(invitation)).status_code == 302
    assert Participant.objects.active().filter(case=demo.jonas_case, user=demo["bup"]).exists()


def test_the_invited_accounts_own_page(demo):
    invitation_id = _invite_bup(demo).json()["id"]
    nav = Client()
    nav.force_login(demo["nav"])
    assert nav.get(f"/invitations/{invitation_id}/").status_code == 404
    bup = Client()
    bup.force_login(demo["bup"])
    assert "Kari Nordmann" in bup.get(f"/invitations/{invitation_id}/").content.decode()
    assert bup.post(f"/invitations/{invitation_id}/").status_code == 302
    assert Participant.objects.active().filter(case=demo.jonas_case, user=demo["bup"]).exists()


# --- e-mail and SMS through the outbox ----------------------------------------------------------


def test_the_link_in_the_mail_file_and_the_sms_file_works(demo, settings, tmp_path, sms_file):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    case, invitation = _ali_case(demo)
    # When the outbox delivers the invitation (what the Celery task does)
    assert notification_deliver(notification_id=invitation.notification_id)
    # Then the mail file has the link and no case content
    (mail_file,) = Path(settings.EMAIL_FILE_PATH).iterdir()
    message = message_from_bytes(mail_file.read_bytes().split(b"-" * 79)[0])
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "ali@example.org" and case.title not in body
    token = LINK.search(body).group(1)
    # and so has the SMS file
    (sms,) = [json.loads(line) for line in sms_file.read_text().splitlines()]
    assert sms["to"] == "+4741234567" and LINK.search(sms["text"]).group(1) == token
    assert case.title not in sms["text"]
    # and the link from the file lets Ali in
    client = Client()
    done = client.post(f"/invite/{token}/", {"username": "ali", "password": "Sommer-2026-fjord"})
    assert done.status_code == 302 and case.youth.pk == User.objects.get(username="ali").pk


@pytest.mark.serial  # stops Redis
@pytest.mark.django_db(transaction=True)
def test_an_invitation_leaves_through_the_outbox_when_redis_is_back(request, settings):
    demo = seeded(settings)
    Notification.objects.all().delete()
    # Given Redis is stopped
    stop_redis()
    request.addfinalizer(start_redis)
    started = time.monotonic()
    # When the nurse opens a case for Ali: it works at once, the invitation waits
    case, invitation = _ali_case(demo)
    assert time.monotonic() - started < 10
    assert Notification.objects.get().delivered_at is None
    # When Redis is back, the sweep hands it to a real worker, which sends it once
    start_redis()
    purge_stale_tasks()
    mail.outbox.clear()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        assert notifications_sweep(grace=timedelta(0)) == 1
        assert wait_until(lambda: not Notification.objects.filter(delivered_at=None).exists())
    (message,) = mail.outbox
    assert f"/invite/{token_for(invitation.nonce)}/" in message.body
    assert case.title not in message.body


def test_a_guardianship_ended_since_the_invitation_makes_the_link_unusable(demo):
    # Given Sara's mother left the case and was invited back as guardian
    mor = demo["mor"]
    Participant.objects.active().get(case=demo.sara_case, user=mor).delete()
    invitation = Invitation.objects.get(
        pk=_invite(demo, "sara", demo.sara_case, role="guardian", user=mor.pk).json()["id"]
    )
    # When the municipality ends her guardianship before she accepts
    Guardianship.objects.filter(youth=demo["sara"], guardian=mor).update(ended_at=timezone.now())
    client = Client()
    client.force_login(mor)
    before = _written()
    # Then the link is unusable (not a 500) and the API says why; nothing is written
    assert _unusable(client.post(_sent_link(invitation)))
    assert as_user(mor).post(f"/api/v1/invitations/{invitation.pk}/accept/").status_code == 400
    assert _written() == before
