"""The "done when" flow of issue #4, over the API, on the seeded demo municipality."""

import pytest

from cases.models import AccessEvent
from consent.models import Disclosure

from .helpers import as_user

pytestmark = pytest.mark.django_db


def test_sara_decides_shares_and_withdraws_her_health_note(demo):
    nurse, teacher, sara, mother = (
        as_user(demo[u]) for u in ("helsesykepleier", "laerer", "sara", "mor")
    )
    case = demo.sara_case

    # Given the school nurse writes a health note on Sara's case
    response = nurse.post(
        f"/api/v1/cases/{case.pk}/entries/",
        {
            "kind": "note",
            "category": "health",
            "title": "Hodepine",
            "body": "Sara har *ofte* vondt.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    # Then the teacher cannot see it: 404, and not in his list
    assert teacher.get(f"/api/v1/entries/{entry_id}/").status_code == 404
    listed = teacher.get(f"/api/v1/cases/{case.pk}/entries/").json()["results"]
    assert entry_id not in [e["id"] for e in listed]

    # When the nurse shares it with the teacher, Sara (16) is asked
    response = nurse.post(
        f"/api/v1/entries/{entry_id}/share/",
        {"recipients": [demo["laerer"].pk], "purpose": "Så skolen kan tilrettelegge prøver."},
        format="json",
    )
    assert response.status_code == 202, response.content
    request = response.json()["consent_request"]
    assert response.json()["status"] == "consent_requested"
    assert request["deciders"] == [demo["sara"].pk]
    assert request["status"] == "pending"
    assert teacher.get(f"/api/v1/entries/{entry_id}/").status_code == 404

    # And Sara approves
    pending = sara.get("/api/v1/consent-requests/?status=pending").json()["results"]
    assert [r["id"] for r in pending] == [request["id"]]
    response = sara.post(f"/api/v1/consent-requests/{request['id']}/approve/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"]["username"] == "sara"

    # Then the teacher reads it
    response = teacher.get(f"/api/v1/entries/{entry_id}/")
    assert response.status_code == 200
    assert response.json()["body_html"] == "<p>Sara har <em>ofte</em> vondt.</p>"

    # And Sara's who-knows-what shows the teacher, basis consent, opened
    people = sara.get(f"/api/v1/cases/{case.pk}/who-knows-what/").json()
    teacher_row = next(p for p in people if p["person"]["username"] == "laerer")
    known = next(k for k in teacher_row["entries"] if k["entry"]["id"] == entry_id)
    assert known["basis"] == "consent"
    assert known["until"] is None
    assert known["last_opened"] is not None
    assert teacher_row["person"]["service"]["name"] == "Fjordvik ungdomsskole"

    # When Sara withdraws
    response = sara.post(f"/api/v1/disclosures/{known['disclosure']}/withdraw/")
    assert response.status_code == 200, response.content
    # Then the teacher gets 404 and Sara's history keeps the period
    assert teacher.get(f"/api/v1/entries/{entry_id}/").status_code == 404
    people = sara.get(f"/api/v1/cases/{case.pk}/who-knows-what/").json()
    teacher_row = next(p for p in people if p["person"]["username"] == "laerer")
    known = next(k for k in teacher_row["entries"] if k["entry"]["id"] == entry_id)
    assert known["since"] < known["until"]
    assert known["last_opened"] is not None

    # And her mother never saw the health note, nor may she see who knows what (Sara decides)
    assert mother.get(f"/api/v1/entries/{entry_id}/").status_code == 404
    assert mother.get(f"/api/v1/cases/{case.pk}/who-knows-what/").status_code == 404
    assert not AccessEvent.objects.filter(entry_id=entry_id, user=demo["mor"]).exists()
    assert not Disclosure.objects.filter(entry_id=entry_id, recipient=demo["mor"]).exists()


def test_jonas_father_decides_and_sees_jonas_opinion(demo):
    nurse, teacher, jonas, father = (
        as_user(demo[u]) for u in ("helsesykepleier", "laerer", "jonas", "far")
    )
    case = demo.jonas_case
    entry_id = nurse.post(
        f"/api/v1/cases/{case.pk}/entries/",
        {"kind": "note", "category": "health", "title": "Vaksine", "body": "Jonas fikk vaksine."},
        format="json",
    ).json()["id"]
    assert teacher.get(f"/api/v1/entries/{entry_id}/").status_code == 404

    # When the nurse shares it, Jonas (13) does not decide: his father does
    response = nurse.post(
        f"/api/v1/entries/{entry_id}/share/",
        {"recipients": [demo["laerer"].pk], "purpose": "Så skolen kan tilrettelegge prøver."},
        format="json",
    )
    assert response.status_code == 202
    request_id = response.json()["consent_request"]["id"]
    assert response.json()["consent_request"]["deciders"] == [demo["far"].pk]
    assert jonas.post(f"/api/v1/consent-requests/{request_id}/approve/").status_code == 403

    # And Jonas gives his view, which his father sees next to the request (the nurse does not)
    response = jonas.post(
        f"/api/v1/consent-requests/{request_id}/opinion/",
        {"opinion": "Greit at læreren vet det."},
        format="json",
    )
    assert response.status_code == 200, response.content
    seen_by_father = father.get(f"/api/v1/consent-requests/{request_id}/").json()
    assert seen_by_father["youth_opinion"] == "Greit at læreren vet det."
    assert nurse.get(f"/api/v1/consent-requests/{request_id}/").json()["youth_opinion"] is None

    # When the father approves, the teacher reads it
    assert father.post(f"/api/v1/consent-requests/{request_id}/approve/").status_code == 200
    assert teacher.get(f"/api/v1/entries/{entry_id}/").status_code == 200

    # And the father (consent authority) sees who knows what, and withdraws
    people = father.get(f"/api/v1/cases/{case.pk}/who-knows-what/").json()
    teacher_row = next(p for p in people if p["person"]["username"] == "laerer")
    # The father may not open the note himself: he sees it as a health note by the nurse
    known = next(k for k in teacher_row["entries"] if k["disclosure"] is not None)
    assert known["entry"]["title"] is None and known["entry"]["category"] == "health"
    assert known["basis"] == "consent" and known["last_opened"] is not None
    assert father.post(f"/api/v1/disclosures/{known['disclosure']}/withdraw/").status_code == 200
    assert teacher.get(f"/api/v1/entries/{entry_id}/").status_code == 404
