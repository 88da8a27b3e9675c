"""Leaving the team ends access and what only a member may hold; ending a guardianship
takes the guardian off the youth's cases."""

from collections.abc import Sequence
from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.links import case as case_link
from cases.models import Case, Entry, Participant
from cases.permissions import view_entry_revoke
from cases.selectors import access_case
from cases.services import (
    case_lock,
    case_require_open,
    left_summary_check,
    participant_removal_check,
)
from coordination.ages import adult_born_by, is_adult
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import Guardianship, User
from coordination.services import audit_append, guardianship_reason_check, notification_create

from .. import notifications
from ..models import ConsentRequest, Disclosure
from ..selectors import who_decides
from .share import _end_disclosures


@transaction.atomic
def participant_remove(
    *, participant: Participant, actor: User | None, summary: str = ""
) -> Participant:
    """Ends someone's participation: a person leaving by themself, or the ungdomshjelper
    taking someone off (the rule: cases.services.participants_removable). From this moment they
    see nothing on the case (their disclosures end, and what they wrote is no longer theirs to
    open) and hold nothing only a member may hold: their pending consent requests are
    cancelled, and every app that keeps such things ends its own through the AppConfig hook
    `participant_left(*, participant, actor)` (meetings: their open tasks and invitations).
    The youth first, then the rest of the team, are told who left (`participant_left`); the
    `summary` the remover wrote is shown on the case page, never sent. `actor` None is the
    system."""
    summary = left_summary_check(summary)
    case = case_lock(participant.case_id)
    if actor is not None:
        access_case(user=actor, case_id=case.pk)  # someone not on the case: 404
    participant = Participant.objects.get(pk=participant.pk)
    participant_removal_check(case=case, actor=actor, participant=participant)
    if actor is not None:
        case_require_open(case)
    if participant.left is not None:
        raise StateConflict(_("This person has already left the team."))
    not_told = {case.youth_id, participant.user_id} | ({actor.pk} if actor is not None else set())
    told = [case.youth_id] + [
        user_id
        for user_id in Participant.objects.active()
        .filter(case=case)
        .exclude(user_id__in=not_told)
        .order_by("joined", "pk")
        .values_list("user_id", flat=True)
    ]
    people = User.objects.in_bulk(told)
    for user_id in told:
        notification_create(
            recipient=people[user_id],
            kind=notifications.PARTICIPANT_LEFT,
            case_id=case.pk,
            target_url=case_link(case),
        )
    return _participant_leave(
        case=case, participant_id=participant.pk, actor=actor, summary=summary
    )


def _participant_leave(
    *,
    case: Case,
    participant_id: int,
    actor: User | None,
    summary: str = "",
    reason: str = Disclosure.EndReason.LEFT_CASE,
) -> Participant:
    """participant_remove without the team check; the caller holds the case lock. `reason` is
    why their disclosures end."""
    participant = for_update(Participant.objects.select_related("user")).get(pk=participant_id)
    if participant.role == Participant.Role.YOUTH:
        raise ValidationError({"participant": _("The young person cannot be removed.")})
    if participant.left is not None:
        raise StateConflict(_("This person has already left the team."))
    participant.left, participant.left_summary = timezone.now(), summary
    participant.save(update_fields=["left", "left_summary"])
    user = participant.user
    audit_append(
        actor=actor,
        action="participant.removed",
        case_id=case.pk,
        object_type="participant",
        object_id=str(participant.pk),
        data={
            "user": user.pk,
            "role": participant.role,
            "reason": reason,
            "by_self": actor is not None and actor.pk == user.pk,
        },
    )
    _end_disclosures(
        case=case,
        disclosures=list(
            Disclosure.objects.filter(
                entry__case=case, recipient=user, withdrawn_at__isnull=True
            ).select_related("recipient")
        ),
        actor=actor,
        reason=reason,
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
    if participant.role == Participant.Role.GUARDIAN and reason != Disclosure.EndReason.YOUTH_ADULT:
        _guardian_left_notify(case=case)
    return participant


def youth_adult_transitions(*, today: date | None = None) -> int:
    """The daily job (consent.tasks.youth_adult_leave): on every case whose young person is of
    age (coordination.ages) the guardians still stamped on the team leave it, their disclosures
    ending with reason `youth_adult`. Access already ended on the birthday (Participant.objects.
    active() says so in SQL); this records it, ends the permission rows and tells people. One
    transaction per case; a second run finds nothing to do. Returns the cases changed."""
    today = today or timezone.localdate()
    case_ids = list(
        Participant.objects.filter(
            left__isnull=True,
            role=Participant.Role.GUARDIAN,
            case__youth__birth_date__lte=adult_born_by(today=today),
        )
        .order_by("case_id")
        .values_list("case_id", flat=True)
        .distinct()
    )
    return sum(_youth_adult_case(case_id=case_id, today=today) for case_id in case_ids)


@transaction.atomic
def _youth_adult_case(*, case_id: int, today: date) -> bool:
    case = case_lock(case_id)
    if not is_adult(birth_date=case.youth.birth_date, today=today):
        return False
    guardians = list(
        Participant.objects.filter(case=case, left__isnull=True, role=Participant.Role.GUARDIAN)
        .order_by("joined", "pk")
        .values_list("pk", "user_id")
    )
    if not guardians:
        return False
    # The youth first: what changes for them, in plain words; then everyone else on the team
    # and the guardians who leave.
    team = list(
        Participant.objects.filter(case=case, left__isnull=True)
        .exclude(user_id=case.youth_id)
        .order_by("joined", "pk")
        .values_list("user_id", flat=True)
    )
    people = User.objects.in_bulk([case.youth_id, *team])
    notification_create(
        recipient=people[case.youth_id],
        kind=notifications.YOUTH_ADULT_YOU,
        case_id=case.pk,
        target_url=case_link(case),
    )
    for user_id in team:
        notification_create(
            recipient=people[user_id],
            kind=notifications.YOUTH_ADULT,
            case_id=case.pk,
            target_url=case_link(case),
        )
    for participant_id, _user_id in guardians:
        _participant_leave(
            case=case,
            participant_id=participant_id,
            actor=None,
            reason=Disclosure.EndReason.YOUTH_ADULT,
        )
    return True


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


def _consent_requests_cancel(
    *,
    case: Case,
    actor: User | None,
    requested_by: User | None = None,
    request_ids: Sequence[int] | None = None,
    reason: str = "left_case",
) -> None:
    """The pending requests on `case` (only those `requested_by` made, or those of
    `request_ids`, if given): cancelled, so nobody approves a share for someone no longer on the
    team, on a closed case, or for a referral that ended; the deciders see them cancelled, and
    the cancelling is audited. Caller holds the case lock."""
    pending = ConsentRequest.objects.filter(entry__case=case, status=ConsentRequest.Status.PENDING)
    if requested_by is not None:
        pending = pending.filter(requested_by=requested_by)
    if request_ids is not None:
        pending = pending.filter(pk__in=request_ids)
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
        data={"reason": reason, "consent_requests": cancelled},
    )
