"""THE share path (docs/architecture.md §3): the only code that lets anyone but an entry's author
and the young person see it, and the only code that takes that access away again.

Every function here runs in one transaction that first locks the case row (cases.services.
case_lock), so shares, withdrawals, rule changes, consent decisions and team changes on one case
are serialised: a share racing a withdrawal or the end of a rule sees the state the other left,
and no view permission outlives its disclosure. Notifications and audit rows are written inside
the same transaction; delivery is queued on commit by coordination.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.permissions import view_entry_grant, view_entry_revoke
from cases.selectors import access_entry, is_active_participant
from cases.services import can_manage_team, case_lock
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import Guardianship, User
from coordination.services import audit_append, guardianship_reason_check, notification_create
from services_registry.models import Service

from . import links, notifications
from .models import ConsentRequest, Disclosure, SharingRule
from .selectors import (
    access_case_overview,
    access_consent_request,
    access_disclosure,
    authority_for,
    deciders_for,
    decides_for,
    rules_covering,
    who_decides,
)

SHARE_BASES = {
    Disclosure.Basis.AGREEMENT,
    Disclosure.Basis.CONSENT,
    Disclosure.Basis.OWN_CHOICE,
    Disclosure.Basis.LEGAL_DUTY,
}


@dataclass
class ShareResult:
    status: str  # "shared" or "consent_requested"
    disclosures: list[Disclosure] = field(default_factory=list)
    consent_request: ConsentRequest | None = None


def _disclose(
    *,
    case: Case,
    entry: Entry,
    recipients: Sequence[User],
    basis: str,
    granted_by: User,
    rules: dict[int, SharingRule] | None = None,
    request: ConsentRequest | None = None,
    justification: str = "",
    received_url: str = "",
) -> list[Disclosure]:
    """Writes the disclosures, grants view_entry, audits and notifies. Caller holds the case lock
    and has checked that none of the recipients can see the entry yet. Recipients are pointed at
    `received_url`, or at the entry's own page."""
    now = timezone.now()
    disclosures = Disclosure.objects.bulk_create(
        [
            Disclosure(
                entry=entry,
                recipient=recipient,
                basis=basis,
                rule=(rules or {}).get(recipient.pk),
                request=request,
                justification=justification,
                granted_by=granted_by,
                granted_at=now,
            )
            for recipient in recipients
        ]
    )
    view_entry_grant((entry.pk, recipient.pk) for recipient in recipients)
    audit_append(
        actor=granted_by,
        action="entry.shared",
        case_id=case.pk,
        object_type="entry",
        object_id=str(entry.pk),
        data={
            "basis": basis,
            "category": entry.category,
            "disclosures": [d.pk for d in disclosures],
            "recipients": [r.pk for r in recipients],
            "rules": sorted({r.pk for r in (rules or {}).values()}),
            "consent_request": request.pk if request else None,
        },
    )
    received_kind = (
        notifications.MESSAGE_RECEIVED
        if entry.kind == Entry.Kind.MESSAGE
        else notifications.ENTRY_RECEIVED
    )
    received_url = received_url or links.entry(entry)
    if granted_by.pk != case.youth_id:
        notification_create(
            recipient=case.youth,
            kind=notifications.ENTRY_SHARED,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=links.who_knows_what(case),
        )
    for recipient in recipients:
        notification_create(
            recipient=recipient,
            kind=received_kind,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=received_url,
        )
    return disclosures


def _end_disclosures(
    *, case: Case, disclosures: Sequence[Disclosure], actor: User | None, reason: str
) -> None:
    """Ends active disclosures at once: stamp, revoke view_entry, audit, notify. Caller holds the
    case lock."""
    if not disclosures:
        return
    now = timezone.now()
    Disclosure.objects.filter(pk__in=[d.pk for d in disclosures]).update(
        withdrawn_at=now, withdrawn_by=actor, end_reason=reason
    )
    for disclosure in disclosures:
        disclosure.withdrawn_at, disclosure.withdrawn_by, disclosure.end_reason = now, actor, reason
    view_entry_revoke((d.entry_id, d.recipient_id) for d in disclosures)
    audit_append(
        actor=actor,
        action="disclosure.ended",
        case_id=case.pk,
        object_type="disclosure",
        object_id=str(disclosures[0].pk) if len(disclosures) == 1 else "",
        data={"reason": reason, "disclosures": [d.pk for d in disclosures]},
    )
    for disclosure in disclosures:
        notification_create(
            recipient=disclosure.recipient,
            kind=notifications.DISCLOSURE_WITHDRAWN,
            case_id=case.pk,
            entry_id=disclosure.entry_id,
        )
        if actor is None or actor.pk != case.youth_id:
            notification_create(
                recipient=case.youth,
                kind=notifications.DISCLOSURE_WITHDRAWN,
                case_id=case.pk,
                entry_id=disclosure.entry_id,
                target_url=links.who_knows_what(case),
            )


def _seeing(*, case: Case, entry: Entry) -> set[int]:
    """Who may not receive `entry` again: the youth, its author and its active recipients."""
    return {case.youth_id, entry.author_id} | set(
        Disclosure.objects.filter(entry=entry, withdrawn_at__isnull=True).values_list(
            "recipient_id", flat=True
        )
    )


def _validate_recipients(*, case: Case, entry: Entry, recipient_ids: set[int]) -> list[Participant]:
    """Active participants who cannot see the entry yet, or a 400 naming the problem."""
    if not recipient_ids:
        raise ValidationError({"recipients": _("Choose at least one person to share with.")})
    team = {
        p.user_id: p
        for p in Participant.objects.active()
        .filter(case=case, user_id__in=recipient_ids)
        .select_related("user")
    }
    outsiders = sorted(recipient_ids - set(team))
    if outsiders:
        raise ValidationError(
            {
                "recipients": _(
                    "Only people on the team can receive an entry (not on it: %(ids)s)."
                )
                % {"ids": ", ".join(map(str, outsiders))}
            }
        )
    already = sorted(recipient_ids & _seeing(case=case, entry=entry))
    if already:
        raise ValidationError(
            {
                "recipients": _("These people can already see the entry: %(ids)s.")
                % {"ids": ", ".join(map(str, already))}
            }
        )
    return [team[user_id] for user_id in sorted(recipient_ids)]


@transaction.atomic
def share(
    *,
    entry: Entry,
    recipients: Sequence[User],
    actor: User,
    basis: str | None = None,
    justification: str = "",
    received_url: str = "",
) -> ShareResult:
    """Shares `entry` with `recipients`, or asks the consent authority.

    `received_url` is where the recipients' notification points when the entry lives on a page
    of a higher app (a message in voice's conversation); by default the entry's own page.

    Only the author starts a share (the youth too, for what they wrote: basis own_choice). With
    no basis the path decides: every recipient covered by a standing rule -> `agreement`,
    otherwise a consent request for all of them. `legal_duty` needs a justification, which the
    youth sees.
    """
    case = case_lock(entry.case_id)
    entry = access_entry(user=actor, entry_id=entry.pk)
    if actor.pk != entry.author_id:
        raise PermissionDenied(_("Only the person who wrote an entry can share it."))
    if case.status != Case.Status.OPEN:
        raise StateConflict(_("The case is closed."))
    if basis is not None and basis not in SHARE_BASES:
        raise ValidationError({"basis": _("Unknown basis for sharing.")})
    justification = justification.strip()
    actor_is_youth = actor.pk == case.youth_id
    if actor_is_youth and basis not in (None, Disclosure.Basis.OWN_CHOICE):
        raise ValidationError({"basis": _("What you wrote yourself you share by your own choice.")})
    if not actor_is_youth and basis == Disclosure.Basis.OWN_CHOICE:
        raise ValidationError({"basis": _("Only the young person shares by their own choice.")})
    if basis == Disclosure.Basis.LEGAL_DUTY and not justification:
        raise ValidationError(
            {"justification": _("Write which legal duty requires this; the young person sees it.")}
        )
    participants = _validate_recipients(
        case=case, entry=entry, recipient_ids={user.pk for user in recipients}
    )
    users = [p.user for p in participants]

    rules: dict[int, SharingRule] = {}
    if actor_is_youth:
        basis = Disclosure.Basis.OWN_CHOICE
    elif basis != Disclosure.Basis.LEGAL_DUTY:
        rules = rules_covering(case=case, category=entry.category, recipients=participants)
        if len(rules) < len(users) and basis == Disclosure.Basis.AGREEMENT:
            raise ValidationError(
                {
                    "basis": _(
                        "No standing rule covers everyone you chose; leave the basis empty to ask."
                    )
                }
            )
        if len(rules) < len(users) or basis == Disclosure.Basis.CONSENT:
            return ShareResult(
                "consent_requested",
                consent_request=_consent_request_create(
                    case=case, entry=entry, recipients=users, requested_by=actor
                ),
            )
        basis = Disclosure.Basis.AGREEMENT
    return ShareResult(
        "shared",
        _disclose(
            case=case,
            entry=entry,
            recipients=users,
            basis=basis,
            granted_by=actor,
            rules=rules,
            justification=justification if basis == Disclosure.Basis.LEGAL_DUTY else "",
            received_url=received_url,
        ),
    )


def _consent_request_create(
    *, case: Case, entry: Entry, recipients: list[User], requested_by: User
) -> ConsentRequest:
    authority = authority_for(case=case, category=entry.category)
    deciders = deciders_for(case=case, category=entry.category)
    if not deciders:
        raise ValidationError(
            {"recipients": _("Nobody on the team can give consent yet: a guardian must be added.")}
        )
    request = ConsentRequest.objects.create(
        entry=entry,
        requested_by=requested_by,
        youth_opinion_asked=authority.youth_opinion_asked,
    )
    request.recipients.set(recipients)
    request.deciders.set(deciders)
    audit_append(
        actor=requested_by,
        action="consent.requested",
        case_id=case.pk,
        object_type="consent_request",
        object_id=str(request.pk),
        data={
            "entry": entry.pk,
            "category": entry.category,
            "recipients": [r.pk for r in recipients],
            "deciders": [d.pk for d in deciders],
        },
    )
    for decider in deciders:
        notification_create(
            recipient=decider,
            kind=notifications.CONSENT_REQUESTED,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=links.consent_request(request),
        )
    if authority.youth_opinion_asked:
        # The youth is asked for their view when their guardians decide.
        notification_create(
            recipient=case.youth,
            kind=notifications.CONSENT_REQUESTED,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=links.consent_request(request),
        )
    return request


def _decidable_request(
    *, consent_request: ConsentRequest, actor: User
) -> tuple[Case, ConsentRequest]:
    case = case_lock(consent_request.entry.case_id)
    # Read under the case lock, so who decides is today's answer (viewer_decides).
    visible = access_consent_request(user=actor, request_id=consent_request.pk)
    request = for_update(ConsentRequest.objects.select_related("entry")).get(pk=visible.pk)
    if not visible.viewer_decides:
        raise PermissionDenied(_("Only the person who gives consent can answer this request."))
    if request.status == ConsentRequest.Status.CANCELLED or not is_active_participant(
        user=request.requested_by, case=case
    ):
        raise StateConflict(
            _("The person who asked has left the team, so the request is cancelled.")
        )
    if request.effective_status == ConsentRequest.Status.EXPIRED:
        raise StateConflict(_("The request has expired; ask again if it is still needed."))
    if request.status != ConsentRequest.Status.PENDING:
        raise StateConflict(_("The request has already been answered."))
    return case, request


def _decided(*, case: Case, request: ConsentRequest, actor: User, status: str) -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit_append(
        actor=actor,
        action=f"consent.{status}",
        case_id=case.pk,
        object_type="consent_request",
        object_id=str(request.pk),
        data={"entry": request.entry_id, "category": request.entry.category},
    )
    notification_create(
        recipient=request.requested_by,
        kind=notifications.CONSENT_DECIDED,
        case_id=case.pk,
        entry_id=request.entry_id,
        target_url=links.consent_request(request),
    )


@transaction.atomic
def consent_request_approve(*, consent_request: ConsentRequest, actor: User) -> ConsentRequest:
    """Approving runs the share path for every recipient still on the team and not yet seeing
    the entry (someone may have left, or been covered otherwise, since the request)."""
    case, request = _decidable_request(consent_request=consent_request, actor=actor)
    entry = request.entry
    seeing = _seeing(case=case, entry=entry)
    on_team = set(Participant.objects.active().filter(case=case).values_list("user_id", flat=True))
    recipients = [user for user in request.recipients.order_by("pk") if user.pk in on_team - seeing]
    if recipients:
        _disclose(
            case=case,
            entry=entry,
            recipients=recipients,
            basis=Disclosure.Basis.CONSENT,
            granted_by=actor,
            request=request,
        )
    _decided(case=case, request=request, actor=actor, status=ConsentRequest.Status.APPROVED)
    return request


@transaction.atomic
def consent_request_decline(
    *, consent_request: ConsentRequest, actor: User, reason: str = ""
) -> ConsentRequest:
    """The asker learns only that the answer is no, plus `reason` if the decider wrote one."""
    case, request = _decidable_request(consent_request=consent_request, actor=actor)
    request.decline_reason = reason.strip()
    _decided(case=case, request=request, actor=actor, status=ConsentRequest.Status.DECLINED)
    return request


@transaction.atomic
def consent_request_opinion(
    *, consent_request: ConsentRequest, actor: User, opinion: str
) -> ConsentRequest:
    """The youth's own view when their guardians decide; shown to the guardians next to it."""
    case = case_lock(consent_request.entry.case_id)
    request = access_consent_request(user=actor, request_id=consent_request.pk)
    request = for_update(ConsentRequest.objects.all()).get(pk=request.pk)
    if actor.pk != case.youth_id or not request.youth_opinion_asked:
        raise PermissionDenied(_("Only the young person gives their view, when others decide."))
    if request.effective_status != ConsentRequest.Status.PENDING:
        raise StateConflict(_("The request has already been answered."))
    opinion = opinion.strip()
    if not opinion:
        raise ValidationError({"opinion": _("Write what you think.")})
    request.youth_opinion = opinion
    request.youth_opinion_at = timezone.now()
    request.save(update_fields=["youth_opinion", "youth_opinion_at"])
    audit_append(
        actor=actor,
        action="consent.opinion",
        case_id=case.pk,
        object_type="consent_request",
        object_id=str(request.pk),
    )
    return request


@transaction.atomic
def withdraw(*, disclosure: Disclosure, actor: User) -> Disclosure:
    """Ends one disclosure now. The youth and the consent authority may withdraw, and so may the
    entry's author or whoever granted it; nobody but the latter two ends a legal-duty
    disclosure, and the youth is told why."""
    case = case_lock(disclosure.entry.case_id)
    disclosure = access_disclosure(user=actor, disclosure_id=disclosure.pk)
    disclosure = for_update(Disclosure.objects.select_related("entry", "recipient")).get(
        pk=disclosure.pk
    )
    entry = disclosure.entry
    is_author_side = actor.pk in {entry.author_id, disclosure.granted_by_id}
    if disclosure.basis == Disclosure.Basis.LEGAL_DUTY and not is_author_side:
        raise PermissionDenied(
            _("This was shared because of a legal duty, so it cannot be withdrawn: %(why)s")
            % {"why": disclosure.justification}
        )
    if not is_author_side and not decides_for(case=case, user=actor, category=entry.category):
        raise PermissionDenied(_("Only the person who gives consent can withdraw this."))
    if disclosure.withdrawn_at is not None:
        raise StateConflict(_("This sharing has already ended."))
    _end_disclosures(
        case=case, disclosures=[disclosure], actor=actor, reason=Disclosure.EndReason.WITHDRAWN
    )
    return disclosure


def _rule_recipient_errors(
    *,
    case: Case,
    recipient_user: User | None,
    recipient_service: Service | None,
    recipient_role: str,
) -> None:
    given = [recipient_user is not None, recipient_service is not None, bool(recipient_role)]
    if sum(given) != 1:
        raise ValidationError(
            {"recipient_user": _("Choose exactly one: a person, a service or a role.")}
        )
    if (
        recipient_user is not None
        and not Participant.objects.active().filter(case=case, user=recipient_user).exists()
    ):
        raise ValidationError({"recipient_user": _("This person is not on the team.")})
    if recipient_user is not None and recipient_user.pk == case.youth_id:
        raise ValidationError({"recipient_user": _("The young person sees everything already.")})


@transaction.atomic
def sharing_rule_create(
    *,
    case: Case,
    actor: User,
    category: str,
    recipient_user: User | None = None,
    recipient_service: Service | None = None,
    recipient_role: str = "",
) -> SharingRule:
    case = case_lock(case.pk)
    access_case_overview(user=actor, case_id=case.pk)
    if category not in Entry.Category.values:
        raise ValidationError({"category": _("Unknown category.")})
    if not decides_for(case=case, user=actor, category=category):
        raise PermissionDenied(_("Only the person who gives consent can set standing rules."))
    _rule_recipient_errors(
        case=case,
        recipient_user=recipient_user,
        recipient_service=recipient_service,
        recipient_role=recipient_role,
    )
    rule = SharingRule(
        case=case,
        category=category,
        recipient_user=recipient_user,
        recipient_service=recipient_service,
        recipient_role=recipient_role,
        created_by=actor,
    )
    rule.full_clean()
    rule.save()
    audit_append(
        actor=actor,
        action="rule.created",
        case_id=case.pk,
        object_type="sharing_rule",
        object_id=str(rule.pk),
        data={
            "category": category,
            "recipient_user": recipient_user.pk if recipient_user else None,
            "recipient_service": str(recipient_service.pk) if recipient_service else None,
            "recipient_role": recipient_role,
        },
    )
    return rule


@transaction.atomic
def sharing_rule_end(*, rule: SharingRule, actor: User) -> SharingRule:
    """Ends a standing rule and, at once, every disclosure made under it."""
    case = case_lock(rule.case_id)
    rule = for_update(SharingRule.objects.all()).get(pk=rule.pk)
    access_case_overview(user=actor, case_id=case.pk)
    if not decides_for(case=case, user=actor, category=rule.category):
        raise PermissionDenied(_("Only the person who gives consent can end standing rules."))
    if rule.ended_at is not None:
        raise StateConflict(_("This rule has already ended."))
    rule.ended_at, rule.ended_by = timezone.now(), actor
    rule.save(update_fields=["ended_at", "ended_by"])
    audit_append(
        actor=actor,
        action="rule.ended",
        case_id=case.pk,
        object_type="sharing_rule",
        object_id=str(rule.pk),
        data={"category": rule.category},
    )
    _end_disclosures(
        case=case,
        disclosures=list(
            rule.disclosures.filter(withdrawn_at__isnull=True).select_related("recipient")
        ),
        actor=actor,
        reason=Disclosure.EndReason.RULE_ENDED,
    )
    return rule


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


def consent_requests_expire() -> int:
    """Stamps pending requests past their 30 days as expired; returns how many. Reads already
    treat them as expired (ConsentRequest.effective_status) and approving one is refused, so this
    only keeps the stored status true for lists and reports."""
    return ConsentRequest.objects.filter(
        status=ConsentRequest.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=ConsentRequest.Status.EXPIRED)
