"""Where notifications about meetings point: meetings' own pages, by URL name."""

from django.urls import reverse

from .models import Meeting


def meeting(meeting: Meeting) -> str:
    return reverse("meetings:detail", kwargs={"meeting_id": meeting.pk})


def minutes(meeting: Meeting) -> str:
    return reverse("meetings:minutes", kwargs={"meeting_id": meeting.pk})


def action_items() -> str:
    return reverse("meetings:tasks")


def evaluation(meeting: Meeting) -> str:
    return reverse("meetings:evaluation", kwargs={"meeting_id": meeting.pk})
