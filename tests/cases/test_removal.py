"""Leaving the team and taking someone off it (issue #13 item 3): anyone but the youth may leave
by themself, the case's ungdomshjelper may take anyone but the youth off, nobody else may; the
youth first, then the rest of the team, are told who left; the summary shows on the case page
and nowhere else."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, Participant
from consent.models import Disclosure
from consent.services import participant_remove, share
from coordination.models import AuditEvent, Notification
from tests.consent.helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

SUMMARY = "BUP har avsluttet behandlingen."


def participant(demo, username: str, case: Case | None = None) -> Participant:
    return Participant.objects.get(case=case or demo.sara_case, user=demo[username])


def remove_url(p: Participant) -> str:
    return f"/api/v1/participants/{p.pk}/remove/"


def page_url(p: Participant) -> str:
    return reverse("consent:participant-remove", args=[p.case_id, p.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def left_notifications(case: Case) -> list[Notification]:
    return list(
        Notification.objects.filter(kind="participant_left", case_id=case.pk)
        .select_related("recipient")
        .order_by("id")
    )


def test_a_helper_leaves_with_a_summary_and_the_youth_is_told_first(demo):
    # Given BUP sees a note the nurse shared with them
    note = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    share(entry=note, recipients=[demo["bup"]], actor=demo["helsesykepleier"])
    bup = participant(demo, "bup")
    # When BUP leaves by themself with a summary
    response = as_user(demo["bup"]).post(remove_url(bup), {"summary": SUMMARY}, format="json")
    # Then they are off the team at once, and see nothing any more
    assert response.status_code == 200
    assert response.json()["left"] is not None and response.json()["left_summary"] == SUMMARY
    assert as_user(demo["bup"]).get(f"/api/v1/cases/{demo.sara_case.pk}/").status_code == 404
    assert as_user(demo["bup"]).get(f"/api/v1/entries/{note.pk}/").status_code == 404
    assert Disclosure.objects.get(entry=note, recipient=demo["bup"]).end_reason == "left_case"
    # And Sara is told first, then everyone else on the team; BUP themself is not told
    told = [n.recipient.username for n in left_notifications(demo.sara_case)]
    assert told[0] == "sara"
    assert set(told) == {"sara", "mor", "laerer", "helsesykepleier", "ungdomshjelper"}
    # The notification says that someone left and where to look, never the summary
    for notification in left_notifications(demo.sara_case):
        assert notification.target_url == f"/cases/{demo.sara_case.pk}/"
        assert SUMMARY not in notification.kind_label
    texts = as_user(demo["sara"]).get("/api/v1/notifications/").json()["results"]
    assert all(SUMMARY not in item["text"] for item in texts)
    # Sara reads who left and the summary on the case page
    page = logged_in(demo["sara"]).get(f"/cases/{demo.sara_case.pk}/").content.decode()
    assert SUMMARY in page
    # Audited, without the summary (the chain cannot be erased)
    event = AuditEvent.objects.filter(action="participant.removed").last()
    assert event.data["by_self"] is True and event.data["reason"] == "left_case"
    assert SUMMARY not in str(event.data)


def test_the_ungdomshjelper_takes_anyone_but_the_youth_off(demo):
    coordinator = as_user(demo["ungdomshjelper"])
    assert coordinator.post(remove_url(participant(demo, "laerer"))).status_code == 200
    assert coordinator.post(remove_url(participant(demo, "mor"))).status_code == 200
    # The youth cannot be removed (400), and nothing is written
    before = Notification.objects.count()
    assert coordinator.post(remove_url(participant(demo, "sara"))).status_code == 400
    assert Notification.objects.count() == before
    # And the ungdomshjelper may leave too
    assert coordinator.post(remove_url(participant(demo, "ungdomshjelper"))).status_code == 200


def test_nobody_else_takes_someone_else_off(demo):
    bup = participant(demo, "bup")
    for username in ("sara", "mor", "laerer", "helsesykepleier"):
        response = as_user(demo[username]).post(remove_url(bup), {"summary": "x"}, format="json")
        assert response.status_code == 403, username
    bup.refresh_from_db()
    assert bup.left is None and not left_notifications(demo.sara_case)


def test_someone_not_on_the_case_gets_404(demo):
    bup = participant(demo, "bup")
    # NAV is on no case; Jonas' father is on another one; the admin is staff, not on the team
    for username in ("nav", "far", "jonas", "admin"):
        assert as_user(demo[username]).post(remove_url(bup)).status_code == 404, username
    assert as_user(demo["bup"]).post("/api/v1/participants/999999/remove/").status_code == 404
    # Someone who left is not on the case any more: leaving twice is a 404 to them
    as_user(demo["bup"]).post(remove_url(bup))
    assert as_user(demo["bup"]).post(remove_url(bup)).status_code == 404
    # The ungdomshjelper, still on it, is told it is already done
    assert as_user(demo["ungdomshjelper"]).post(remove_url(bup)).status_code == 409


def test_the_youth_cannot_leave_their_own_case(demo):
    response = as_user(demo["sara"]).post(remove_url(participant(demo, "sara")))
    assert response.status_code == 400
    assert participant(demo, "sara").left is None


@pytest.mark.parametrize(
    "body",
    [
        {"summary": "x" * 501},
        {"summary": ["a list"]},
        {"summary": None},
        ["not", "an", "object"],
    ],
)
def test_bad_input_is_a_400_and_nothing_is_saved(demo, body):
    bup = participant(demo, "bup")
    response = as_user(demo["bup"]).post(remove_url(bup), body, format="json")
    assert response.status_code == 400
    bup.refresh_from_db()
    assert bup.left is None and not left_notifications(demo.sara_case)


def test_a_summary_at_the_limit_is_kept(demo):
    bup = participant(demo, "bup")
    response = as_user(demo["bup"]).post(remove_url(bup), {"summary": "x" * 500}, format="json")
    assert response.status_code == 200


def test_a_closed_case_refuses_the_removal(demo):
    Case.objects.filter(pk=demo.sara_case.pk).update(status=Case.Status.CLOSED)
    response = as_user(demo["ungdomshjelper"]).post(remove_url(participant(demo, "bup")))
    assert response.status_code == 409
    assert participant(demo, "bup").left is None


def test_the_system_still_removes_without_a_summary(demo):
    # The existing callers (the ungdomshjelper hand-over) pass no summary and no actor
    participant_remove(participant=participant(demo, "laerer"), actor=None)
    assert participant(demo, "laerer").left is not None
    assert participant(demo, "laerer").left_summary == ""


def test_the_page_lets_a_helper_leave_with_a_summary(demo):
    bup = participant(demo, "bup")
    client = logged_in(demo["bup"])
    case_page = client.get(f"/cases/{demo.sara_case.pk}/").content.decode()
    # Only their own row has a link: "Leave the team"
    assert page_url(bup) in case_page
    assert page_url(participant(demo, "laerer")) not in case_page
    assert client.get(page_url(bup)).status_code == 200
    response = client.post(page_url(bup), {"summary": SUMMARY})
    assert response.status_code == 302 and response.url == "/"
    bup.refresh_from_db()
    assert bup.left is not None and bup.left_summary == SUMMARY
    assert client.get(f"/cases/{demo.sara_case.pk}/").status_code == 404


def test_the_page_lets_the_ungdomshjelper_take_someone_off(demo):
    client = logged_in(demo["ungdomshjelper"])
    case_page = client.get(f"/cases/{demo.sara_case.pk}/").content.decode()
    for username in ("mor", "laerer", "bup", "helsesykepleier", "ungdomshjelper"):
        assert page_url(participant(demo, username)) in case_page
    assert page_url(participant(demo, "sara")) not in case_page
    response = client.post(page_url(participant(demo, "laerer")), {"summary": ""})
    assert response.status_code == 302
    assert participant(demo, "laerer").left is not None


def test_the_page_refuses_what_the_api_refuses(demo):
    bup = participant(demo, "bup")
    # Someone on the team who may not: 403; someone outside: 404; the youth's row: 403
    assert logged_in(demo["mor"]).get(page_url(bup)).status_code == 403
    assert logged_in(demo["mor"]).post(page_url(bup), {"summary": ""}).status_code == 403
    assert logged_in(demo["nav"]).get(page_url(bup)).status_code == 404
    sara = participant(demo, "sara")
    assert logged_in(demo["ungdomshjelper"]).get(page_url(sara)).status_code == 403
    # Too long a summary: the form says so, nothing saved
    response = logged_in(demo["bup"]).post(page_url(bup), {"summary": "x" * 501})
    assert response.status_code == 400
    bup.refresh_from_db()
    assert bup.left is None
