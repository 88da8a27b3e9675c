"""Where notifications about meetings point (pages owned by meetings.views)."""

from .models import Meeting


def meeting(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}/"


def minutes(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}/minutes/"


def action_items() -> str:
    return "/meetings/tasks/"
