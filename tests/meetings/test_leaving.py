"""Someone who leaves the case (issue #11 item 7) no longer reads or completes their tasks;
their open tasks are cancelled and they are no longer invited to meetings still to come."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Participant
from consent.services import participant_remove
from coordination.models import AuditEvent
from meetings.models import ActionItem, Attendance
from meetings.services import action_item_create

from .helpers import approved_minutes, as_user, decided_meeting, hold

pytestmark = pytest.mark.django_db


def remove(team, user) -> None:
    participant = Participant.objects.get(case=team.case, user=user, left__isnull=True)
    participant_remove(participant=participant, actor=team.coordinator)


def teachers_task(team) -> ActionItem:
    meeting = hold(decided_meeting(team), team.coordinator)
    item = action_item_create(
        meeting=meeting,
        actor=team.coordinator,
        description="lage en plan",
        owner=team.teacher,
        due=timezone.localdate() + timedelta(days=10),
    )
    approved_minutes(team, meeting)
    return item


def test_a_removed_owner_no_longer_reads_or_completes_their_task(team, client):
    # Given the teacher's task on approved minutes, which she sees and may complete
    item = teachers_task(team)
    teacher = as_user(team.teacher)
    assert teacher.get("/api/v1/action-items/").json()["count"] == 1
    # When she leaves the case
    remove(team, team.teacher)
    # Then the task is not hers to read or complete any more
    assert teacher.get("/api/v1/action-items/").json()["count"] == 0
    response = teacher.patch(f"/api/v1/action-items/{item.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 404
    client.force_login(team.teacher)
    page = client.get("/meetings/tasks/")
    assert page.status_code == 200 and "lage en plan" not in page.content.decode()
    # And it is cancelled, which the young person sees
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CANCELLED
    assert as_user(team.youth).get("/api/v1/action-items/").json()["results"][0]["status"] == (
        "cancelled"
    )
    assert AuditEvent.objects.filter(action="meeting.member_left").exists()


def test_an_organiser_who_left_no_longer_reads_the_tasks_of_their_meetings(team):
    # Given the coordinator's meeting with a task
    teachers_task(team)
    coordinator = as_user(team.coordinator)
    assert coordinator.get("/api/v1/action-items/").json()["count"] == 1
    # When the coordinator leaves (a case admin removes them)
    participant = Participant.objects.get(case=team.case, user=team.coordinator)
    participant_remove(participant=participant, actor=None)
    # Then they see none of them
    assert coordinator.get("/api/v1/action-items/").json()["count"] == 0


def test_a_leaver_is_no_longer_invited_to_meetings_still_to_come(team):
    # Given a meeting the nurse is invited to, and one already held
    upcoming = decided_meeting(team)
    held = hold(decided_meeting(team, title="Forrige"), team.coordinator)
    # When the nurse leaves
    remove(team, team.nurse)
    # Then she is not on the coming meeting's list (so choosing cannot invite her again)
    assert not Attendance.objects.filter(meeting=upcoming, user=team.nurse).exists()
    assert Attendance.objects.filter(meeting=held, user=team.nurse).exists()
    response = as_user(team.youth).post(
        f"/api/v1/meetings/{upcoming.pk}/attendance/",
        {"coming": [team.nurse.pk], "youth_presence": "attends"},
        format="json",
    )
    assert response.status_code == 400


def test_meeting_endpoints_after_leaving(team):
    # Given a held meeting with approved minutes and the teacher's task, and an upcoming one
    item = teachers_task(team)
    meeting = item.meeting
    upcoming = decided_meeting(team, title="Neste")
    # When the teacher (invited, with a task) and the coordinator (who ran both) leave
    remove(team, team.teacher)
    participant = Participant.objects.get(case=team.case, user=team.coordinator)
    participant_remove(participant=participant, actor=None)
    # Then neither acts on the meetings any more: everything is a 404, as for a stranger
    rows = [
        (team.teacher, "get", f"/api/v1/meetings/{meeting.pk}/", None),
        (team.teacher, "get", f"/api/v1/meetings/{upcoming.pk}/agenda/", None),
        (team.teacher, "post", f"/api/v1/meetings/{upcoming.pk}/agenda/", {"title": "Lekser"}),
        (team.teacher, "get", f"/api/v1/meetings/{meeting.pk}/minutes/", None),
        (team.teacher, "post", f"/api/v1/meetings/{meeting.pk}/evaluations/", {"heard": 2}),
        (team.teacher, "patch", f"/api/v1/action-items/{item.pk}/", {"status": "done"}),
        (team.coordinator, "patch", f"/api/v1/meetings/{upcoming.pk}/", {"place": "Hjemme"}),
        (team.coordinator, "post", f"/api/v1/meetings/{upcoming.pk}/cancel/", None),
        (team.coordinator, "get", f"/api/v1/meetings/{meeting.pk}/minutes/", None),
        (team.coordinator, "post", f"/api/v1/meetings/{meeting.pk}/minutes/distribute/", {}),
        (team.coordinator, "get", f"/api/v1/meetings/{meeting.pk}/evaluations/summary/", None),
    ]
    for user, method, path, body in rows:
        response = getattr(as_user(user), method)(path, body, format="json")
        assert response.status_code == 404, (user.username, method, path)
