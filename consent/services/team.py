"""Leaving the team ends access and what only a member may hold; ending a guardianship
takes the guardian off the youth's cases."""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.permissions import view_entry_revoke
from cases.services import can_manage_team, case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import Guardianship, User
from coordination.services import audit_append, guardianship_reason_check, notification_create

from .. import notifications
from ..models import ConsentRequest, Disclosure
from ..selectors import who_decides
from .share import _end_disclosures


@transaction.atomic
def participant_remove(*, participant: Participant, actor: User | None) -> Participant:
    """Takes someone off the team: from this moment they see nothing on the case (their
    disclosures end, and what they wrote is no longer theirs to open) and hold nothing only a
    member may hold: their pending consent requests are cancelled, and every app that keeps
    such things ends its own through the AppConfig hook `participant_left(*, participant,
    actor)` (meetings: their open tasks and invitations). The youth's history shows when.
    `actor` None is the system."""
    case = case_lock(participant.case_id)
    if actor is not None and not can_manage_team(case=case, user=actor):
        raise PermissionDenied(_("Only the youth coordinator can change the team."))
    case_require_open(case)
    return _participant_leave(case=case, participant_id=participant.pk, actor=actor)


def _participant_leave(*, case: Case, participant_id: int, actor: User | None) -> Participant:
    """participant_remove without the team check; the caller holds the case lock."""
    participant = for_update(Participant.objects.select_related("user")).get(pk=participant_id)
    if participant.role == Participant.Role.YOUTH:
        raise ValidationError({"participant": _("The young person cannot be removed.")})
    if participant.left is not None:
        raise StateConflict(_("This person has already left the team."))
    participant.left = timezone.now()
    participant.save(update_fields=["left"])
    user = participant.user
    audit_append(
        actor=actor,
        action="participant.removed",
        case_id=case.pk,
        object_type="participant",
        object_id=str(participant.pk),
        data={"user": user.pk, "role": participant.role},
    )
    _end_disclosures(
        case=case,
        disclosures=list(
            Disclosure.objects.filter(
                entry__case=case, recipient=user, withdrawn_at__isnull=True
            ).select_related("recipient")
        ),
        actor=actor,
        reason=Disclosure.EndReason.LEFT_CASE,
    )
    view_entry_revoke(
        (entry_id, user.pk)
        for entry_id in Entry.objects.filter(case=case, author=user).values_list("pk", flat=True)
    )
    _consent_requests_cancel(case=case, requested_by=user, actor=actor)
    for config in apps.get_app_configs():
        left = getattr(config, "participant_left", None)
        if left is not None:
            left(participant=participant, actor=actor)
    if participant.role == Participant.Role.GUARDIAN:
        _guardian_left_notify(case=case)
    return participant


def _guardian_left_notify(*, case: Case) -> None:
    """Consent authority may have moved: the youth is told who decides now."""
    deciding = who_decides(case=case)
    if not deciding.guardian_categories:
        kind = notifications.GUARDIAN_LEFT_YOUTH_DECIDES
    elif deciding.nobody_can_approve:
        kind = notifications.GUARDIAN_LEFT_NOBODY_DECIDES
    else:
        kind = notifications.GUARDIAN_LEFT_GUARDIANS_DECIDE
    notification_create(recipient=case.youth, kind=kind, case_id=case.pk, target_url="/")


@transaction.atomic
def guardianship_end(*, guardianship: Guardianship, actor: User, reason: str) -> Guardianship:
    """Staff end a registered guardianship: the person is no longer the youth's guardian, so
    they leave every case of the youth where they are guardian (their access ends there, and
    the youth is told who decides now). Audited; the youth is told."""
    if not actor.has_perm("coordination.change_guardianship"):
        raise PermissionDenied(_("Only municipal staff end a guardianship."))
    reason = guardianship_reason_check(reason, field="end_reason")
    # Case rows first, then the guardianship: the order participant_add takes them in.
    cases = [
        case_lock(case_id)
        for case_id in Case.objects.filter(youth_id=guardianship.youth_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    guardianship = for_update(Guardianship.objects.all()).get(pk=guardianship.pk)
    if guardianship.ended_at is not None:
        raise StateConflict(_("This guardianship has already ended."))
    guardianship.ended_at, guardianship.ended_by = timezone.now(), actor
    guardianship.end_reason = reason
    guardianship.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_append(
        actor=actor,
        action="guardianship.ended",
        object_type="guardianship",
        object_id=str(guardianship.pk),
        data={"youth": guardianship.youth_id, "guardian": guardianship.guardian_id},
    )
    notification_create(
        recipient=guardianship.youth,
        kind=notifications.GUARDIANSHIP_ENDED,
        target_url="/",
    )
    for case in cases:
        for participant_id in (
            Participant.objects.active()
            .filter(case=case, user_id=guardianship.guardian_id, role=Participant.Role.GUARDIAN)
            .values_list("pk", flat=True)
        ):
            _participant_leave(case=case, participant_id=participant_id, actor=actor)
    return guardianship


def _consent_requests_cancel(*, case: Case, requested_by: User, actor: User | None) -> None:
    """The pending requests `requested_by` made on `case`: cancelled, so nobody can approve a
    share for someone no longer on the team; the deciders see them cancelled. Caller holds the
    case lock."""
    pending = ConsentRequest.objects.filter(
        entry__case=case, requested_by=requested_by, status=ConsentRequest.Status.PENDING
    )
    cancelled = sorted(pending.values_list("pk", flat=True))
    if not cancelled:
        return
    ConsentRequest.objects.filter(pk__in=cancelled).update(status=ConsentRequest.Status.CANCELLED)
    audit_append(
        actor=actor,
        action="consent.cancelled",
        case_id=case.pk,
        object_type="consent_request",
        object_id=str(cancelled[0]) if len(cancelled) == 1 else "",
        data={"reason": "left_case", "consent_requests": cancelled},
    )
