"""The rules of a referral, each with its denial: what may be referred, to whom, what the
intake sees and for how long, and what every answer does to the payload."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Entry
from cases.services import entry_withhold
from consent.models import ConsentRequest, Disclosure
from coordination.models import AuditEvent, Notification
from referrals.models import Referral
from services_registry.models import Service
from services_registry.services import service_staff_set
from tests.consent.helpers import as_user, write_entry
from tests.factories import ServiceFactory

from .helpers import BUP, CLINIC, NAV, refer

pytestmark = pytest.mark.django_db


def _note(demo, title="Samtale om søvn og stress"):
    return Entry.objects.get(case=demo.sara_case, title=title)


def _approve_all(demo, client=None):
    client = client or as_user(demo["sara"])
    for request in ConsentRequest.objects.filter(status="pending").order_by("pk"):
        assert client.post(f"/api/v1/consent-requests/{request.pk}/approve/").status_code == 200


def test_bad_input_is_a_400_and_saves_nothing(demo):
    nurse = as_user(demo["helsesykepleier"])
    case, note = demo.sara_case, _note(demo)
    # An entry the nurse cannot open: the teacher's note to nobody
    hidden = write_entry(case, demo["laerer"], category="school", title="Privat")
    bad = [
        {"service": str(uuid.uuid4())},
        {"service": str(ServiceFactory().pk)},  # in the catalogue, but no intake in Sammen
        {"purpose": ""},
        {"purpose": "x" * 2001},
        {"entries": [hidden.pk]},
        {"entries": [999999]},
        {"entries": ["x"]},
        {"service": "not-a-uuid"},
        {"legal_duty": "x" * 2001},
    ]
    for change in bad:
        body = {"service": CLINIC, "purpose": "Samtaler", "entries": [note.pk]} | change
        response = nurse.post(f"/api/v1/cases/{case.pk}/referrals/", body, format="json")
        assert response.status_code == 400, (change, response.content)
    assert not Referral.objects.exists()
    assert not ConsentRequest.objects.filter(service__isnull=False).exists()
    # The 400 names the ids the caller sent, never the title of what they may not open
    response = refer(nurse, case, service=CLINIC, entries=[hidden.pk])
    assert "Privat" not in response.content.decode()


def test_a_second_open_referral_to_the_same_service_is_a_409(demo):
    nurse = as_user(demo["helsesykepleier"])
    assert refer(nurse, demo.sara_case, service=CLINIC).status_code == 201
    response = refer(nurse, demo.sara_case, service=CLINIC)
    assert response.status_code == 409
    assert Referral.objects.count() == 1


def test_an_empty_payload_is_sent_at_once_and_the_intake_is_told(demo):
    response = refer(as_user(demo["helsesykepleier"]), demo.sara_case, service=CLINIC)
    assert response.json()["status"] == "sent"
    assert response.json()["entries"] == [] and response.json()["entries_total"] == 0
    told = set(
        Notification.objects.filter(kind="referral_sent").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"sara", "helsestasjon"}


def test_a_legal_duty_sends_the_payload_without_consent_and_the_youth_sees_why(demo):
    nurse, note = as_user(demo["helsesykepleier"]), _note(demo)
    response = refer(
        nurse,
        demo.sara_case,
        service=CLINIC,
        entries=[note.pk],
        legal_duty="Helsepersonelloven § 33.",
    )
    assert response.json()["status"] == "sent"
    disclosure = Disclosure.objects.get(entry=note, recipient=demo["helsestasjon"])
    assert (disclosure.basis, disclosure.justification) == (
        "legal_duty",
        "Helsepersonelloven § 33.",
    )
    assert str(disclosure.service_id) == CLINIC
    assert not ConsentRequest.objects.filter(service__isnull=False).exists()
    mine = as_user(demo["sara"]).get(f"/api/v1/referrals/{response.json()['id']}/").json()
    assert mine["legal_duty"] == "Helsepersonelloven § 33."


def test_refused_consent_sends_nothing_and_ends_what_was_approved(demo):
    nurse, sara, clinic = (as_user(demo[u]) for u in ("helsesykepleier", "sara", "helsestasjon"))
    first = _note(demo)
    second = write_entry(demo.sara_case, demo["helsesykepleier"], title="Blodprøver")
    referral = refer(nurse, demo.sara_case, service=CLINIC, entries=[first.pk, second.pk]).json()
    requests = list(ConsentRequest.objects.filter(service_id=CLINIC).order_by("entry_id"))
    assert [r.entry_id for r in requests] == sorted([first.pk, second.pk])
    assert {r.purpose for r in requests} == {"Vurdering av angst"}

    # Sara says yes to one and no to the other
    assert sara.post(f"/api/v1/consent-requests/{requests[0].pk}/approve/").status_code == 200
    assert as_user(demo["helsestasjon"]).get("/api/v1/referrals/").json()["count"] == 0
    assert sara.post(f"/api/v1/consent-requests/{requests[1].pk}/decline/").status_code == 200

    assert sara.get(f"/api/v1/referrals/{referral['id']}/").json()["status"] == "consent_declined"
    assert clinic.get(f"/api/v1/entries/{requests[0].entry_id}/").status_code == 404
    assert clinic.get(f"/api/v1/referrals/{referral['id']}/").status_code == 404
    ended = Disclosure.objects.get(entry_id=requests[0].entry_id, recipient=demo["helsestasjon"])
    assert ended.end_reason == "referral_ended"


def test_withdrawing_ends_the_payload_and_cancels_what_waits(demo):
    nurse, clinic = as_user(demo["helsesykepleier"]), as_user(demo["helsestasjon"])
    note = _note(demo)
    sent = refer(nurse, demo.sara_case, service=CLINIC, entries=[note.pk]).json()
    _approve_all(demo)
    assert clinic.get(f"/api/v1/entries/{note.pk}/").status_code == 200
    waiting = refer(nurse, demo.sara_case, service=NAV, entries=[note.pk]).json()

    for referral in (sent, waiting):
        response = nurse.post(f"/api/v1/referrals/{referral['id']}/withdraw/")
        assert response.json()["status"] == "withdrawn"
    assert clinic.get(f"/api/v1/entries/{note.pk}/").status_code == 404
    cancelled = ConsentRequest.objects.get(service_id=NAV)
    assert cancelled.status == "cancelled"
    # Cancelled through the one cancelling function, so it is audited like every other.
    audit = AuditEvent.objects.filter(action="consent.cancelled").get()
    assert audit.data == {"reason": "referral_ended", "consent_requests": [cancelled.pk]}
    # Twice is a 409; the intake is told, and so is Sara
    assert nurse.post(f"/api/v1/referrals/{sent['id']}/withdraw/").status_code == 409
    told = set(
        Notification.objects.filter(kind="referral_withdrawn").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"sara", "helsestasjon"}


def test_the_intake_sees_the_payload_only_while_it_receives_the_services_referrals(demo):
    nurse, clinic = as_user(demo["helsesykepleier"]), as_user(demo["helsestasjon"])
    note = _note(demo)
    refer(nurse, demo.sara_case, service=CLINIC, entries=[note.pk])
    _approve_all(demo)
    assert clinic.get(f"/api/v1/entries/{note.pk}/").status_code == 200
    clinic_service = Service.objects.get(pk=CLINIC)
    service_staff_set(service=clinic_service, user=demo["helsestasjon"], receives_referrals=False)
    assert clinic.get(f"/api/v1/entries/{note.pk}/").status_code == 404
    assert clinic.get("/api/v1/referrals/").json()["count"] == 0


def test_a_withheld_entry_in_the_payload_stays_hidden_from_the_youth(demo):
    nurse = as_user(demo["helsesykepleier"])
    secret = write_entry(demo.sara_case, demo["helsesykepleier"], title="Bekymring")
    entry_withhold(entry_id=secret.pk, actor=demo["helsesykepleier"], reason="Pbrl. § 3-4.")
    referral = refer(
        nurse, demo.sara_case, service=CLINIC, entries=[secret.pk], legal_duty="Hpl. § 33."
    ).json()
    mine = as_user(demo["sara"]).get(f"/api/v1/referrals/{referral['id']}/").json()
    assert (mine["entries"], mine["entries_total"]) == ([], 1)
    assert [
        e["title"] for e in nurse.get(f"/api/v1/referrals/{referral['id']}/").json()["entries"]
    ] == ["Bekymring"]


def test_answers_are_checked(demo):
    nurse, clinic, bup = (as_user(demo[u]) for u in ("helsesykepleier", "helsestasjon", "bup"))
    referral = refer(nurse, demo.sara_case, service=CLINIC).json()
    url = f"/api/v1/referrals/{referral['id']}"
    assert clinic.post(f"{url}/decline/", {"reason": " "}, format="json").status_code == 400
    response = clinic.post(
        f"{url}/decline/",
        {"reason": "Nei", "suggested_services": [str(uuid.uuid4())]},
        format="json",
    )
    assert response.status_code == 400
    response = clinic.post(
        f"{url}/decline/", {"reason": "Nei", "suggested_services": [CLINIC]}, format="json"
    )
    assert response.status_code == 400  # not itself
    # Only someone who works at the service joins for it
    response = clinic.post(f"{url}/accept/", {"helper": demo["laerer"].pk}, format="json")
    assert response.status_code == 400
    assert Referral.objects.get().status == "sent"
    # BUP's intake is already on Sara's team: accepting cannot add them twice
    to_bup = refer(nurse, demo.sara_case, service=BUP).json()
    assert (
        bup.post(f"/api/v1/referrals/{to_bup['id']}/accept/", {}, format="json").status_code == 409
    )
    # An answered referral cannot be answered again
    assert clinic.post(f"{url}/accept/", {}, format="json").status_code == 200
    assert clinic.post(f"{url}/decline/", {"reason": "Nei"}, format="json").status_code == 409
    assert nurse.post(f"{url}/withdraw/").status_code == 409
    told = set(
        Notification.objects.filter(kind="referral_accepted").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"sara", "helsesykepleier"}


def test_list_filters_are_checked(demo):
    client = as_user(demo["sara"])
    for query in ("box=all", "status=nope", "box=", "status=%00"):
        assert client.get(f"/api/v1/referrals/?{query}").status_code == 400, query


def test_the_list_takes_the_same_queries_for_one_referral_and_for_ten(demo, settings):
    nurse = as_user(demo["helsesykepleier"])
    note = _note(demo)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert nurse.get("/api/v1/referrals/").status_code == 200
        return len(captured)

    refer(nurse, demo.sara_case, service=CLINIC, entries=[note.pk])
    one = queries()
    for _ in range(9):
        service = ServiceFactory()
        service_staff_set(service=service, user=demo["nav"], receives_referrals=True)
        refer(nurse, demo.sara_case, service=str(service.pk), entries=[note.pk])
    assert queries() == one


def test_a_referral_to_a_service_whose_intake_is_blocked_is_refused_before_anyone_is_asked(demo):
    # Sara blocks bup, who takes BUP's referrals (and is on her team)
    sara, nurse = as_user(demo["sara"]), as_user(demo["helsesykepleier"])
    response = sara.post(
        f"/api/v1/cases/{demo.sara_case.pk}/blocks/",
        {"user": demo["bup"].pk, "reason": "Jeg vil ikke"},
        format="json",
    )
    assert response.status_code == 201
    asked = Notification.objects.filter(kind="consent_requested").count()
    for entries in ([_note(demo).pk], []):  # the referral itself would reach bup too
        response = refer(nurse, demo.sara_case, service=BUP, entries=entries)
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "blocked"
        assert "Jeg vil ikke" not in response.content.decode()
    assert not Referral.objects.exists()
    assert not ConsentRequest.objects.filter(service__isnull=False).exists()
    assert Notification.objects.filter(kind="consent_requested").count() == asked
    # A legal duty still goes through, as in every share
    response = refer(
        nurse, demo.sara_case, service=BUP, entries=[_note(demo).pk], legal_duty="Bvl. § 13-2."
    )
    assert response.status_code == 201
    assert Disclosure.objects.filter(recipient=demo["bup"], basis="legal_duty").exists()


def test_a_payload_request_that_expires_unanswered_ends_the_referral(demo):
    import time_machine
    from django.utils import timezone

    from consent.tasks import expire_consent_requests

    nurse, sara, clinic = (as_user(demo[u]) for u in ("helsesykepleier", "sara", "helsestasjon"))
    first = _note(demo)
    second = write_entry(demo.sara_case, demo["helsesykepleier"], title="Blodprøver")
    referral = refer(nurse, demo.sara_case, service=CLINIC, entries=[first.pk, second.pk]).json()
    approved, waiting = ConsentRequest.objects.filter(service_id=CLINIC).order_by("entry_id")
    assert sara.post(f"/api/v1/consent-requests/{approved.pk}/approve/").status_code == 200
    assert clinic.get(f"/api/v1/entries/{approved.entry_id}/").status_code == 200

    with time_machine.travel(waiting.expires_at + timezone.timedelta(minutes=1)):
        expire_consent_requests.apply()
        expire_consent_requests.apply()  # idempotent

    assert sara.get(f"/api/v1/referrals/{referral['id']}/").json()["status"] == "consent_declined"
    assert ConsentRequest.objects.get(pk=waiting.pk).status == "expired"
    # What was approved ends with it, and the intake no longer sees the referral
    assert clinic.get(f"/api/v1/entries/{approved.entry_id}/").status_code == 404
    assert clinic.get(f"/api/v1/referrals/{referral['id']}/").status_code == 404
    audit = AuditEvent.objects.filter(action="referral.consent_declined").get()
    assert audit.actor_id is None and audit.data["expired"] is True
    # The referral is no longer open: a new one to the same service may be made
    assert refer(nurse, demo.sara_case, service=CLINIC).status_code == 201
