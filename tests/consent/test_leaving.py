"""People who left the team (issue #11 item 7): they act on nothing on the case any more, and
what only a member may hold (a pending consent request they asked) ends when they leave."""

import pytest

from cases.models import Participant
from cases.services import entry_withhold
from consent.models import ConsentRequest, Disclosure
from consent.services import consent_request_approve, participant_remove, share
from coordination.errors import StateConflict
from coordination.models import AuditEvent

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def remove(demo, username: str) -> None:
    participant = Participant.objects.get(case=demo.sara_case, user=demo[username])
    participant_remove(participant=participant, actor=demo["ungdomshjelper"])


@pytest.fixture
def asked(demo) -> ConsentRequest:
    """The nurse's health note; she asked Sara (16, decides herself) to share it with BUP."""
    note = write_entry(demo.sara_case, demo["helsesykepleier"])
    return share(
        entry=note, recipients=[demo["bup"]], actor=demo["helsesykepleier"]
    ).consent_request


def test_a_leaver_no_longer_reads_the_consent_requests_they_made(demo, asked):
    # Given the nurse sees the request she asked
    nurse = as_user(demo["helsesykepleier"])
    assert nurse.get(f"/api/v1/consent-requests/{asked.pk}/").status_code == 200
    # When she leaves the team
    remove(demo, "helsesykepleier")
    # Then the request is not hers to see any more, in the list or on its own
    assert nurse.get(f"/api/v1/consent-requests/{asked.pk}/").status_code == 404
    assert nurse.get("/api/v1/consent-requests/").json()["count"] == 0


def test_leaving_cancels_the_pending_requests_the_leaver_asked(demo, asked):
    # When the nurse leaves while her request waits for Sara
    remove(demo, "helsesykepleier")
    # Then it is cancelled, Sara sees it so, and approving it is a 409 that shares nothing
    asked.refresh_from_db()
    assert asked.status == ConsentRequest.Status.CANCELLED
    sara = as_user(demo["sara"])
    assert sara.get(f"/api/v1/consent-requests/{asked.pk}/").json()["status"] == "cancelled"
    response = sara.post(f"/api/v1/consent-requests/{asked.pk}/approve/")
    assert response.status_code == 409
    assert "ikke lenger med i saken" in response.json()["detail"]
    assert not Disclosure.objects.filter(request=asked).exists()
    assert AuditEvent.objects.filter(action="consent.cancelled").count() == 1


def test_a_request_whose_asker_left_cannot_be_approved_even_if_still_marked_pending(demo, asked):
    # Given the nurse left, and her request is (still) stored as pending
    remove(demo, "helsesykepleier")
    ConsentRequest.objects.filter(pk=asked.pk).update(status=ConsentRequest.Status.PENDING)
    # When Sara approves it
    response = as_user(demo["sara"]).post(f"/api/v1/consent-requests/{asked.pk}/approve/")
    # Then it is a 409 and nothing is written
    assert response.status_code == 409
    asked.refresh_from_db()
    assert asked.status == ConsentRequest.Status.PENDING and asked.decided_by is None
    assert not Disclosure.objects.filter(request=asked).exists()
    with pytest.raises(StateConflict):
        consent_request_approve(consent_request=asked, actor=demo["sara"])


def test_a_leaver_cannot_withdraw_disclosures_of_entries_they_wrote(demo, asked):
    # Given Sara approved: BUP sees the nurse's note
    consent_request_approve(consent_request=asked, actor=demo["sara"])
    disclosure = Disclosure.objects.get(request=asked)
    nurse = as_user(demo["helsesykepleier"])
    # When the nurse has left and tries to withdraw it
    remove(demo, "helsesykepleier")
    response = nurse.post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/")
    # Then it is not hers to act on (404) and BUP still sees the note
    assert response.status_code == 404
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None
    # And Sara still can
    sara = as_user(demo["sara"])
    assert sara.post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/").status_code == 200


def test_leaving_leaves_others_requests_alone(demo, asked):
    # When BUP (a recipient, not the asker) leaves
    remove(demo, "bup")
    # Then the nurse's request is still pending
    asked.refresh_from_db()
    assert asked.status == ConsentRequest.Status.PENDING


def test_a_leaver_no_longer_ends_what_they_withheld(demo):
    # Given the nurse withheld her note from Sara
    note = write_entry(demo.sara_case, demo["helsesykepleier"])
    withholding = entry_withhold(entry_id=note.pk, actor=demo["helsesykepleier"], reason="§ 3-4.")
    # When she has left and tries to end it
    remove(demo, "helsesykepleier")
    response = as_user(demo["helsesykepleier"]).post(f"/api/v1/withholdings/{withholding.pk}/end/")
    # Then it is not hers to act on; a case admin still reviews it
    assert response.status_code == 404
    assert (
        as_user(demo["admin"]).post(f"/api/v1/withholdings/{withholding.pk}/end/").status_code
        == 200
    )
