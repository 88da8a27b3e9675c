"""Helpers shared by the meeting services."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cases.models import Case, Participant
from coordination.models import User
from coordination.notifications import NotificationKind
from coordination.services import audit_append, notification_create

from .. import links
from ..models import (
    Attendance,
    Meeting,
    Minutes,
)

REVIEW_STATES = {Minutes.Status.DRAFT, Minutes.Status.IN_REVIEW, Minutes.Status.CORRECTIONS}


def _team_ids(case: Case, user_ids: Iterable[int]) -> set[int]:
    return set(
        Participant.objects.active()
        .filter(case=case, user_id__in=set(user_ids))
        .exclude(user_id=case.youth_id)
        .values_list("user_id", flat=True)
    )


def _require_team(case: Case, user_ids: set[int], field: str) -> None:
    outsiders = sorted(user_ids - _team_ids(case, user_ids))
    if outsiders:
        raise ValidationError(
            {
                field: _("Only people on the team can be invited (not on it: %(ids)s).")
                % {"ids": ", ".join(map(str, outsiders))}
            }
        )


def _require_organiser(meeting: Meeting, actor: User) -> None:
    if actor.pk != meeting.organiser_id:
        raise PermissionDenied(_("Only the person who runs the meeting can do this."))


def _audit(actor: User | None, action: str, meeting: Meeting, **data: object) -> None:
    audit_append(
        actor=actor,
        action=action,
        case_id=meeting.case_id,
        object_type="meeting",
        object_id=str(meeting.pk),
        data=data,
    )


def _notify(users: Iterable[User], kind: NotificationKind, meeting: Meeting, url: str) -> None:
    for user in users:
        notification_create(recipient=user, kind=kind, case_id=meeting.case_id, target_url=url)


def _invitees(meeting: Meeting) -> list[User]:
    attendances = Attendance.objects.filter(meeting=meeting, invited_at__isnull=False)
    return [a.user for a in attendances.select_related("user").order_by("id")]


def _invitations_follow(
    attendances: Iterable[Attendance], now: datetime
) -> tuple[list[User], list[int]]:
    """Each invitation follows its attendance's decision: stamped when it first says yes (that
    person is newly invited), taken back on anything else. Returns the newly invited and the
    ids uninvited; the caller saves the rows and tells the invited."""
    invited: list[User] = []
    uninvited: list[int] = []
    for attendance in attendances:
        if attendance.decision and attendance.invited_at is None:
            attendance.invited_at = now
            invited.append(attendance.user)
        elif not attendance.decision and attendance.invited_at is not None:
            attendance.invited_at = None
            uninvited.append(attendance.user_id)
    return invited, uninvited


def _notify_everyone(meeting: Meeting, kind: NotificationKind) -> None:
    """Everyone invited and the young person, pointing at the meeting page."""
    _notify([*_invitees(meeting), meeting.case.youth], kind, meeting, links.meeting(meeting))
