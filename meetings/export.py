"""Meetings' sections of "everything about me" (coordination.exports): the meetings the person
may see with the agenda they may read and the minutes they may read (every draft and comment for
the young person and the organiser, the approved text for anyone else who received it), the
tasks they may see, and the evaluations they answered with their name."""

from django.utils.translation import gettext_lazy as _

from coordination.exports.sections import ExportSection, code_words, iso
from coordination.models import User

from .models import Evaluation, GuardiansQuestion, Meeting, Minutes, MinutesVersion
from .selectors import (
    action_items_visible,
    agenda_for,
    guardians_for,
    meetings_visible,
    minutes_readers_can,
    sees_minutes_drafts,
)


def _version(version: MinutesVersion | None) -> dict | None:
    if version is None:
        return None
    return {
        "number": version.number,
        "summary": version.summary,
        "decisions": version.decisions,
        "created": iso(version.created),
    }


def _minutes(meeting: Meeting, user: User) -> dict | None:
    minutes = Minutes.objects.filter(meeting=meeting).select_related("approved_version").first()
    if minutes is None or not minutes_readers_can(minutes=minutes, user=user):
        return None
    described: dict = {
        "status": minutes.status,
        "approved": iso(minutes.approved_at),
        "sent_out": iso(minutes.distributed_at),
        "approved_text": _version(minutes.approved_version),
    }
    if sees_minutes_drafts(meeting=meeting, user=user):
        described["drafts"] = [_version(v) for v in minutes.versions.order_by("number")]
        described["comments"] = [
            {
                "author": comment.author.name,
                "text": comment.text,
                "asks_for_correction": comment.is_correction,
                "created": iso(comment.created),
            }
            for comment in minutes.comments.select_related("author").order_by("created", "id")
        ]
    return described


def _guardians(meeting: Meeting, user: User) -> dict | None:
    """Whether the guardians come, for those who see it on the meeting page (the young person,
    the deciders, the organiser); None for anyone else and before the young person answered."""
    seen = guardians_for(meeting=meeting, user=user)
    question = seen.question if seen is not None else None
    if question is None:
        return None
    return {
        "wish": question.wish,
        "why": question.why,
        "wish_given": iso(question.wish_at),
        "come": question.come,
        "reason": question.reason,
        "decided_by": question.decided_by.name if question.decided_by else None,
        "decided": iso(question.decided_at),
    }


def _meetings(user: User) -> list[dict]:
    return [
        {
            "id": meeting.pk,
            "case": meeting.case_id,
            "title": meeting.title,
            "kind": meeting.kind,
            "starts": iso(meeting.starts_at),
            "duration_minutes": meeting.duration_minutes,
            "place": meeting.place,
            "organiser": meeting.organiser.name,
            "held": iso(meeting.held_at),
            "cancelled": iso(meeting.cancelled_at),
            "agenda": [
                {"topic": item.title, "details": item.details, "author": item.author.name}
                for item in agenda_for(meeting=meeting, user=user)
            ],
            "minutes": _minutes(meeting, user),
            "guardians": _guardians(meeting, user),
        }
        for meeting in meetings_visible(user=user)
    ]


def export_sections(*, user: User) -> list[ExportSection]:
    tasks = [
        {
            "meeting": item.meeting_id,
            "what": item.description,
            "owner": item.owner.name,
            "due": iso(item.due),
            "status": item.status,
        }
        for item in action_items_visible(user=user)
    ]
    evaluations = [
        {
            "meeting": evaluation.meeting_id,
            "heard": evaluation.get_heard_display(),
            "understood": evaluation.get_understood_display(),
            "useful": evaluation.get_useful_display(),
            "comment": evaluation.comment,
            "week": iso(evaluation.week),
        }
        for evaluation in Evaluation.objects.filter(respondent=user).order_by("week", "id")
    ]
    return [
        ExportSection(
            "meetings",
            _("Meetings"),
            _("The meetings on your cases that you may see, with agenda and minutes."),
            _meetings(user),
            choices={
                "kind": code_words(Meeting.Kind.choices),
                "status": code_words(Minutes.Status.choices),
                "wish": code_words(GuardiansQuestion.Wish.choices),
            },
            order=70,
        ),
        ExportSection(
            "tasks",
            _("Tasks from meetings"),
            _("What someone said they would do after a meeting, and by when."),
            tasks,
            order=71,
        ),
        ExportSection(
            "evaluations",
            _("What you said about meetings"),
            _("Your answers after meetings, when you gave them with your name."),
            evaluations,
            order=81,
        ),
    ]
