from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from meetings.models import Meeting
from meetings.services import (
    attendance_choose,
    meeting_create,
    meeting_mark_held,
    minutes_approve,
    minutes_save,
    minutes_submit,
)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def plan_meeting(team, *, attendees=None, days=7, title="Oppstart") -> Meeting:
    return meeting_create(
        case=team.case,
        actor=team.coordinator,
        title=title,
        starts_at=timezone.now() + timedelta(days=days),
        place="Møterom 2",
        attendees=attendees if attendees is not None else [team.mother, team.nurse, team.teacher],
    )


def decided_meeting(team, **kwargs) -> Meeting:
    """Planned, and the youth chose: everyone proposed except the mother."""
    meeting = plan_meeting(team, **kwargs)
    attendance_choose(meeting=meeting, actor=team.youth, coming=[team.nurse.pk, team.teacher.pk])
    meeting.refresh_from_db()
    return meeting


def started(meeting: Meeting) -> Meeting:
    """Time passes: the meeting began an hour ago (it can be marked held only once begun)."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    return meeting


def hold(meeting: Meeting, actor) -> Meeting:
    """The meeting began, and its organiser marks it held."""
    return meeting_mark_held(meeting=started(meeting), actor=actor)


def approved_minutes(team, meeting=None):
    meeting = meeting or decided_meeting(team)
    if meeting.held_at is None:
        hold(meeting, team.coordinator)
    meeting.refresh_from_db()
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="Vi snakket om skole.")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    return minutes_approve(minutes=minutes, actor=team.youth)
