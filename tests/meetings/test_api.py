"""The meetings API: paginated lists, 404-not-403, 400 for bad input, 409 for wrong state."""

from datetime import timedelta

from django.utils import timezone

from cases.models import Entry
from consent.models import Disclosure
from meetings.models import ActionItem, Meeting

from .helpers import approved_minutes, as_user, decided_meeting, plan_meeting, started


def test_plan_a_meeting_and_list_it(team, django_assert_max_num_queries):
    client = as_user(team.coordinator)
    response = client.post(
        f"/api/v1/cases/{team.case.pk}/meetings/",
        {
            "title": "Oppstart",
            "starts_at": (timezone.now() + timedelta(days=3)).isoformat(),
            "place": "Skolen",
            "attendees": [team.nurse.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "start" and body["ics"] == f"/meetings/{body['id']}.ics"
    assert body["starts_at"].endswith(("+00:00", "Z", "+01:00"))
    plan_meeting(team)
    with django_assert_max_num_queries(6):
        listing = client.get(f"/api/v1/cases/{team.case.pk}/meetings/").json()
    assert listing["count"] == 2 and set(listing) == {"count", "next", "previous", "results"}


def test_someone_elses_case_is_404_and_outsider_invite_is_400(team):
    meeting = plan_meeting(team)
    outsider = as_user(team.outsider)
    assert outsider.get(f"/api/v1/cases/{team.case.pk}/meetings/").status_code == 404
    assert outsider.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    missing = outsider.get("/api/v1/meetings/999999/")
    assert missing.status_code == 404
    assert outsider.get(f"/api/v1/meetings/{meeting.pk}/").json() == missing.json()
    response = as_user(team.coordinator).post(
        f"/api/v1/meetings/{meeting.pk}/proposals/", {"users": [team.outsider.pk]}, format="json"
    )
    assert response.status_code == 400 and "users" in response.json()
    # A helper on the case may see nothing of a meeting they are not invited to
    assert as_user(team.bup).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    # and the nurse, not yet invited, neither
    assert as_user(team.nurse).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_youth_chooses_through_the_api(team):
    meeting = plan_meeting(team)
    response = as_user(team.youth).post(
        f"/api/v1/meetings/{meeting.pk}/attendance/", {"coming": [team.nurse.pk]}, format="json"
    )
    assert response.json() == {"invited": True}
    rows = as_user(team.youth).get(f"/api/v1/meetings/{meeting.pk}/attendance/").json()
    invited = {r["user"]["id"]: r["invited_at"] is not None for r in rows["results"]}
    assert invited == {team.mother.pk: False, team.nurse.pk: True, team.teacher.pk: False}
    # The nurse sees the meeting now but cannot choose: 403
    response = as_user(team.nurse).post(
        f"/api/v1/meetings/{meeting.pk}/attendance/", {"coming": []}, format="json"
    )
    assert response.status_code == 403


def test_distributing_unapproved_minutes_is_409_with_a_clear_message(team):
    meeting = decided_meeting(team)
    client = as_user(team.coordinator)
    started(meeting)
    client.post(f"/api/v1/meetings/{meeting.pk}/held/")
    assert (
        client.put(
            f"/api/v1/meetings/{meeting.pk}/minutes/", {"summary": "Utkast"}, format="json"
        ).status_code
        == 200
    )
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/minutes/distribute/",
        {"recipients": [team.nurse.pk]},
        format="json",
    )
    assert response.status_code == 409
    assert "ikke godkjent" in response.json()["detail"]
    assert not Entry.objects.filter(kind="minutes").exists()
    assert not Disclosure.objects.exists()


def test_minutes_review_and_distribution(team):
    minutes = approved_minutes(team)
    meeting_id = minutes.meeting_id
    response = as_user(team.coordinator).post(
        f"/api/v1/meetings/{meeting_id}/minutes/distribute/",
        {"recipients": [team.nurse.pk, team.teacher.pk]},
        format="json",
    )
    assert response.status_code == 202 and response.json()["status"] == "consent_requested"
    request_id = response.json()["consent_request"]["id"]
    assert (
        as_user(team.youth).post(f"/api/v1/consent-requests/{request_id}/approve/").status_code
        == 200
    )
    assert as_user(team.nurse).get(f"/api/v1/meetings/{meeting_id}/minutes/").status_code == 200
    assert as_user(team.bup).get(f"/api/v1/meetings/{meeting_id}/minutes/").status_code == 404


def test_action_item_owner_rules(team, django_assert_max_num_queries):
    meeting = decided_meeting(team)
    client = as_user(team.coordinator)
    started(meeting)
    client.post(f"/api/v1/meetings/{meeting.pk}/held/")
    url = f"/api/v1/meetings/{meeting.pk}/action-items/"
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert client.post(url, {"description": "x", "due": due}, format="json").status_code == 400
    response = client.post(
        url, {"description": "x", "owner": team.outsider.pk, "due": due}, format="json"
    )
    assert response.status_code == 400 and "owner" in response.json()
    response = client.post(
        url, {"description": "ringe", "owner": team.teacher.pk, "due": due}, format="json"
    )
    assert response.status_code == 201
    assert ActionItem.objects.count() == 1
    for _ in range(3):
        client.post(url, {"description": "mer", "owner": team.nurse.pk, "due": due}, format="json")
    with django_assert_max_num_queries(4):
        listing = as_user(team.youth).get("/api/v1/action-items/").json()
    assert listing["count"] == 4
    assert as_user(team.bup).get("/api/v1/action-items/").json()["count"] == 0


def test_calendar_feed_reset_through_the_api(team, client):
    decided_meeting(team)
    api = as_user(team.nurse)
    old = api.get("/api/v1/calendar-feed/").json()["url"]
    new = api.post("/api/v1/calendar-feed/reset/").json()["url"]
    assert old != new
    assert client.get(old.replace("http://testserver", "")).status_code == 404
    assert client.get(new.replace("http://testserver", "")).status_code == 200


def test_evaluation_summary_only_for_the_organiser(team):
    meeting = decided_meeting(team)
    started(meeting)
    as_user(team.coordinator).post(f"/api/v1/meetings/{meeting.pk}/held/")
    response = as_user(team.youth).post(
        f"/api/v1/meetings/{meeting.pk}/evaluations/",
        {"heard": 2, "understood": 2, "useful": 1, "anonymous": True},
        format="json",
    )
    assert response.status_code == 201
    again = as_user(team.youth).post(
        f"/api/v1/meetings/{meeting.pk}/evaluations/",
        {"heard": 2, "understood": 2, "useful": 1},
        format="json",
    )
    assert again.status_code == 409
    summary = as_user(team.coordinator).get(f"/api/v1/meetings/{meeting.pk}/evaluations/summary/")
    assert summary.json()["hidden"] is True and summary.json()["heard"] is None
    assert (
        as_user(team.nurse).get(f"/api/v1/meetings/{meeting.pk}/evaluations/summary/").status_code
        == 404
    )
    assert Meeting.objects.count() == 1
