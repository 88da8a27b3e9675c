"""Evaluation after the meeting and the personal calendar feed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.errors import StateConflict
from coordination.models import User
from coordination.services import audit_append, notification_create

from .. import links, notifications
from ..models import (
    Attendance,
    CalendarFeed,
    Evaluation,
    EvaluationReceipt,
    EvaluationReminder,
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


def evaluation_invite(*, meeting: Meeting, youth: User) -> None:
    """The young person is asked what they thought, by itself, when the meeting is marked held
    (in that transaction): in the app and, if they have SMS on, an SMS with the link and no
    content (notification delivery decides the channels from their profile)."""
    notification_create(
        recipient=youth,
        kind=notifications.EVALUATION_INVITED,
        case_id=meeting.case_id,
        target_url=links.evaluation(meeting),
    )


def evaluation_reminders_send(*, now: datetime | None = None) -> int:
    """Beat: one reminder to the young person SAMMEN_EVALUATION_REMIND_DAYS after a meeting was
    held, unless they have answered (a receipt exists, anonymous answers too). Only meetings held
    in the SAMMEN_EVALUATION_REMIND_WINDOW_DAYS before that are looked at, so a late or first run
    does not remind about old meetings. Idempotent: the unique EvaluationReminder row."""
    now = now or timezone.now()
    due = now - timedelta(days=settings.SAMMEN_EVALUATION_REMIND_DAYS)
    youth = OuterRef("case__youth")
    meetings = (
        Meeting.objects.filter(
            held_at__lte=due,
            held_at__gt=due - timedelta(days=settings.SAMMEN_EVALUATION_REMIND_WINDOW_DAYS),
        )
        .exclude(Exists(EvaluationReceipt.objects.filter(meeting=OuterRef("pk"), user=youth)))
        .exclude(Exists(EvaluationReminder.objects.filter(meeting=OuterRef("pk"), user=youth)))
        .select_related("case__youth")
        .order_by("held_at", "pk")
    )
    return sum(_evaluation_remind(meeting) for meeting in meetings)


def _evaluation_remind(meeting: Meeting) -> bool:
    """Sends one reminder unless one was sent before; the unique row is the proof, so a
    restarted or second worker sends nothing twice."""
    try:
        with transaction.atomic():
            EvaluationReminder.objects.create(meeting=meeting, user=meeting.case.youth)
            notification_create(
                recipient=meeting.case.youth,
                kind=notifications.EVALUATION_REMINDED,
                case_id=meeting.case_id,
                target_url=links.evaluation(meeting),
            )
    except IntegrityError:
        return False
    return True


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
