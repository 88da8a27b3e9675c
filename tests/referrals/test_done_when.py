"""Issue #15's "Done when" (Part A), over the API, on the seeded demo municipality."""

import pytest

from cases.models import Entry, Participant
from consent.models import Disclosure
from tests.consent.helpers import as_user

from .helpers import BUP, CLINIC, refer

pytestmark = pytest.mark.django_db


def test_sara_is_referred_to_bup_declined_and_referred_to_the_clinic(demo):
    nurse, sara, bup, clinic = (
        as_user(demo[u]) for u in ("helsesykepleier", "sara", "bup", "helsestasjon")
    )
    case = demo.sara_case
    note = Entry.objects.get(case=case, title="Samtale om søvn og stress")
    other = Entry.objects.get(case=case, title="Tilrettelegging ved prøver")

    # Given the nurse refers Sara to BUP with one health note
    response = refer(nurse, case, service=BUP, entries=[note.pk])
    assert response.status_code == 201, response.content
    to_bup = response.json()
    assert to_bup["status"] == "awaiting_consent"
    assert to_bup["purpose"] == "Vurdering av angst"
    # BUP's intake sees nothing yet
    assert bup.get("/api/v1/referrals/?box=received").json()["count"] == 0
    assert bup.get(f"/api/v1/entries/{note.pk}/").status_code == 404

    # When Sara (16) is asked, the request names the service and the purpose
    [request] = sara.get("/api/v1/consent-requests/?status=pending").json()["results"]
    assert request["service"]["id"] == BUP
    assert request["purpose"] == "Vurdering av angst"
    assert request["deciders"] == [demo["sara"].pk]
    assert sara.post(f"/api/v1/consent-requests/{request['id']}/approve/").status_code == 200

    # Then the referral is sent, and BUP's inbox holds exactly that note
    [received] = bup.get("/api/v1/referrals/?box=received").json()["results"]
    assert received["id"] == to_bup["id"]
    assert received["status"] == "sent"
    assert [e["id"] for e in received["entries"]] == [note.pk]
    assert bup.get(f"/api/v1/entries/{note.pk}/").status_code == 200

    # When BUP declines with a reason and suggests the drop-in clinic
    response = bup.post(
        f"/api/v1/referrals/{to_bup['id']}/decline/",
        {"reason": "Du trenger ikke spesialist nå.", "suggested_services": [CLINIC]},
        format="json",
    )
    assert response.status_code == 200, response.content
    # Then Sara sees the reason and the suggestion, with a link to the finder
    mine = sara.get(f"/api/v1/referrals/{to_bup['id']}/").json()
    assert mine["status"] == "declined"
    assert mine["decline_reason"] == "Du trenger ikke spesialist nå."
    [suggested] = mine["suggested_services"]
    assert suggested["id"] == CLINIC
    assert suggested["finder_url"] == f"/services/{CLINIC}/"
    # And BUP's access to the note ended with the no
    assert bup.get(f"/api/v1/entries/{note.pk}/").status_code == 404

    # When the nurse refers Sara to the clinic and Sara approves
    to_clinic = refer(nurse, case, service=CLINIC, entries=[note.pk]).json()
    [request] = sara.get("/api/v1/consent-requests/?status=pending").json()["results"]
    assert sara.post(f"/api/v1/consent-requests/{request['id']}/approve/").status_code == 200

    # Then the clinic's intake, not on the team, opens exactly the note and nothing else
    assert clinic.get(f"/api/v1/entries/{note.pk}/").status_code == 200
    assert clinic.get(f"/api/v1/entries/{other.pk}/").status_code == 404
    for path in ("", "entries/", "participants/", "who-knows-what/", "referrals/"):
        method = clinic.post if path == "referrals/" else clinic.get
        assert method(f"/api/v1/cases/{case.pk}/{path}").status_code == 404, path
    assert [c["id"] for c in clinic.get("/api/v1/cases/").json()["results"]] == []

    # When its intake worker accepts, they join the team for the clinic
    response = clinic.post(f"/api/v1/referrals/{to_clinic['id']}/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    joined = Participant.objects.active().get(case=case, user=demo["helsestasjon"])
    assert str(joined.service_id) == CLINIC
    assert joined.role == Participant.Role.HELPER

    # And Sara's who-knows-what shows every step: BUP could see the note until its no, the
    # clinic can see it since her yes
    people = {
        row["person"]["username"]: row
        for row in sara.get(f"/api/v1/cases/{case.pk}/who-knows-what/").json()
    }
    [bup_row] = [e for e in people["bup"]["entries"] if e["entry"]["id"] == note.pk]
    assert (bup_row["basis"], bup_row["end_reason"]) == ("consent", "referral_ended")
    assert bup_row["until"] is not None
    [clinic_row] = [e for e in people["helsestasjon"]["entries"] if e["entry"]["id"] == note.pk]
    assert (clinic_row["basis"], clinic_row["until"]) == ("consent", None)
    assert people["helsestasjon"]["person"]["service"]["id"] == CLINIC
    assert Disclosure.objects.filter(entry=note, service__isnull=False).count() == 2


def test_for_jonas_his_father_decides_and_jonas_view_is_shown(demo):
    nurse, jonas, father = (as_user(demo[u]) for u in ("helsesykepleier", "jonas", "far"))
    case = demo.jonas_case
    note = nurse.post(
        f"/api/v1/cases/{case.pk}/entries/",
        {"kind": "note", "category": "health", "title": "Magesmerter", "body": "Ofte."},
        format="json",
    ).json()

    referral = refer(nurse, case, service=CLINIC, entries=[note["id"]]).json()
    assert referral["status"] == "awaiting_consent"

    [request] = father.get("/api/v1/consent-requests/?status=pending").json()["results"]
    assert request["deciders"] == [demo["far"].pk]
    assert request["youth_opinion_asked"] is True
    assert request["service"]["id"] == CLINIC
    response = jonas.post(
        f"/api/v1/consent-requests/{request['id']}/opinion/",
        {"opinion": "Ja, det er greit."},
        format="json",
    )
    assert response.status_code == 200, response.content
    shown = father.get(f"/api/v1/consent-requests/{request['id']}/").json()
    assert shown["youth_opinion"] == "Ja, det er greit."
    assert father.post(f"/api/v1/consent-requests/{request['id']}/approve/").status_code == 200

    assert jonas.get(f"/api/v1/referrals/{referral['id']}/").json()["status"] == "sent"
    assert as_user(demo["helsestasjon"]).get(f"/api/v1/entries/{note['id']}/").status_code == 200
