"""Closing a case and opening it again. In consent because closing ends access: every
disclosure on the case ends through the share path's own end function (history kept), like
leaving the team."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import links as cases_links
from cases.models import CLOSING_SUMMARY_MAX_CHARS, Case, Participant
from cases.selectors import is_active_participant
from cases.services import can_close_case, case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.models import User
from coordination.notifications import NotificationKind
from coordination.services import audit_append, notification_create

from .. import notifications
from ..models import Disclosure, HeldShare
from .reading_first import held_shares_cancel
from .share import _end_disclosures
from .team import _consent_requests_cancel


def _require_closer(*, case: Case, actor: User) -> None:
    """Someone off the team gets 404 (they may not know the case); the youth and guardians on
    it 403. The caller holds the case lock."""
    if not is_active_participant(user=actor, case=case):
        raise Http404
    if not can_close_case(case=case, user=actor):
        raise PermissionDenied(
            _("Only the ungdomshjelper or a helper on the case can close or reopen it.")
        )


def _summary_checked(summary: str) -> str:
    summary = summary.strip()
    if not summary:
        raise ValidationError(
            {"summary": _("Write a short summary: what was done, and what happens now.")}
        )
    if len(summary) > CLOSING_SUMMARY_MAX_CHARS:
        raise ValidationError(
            {
                "summary": _("The summary can be at most %(max)d characters.")
                % {"max": CLOSING_SUMMARY_MAX_CHARS}
            }
        )
    return summary


def _tell_everyone(*, case: Case, actor: User, kind: NotificationKind) -> None:
    """The youth and everyone on the team now but the actor; the notification names no
    content (the summary is on the case page, for people on the team)."""
    for participant in (
        Participant.objects.active()
        .filter(case=case)
        .exclude(user=actor)
        .select_related("user")
        .order_by("pk")
    ):
        notification_create(
            recipient=participant.user,
            kind=kind,
            case_id=case.pk,
            target_url=cases_links.case(case),
        )


@transaction.atomic
def case_close(*, case: Case, actor: User, summary: str, follow_up_on: date | None = None) -> Case:
    """The ungdomshjelper or a helper on the case closes it with a summary and, if they want,
    a date for a follow-up (they are reminded that day: follow_ups_remind). Every disclosure
    on the case ends (reason case_closed; the rows stay, so who-knows-what shows the periods),
    nothing more is written on it (case_require_open), and the team and the youth are told.
    Pending consent requests are cancelled: an answer after a reopening would share on a
    question asked about a case that has since ended. The youth keeps reading everything;
    authors keep reading what they wrote, as their own record, and people stay on the team, so
    a reopened case has the same people."""
    case = case_lock(case.pk)
    _require_closer(case=case, actor=actor)
    case_require_open(case)
    summary = _summary_checked(summary)
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        raise ValidationError({"follow_up_on": _("Choose today or a later date.")})
    case.status = Case.Status.CLOSED
    case.closed_at, case.closed_by = timezone.now(), actor
    case.closing_summary, case.follow_up_on = summary, follow_up_on
    case.follow_up_sent_at = None
    case.save(
        update_fields=[
            "status",
            "closed_at",
            "closed_by",
            "closing_summary",
            "follow_up_on",
            "follow_up_sent_at",
        ]
    )
    audit_append(
        actor=actor,
        action="case.closed",
        case_id=case.pk,
        object_type="case",
        object_id=str(case.pk),
        data={"follow_up": follow_up_on is not None},
    )
    _end_disclosures(
        case=case,
        disclosures=list(
            Disclosure.objects.filter(entry__case=case, withdrawn_at__isnull=True).order_by("pk")
        ),
        actor=actor,
        reason=Disclosure.EndReason.CASE_CLOSED,
        notify=False,
    )
    _consent_requests_cancel(case=case, actor=actor, reason="case_closed")
    held_shares_cancel(case=case, reason=HeldShare.EndReason.CASE_CLOSED)
    _tell_everyone(case=case, actor=actor, kind=notifications.CASE_CLOSED)
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor: User) -> Case:
    """The same people (the ungdomshjelper or a helper on the team) open a closed case again
    within SAMMEN_REOPEN_WITHIN_DAYS of its closing. The team is as it was; what ended at the
    closing stays ended (the authors share again if it is still needed)."""
    case = case_lock(case.pk)
    _require_closer(case=case, actor=actor)
    if not case.is_closed:
        raise StateConflict(_("The case is open."))
    assert case.closed_at is not None  # stamped by case_close
    if timezone.now() > case.closed_at + timedelta(days=settings.SAMMEN_REOPEN_WITHIN_DAYS):
        raise StateConflict(
            _("The case was closed too long ago to be reopened. Open a new case instead.")
        )
    case.status = Case.Status.OPEN
    case.reopened_at = timezone.now()
    case.save(update_fields=["status", "reopened_at"])
    audit_append(
        actor=actor,
        action="case.reopened",
        case_id=case.pk,
        object_type="case",
        object_id=str(case.pk),
    )
    _tell_everyone(case=case, actor=actor, kind=notifications.CASE_REOPENED)
    return case


def follow_ups_remind(*, today: date | None = None) -> int:
    """Beat: on its follow-up date (or the first run after it) the person who closed a case
    that is still closed is reminded, once. The conditional UPDATE is the claim, so a second
    run or a second worker sends nothing twice. Returns how many reminders were written."""
    today = today or timezone.localdate()
    due = Case.objects.filter(
        status=Case.Status.CLOSED,
        follow_up_on__lte=today,
        follow_up_sent_at__isnull=True,
        closed_by__isnull=False,
    ).values_list("pk", "closed_by_id")
    sent = 0
    for case_id, closer_id in list(due):
        with transaction.atomic():
            claimed = Case.objects.filter(
                pk=case_id, status=Case.Status.CLOSED, follow_up_sent_at__isnull=True
            ).update(follow_up_sent_at=timezone.now())
            if claimed:
                notification_create(
                    recipient=User.objects.get(pk=closer_id),
                    kind=notifications.FOLLOW_UP_DUE,
                    case_id=case_id,
                    target_url=cases_links.case(Case(pk=case_id)),
                )
                sent += 1
    return sent
