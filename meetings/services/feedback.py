"""Evaluation after the meeting and the personal calendar feed."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.errors import StateConflict
from coordination.models import User
from coordination.services import audit_append

from ..models import (
    Attendance,
    CalendarFeed,
    Evaluation,
    EvaluationReceipt,
    Meeting,
    new_calendar_token,
)
from ..selectors import (
    evaluation_week,
)

# -- evaluation -------------------------------------------------------------------------------


def can_evaluate(*, meeting: Meeting, user: User) -> bool:
    return (
        user.pk in (meeting.case.youth_id, meeting.organiser_id)
        or Attendance.objects.filter(meeting=meeting, user=user, invited_at__isnull=False).exists()
    )


@transaction.atomic
def evaluation_submit(
    *,
    meeting: Meeting,
    actor: User,
    heard: int,
    understood: int,
    useful: int,
    comment: str = "",
    anonymous: bool = False,
) -> Evaluation:
    if meeting.held_at is None:
        raise StateConflict(_("You can say what you thought once the meeting has been held."))
    if not can_evaluate(meeting=meeting, user=actor):
        raise PermissionDenied(_("Only people who were invited can answer."))
    try:
        with transaction.atomic():
            EvaluationReceipt.objects.create(meeting=meeting, user=actor)
    except IntegrityError:
        raise StateConflict(_("You have already answered. Thank you!")) from None
    evaluation = Evaluation(
        meeting=meeting,
        respondent=None if anonymous else actor,
        week=evaluation_week(timezone.now()),
        heard=heard,
        understood=understood,
        useful=useful,
        comment=comment.strip(),
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# -- calendar feed ----------------------------------------------------------------------------


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret: the old feed address answers 404 from now on."""
    feed = calendar_feed_for(user=user)
    feed.token = new_calendar_token()
    feed.created = timezone.now()
    feed.save(update_fields=["token", "created"])
    audit_append(
        actor=user, action="calendar_feed.reset", object_type="user", object_id=str(user.pk)
    )
    return feed
