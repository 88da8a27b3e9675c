"""Every write on referrals. Each one locks the case first (cases.services.case_lock), checks
the caller's access (404 for what they may not see), refuses a closed case, then writes; the
payload travels and ends only through consent's share path."""

from collections.abc import Sequence
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Participant
from cases.selectors import access_case
from cases.services import case_lock, case_require_open, participant_join
from consent.models import ConsentRequest
from consent.services import payload_end, payload_send
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.notifications import NotificationKind
from coordination.services import audit_append, notification_create
from services_registry.models import Service
from services_registry.selectors import intake_staff

from . import links, notifications
from .models import PURPOSE_MAX_CHARS, REASON_MAX_CHARS, Referral
from .selectors import (
    access_referral,
    is_intake,
    may_refer,
    payload_choices,
    service_staff_member,
)
from .waiting import answer_due


def _text(value: str, *, field: str, required: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required})
    if len(value) > limit:
        raise ValidationError({field: _("Write at most %(max)d characters.") % {"max": limit}})
    return value


def _audit(
    *, referral: Referral, actor: User | None, action: str, data: dict | None = None
) -> None:
    audit_append(
        actor=actor,
        action=f"referral.{action}",
        case_id=referral.case_id,
        object_type="referral",
        object_id=str(referral.pk),
        data={"service": str(referral.service_id), **(data or {})},
    )


def _tell(*, referral: Referral, kind: NotificationKind, people: Sequence[User | int]) -> None:
    """One notification each (nobody twice); what happened only, and a link."""
    ids = []
    for person in people:
        user_id = person if isinstance(person, int) else person.pk
        if user_id not in ids:
            ids.append(user_id)
    for user in User.objects.filter(pk__in=ids).order_by("pk"):
        notification_create(
            recipient=user,
            kind=kind,
            case_id=referral.case_id,
            target_url=links.referral(referral.pk),
        )


def _intake_ids(referral: Referral) -> list[int]:
    return list(
        intake_staff(service_id=referral.service_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def _sent(*, referral: Referral, actor: User | None) -> None:
    """The payload has gone out: the intake is told, the answer is due within the waiting
    time, and the young person is told."""
    referral.status = Referral.Status.SENT
    referral.sent_at = timezone.now()
    referral.due_at = answer_due(service=referral.service, sent_at=referral.sent_at)
    referral.save(update_fields=["status", "sent_at", "due_at"])
    _audit(referral=referral, actor=actor, action="sent")
    _tell(
        referral=referral,
        kind=notifications.REFERRAL_SENT,
        people=[referral.case.youth_id, *_intake_ids(referral)],
    )


@transaction.atomic
def referral_create(
    *,
    case_id: int,
    actor: User,
    service_id: UUID,
    purpose: str,
    entry_ids: Sequence[int],
    legal_duty: str = "",
) -> Referral:
    """A helper or the ungdomshjelper on the case refers the young person to a catalogue
    service that takes referrals in Sammen. The payload (entries the referrer may open) goes
    to the service's intake through the share path: at once with a written legal duty, else
    once the consent authority approves each entry with the purpose (the referral waits for
    consent until then). An empty payload is sent at once."""
    case = case_lock(case_id)
    access_case(user=actor, case_id=case.pk)
    case_require_open(case)
    if not may_refer(user=actor, case=case):
        raise PermissionDenied(_("Only helpers on the case can refer the young person."))
    purpose = _text(
        purpose,
        field="purpose",
        required=_("Write what the referral is for, in plain words."),
        limit=PURPOSE_MAX_CHARS,
    )
    legal_duty = (legal_duty or "").strip()
    if len(legal_duty) > REASON_MAX_CHARS:
        raise ValidationError(
            {"legal_duty": _("Write at most %(max)d characters.") % {"max": REASON_MAX_CHARS}}
        )
    service = Service.objects.filter(pk=service_id).first()
    if service is None or not intake_staff(service_id=service.pk).exists():
        raise ValidationError({"service": _("This service does not take referrals in Sammen.")})
    wanted = set(entry_ids)
    entries = list(payload_choices(user=actor, case=case).filter(pk__in=wanted))
    unknown = sorted(wanted - {entry.pk for entry in entries})
    if unknown:
        raise ValidationError(
            {
                "entries": _("Not entries of this case you can open: %(ids)s.")
                % {"ids": ", ".join(map(str, unknown))}
            }
        )
    if for_update(
        Referral.objects.filter(case=case, service=service, status__in=Referral.OPEN)
    ).exists():
        raise StateConflict(_("There is already an open referral to this service."))
    referral = Referral.objects.create(
        case=case,
        service=service,
        purpose=purpose,
        legal_duty=legal_duty,
        status=Referral.Status.AWAITING_CONSENT,
        created_by=actor,
    )
    referral.entries.set(entries)
    _audit(
        referral=referral,
        actor=actor,
        action="created",
        data={"entries": sorted(e.pk for e in entries), "legal_duty": bool(legal_duty)},
    )
    result = payload_send(
        case=case,
        entries=entries,
        service=service,
        actor=actor,
        purpose=purpose,
        legal_duty=legal_duty,
        received_url=links.referral(referral.pk),
    )
    referral.case = case
    if result.consent_requests:
        referral.consent_requests.set(result.consent_requests)
    else:
        _sent(referral=referral, actor=actor)
    return referral


def referral_consent_decided(*, request: ConsentRequest, actor: User | None) -> None:
    """consent's hook, under its case lock: a payload entry's consent was answered, or expired
    unanswered (actor None). One no or one expiry and the referral is not sent (what was
    approved already ends, what waits is cancelled); every yes and it is sent."""
    referral = (
        for_update(Referral.objects.filter(consent_requests=request))
        .select_related("case", "service")
        .first()
    )
    if referral is None or referral.status != Referral.Status.AWAITING_CONSENT:
        return
    if request.status in (ConsentRequest.Status.DECLINED, ConsentRequest.Status.EXPIRED):
        referral.status = Referral.Status.CONSENT_DECLINED
        referral.consent_declined_at = timezone.now()
        referral.save(update_fields=["status", "consent_declined_at"])
        payload_end(
            case=referral.case,
            service=referral.service,
            entries=list(referral.entries.all()),
            requests=list(referral.consent_requests.all()),
            actor=actor,
        )
        _audit(
            referral=referral,
            actor=actor,
            action="consent_declined",
            data={"expired": True} if request.status == ConsentRequest.Status.EXPIRED else None,
        )
        return
    waiting = referral.consent_requests.exclude(status=ConsentRequest.Status.APPROVED)
    if not waiting.exists():
        _sent(referral=referral, actor=actor)


def _answerable(*, referral_id: int, actor: User) -> Referral:
    """The referral, locked after its case, for its service's intake to answer while it waits
    for an answer; 404 for who may not see it, 403 for who sees it but is not the intake."""
    seen = access_referral(user=actor, referral_id=referral_id)
    case_lock(seen.case_id)
    referral = access_referral(user=actor, referral_id=referral_id)
    referral = for_update(Referral.objects.select_related("case__youth", "service")).get(
        pk=referral.pk
    )
    if not is_intake(user=actor, service=referral.service):
        raise PermissionDenied(_("Only the service's intake answers a referral."))
    case_require_open(referral.case)
    if referral.status != Referral.Status.SENT:
        raise StateConflict(_("This referral is not waiting for an answer."))
    return referral


@transaction.atomic
def referral_accept(*, referral_id: int, actor: User, helper_id: int | None = None) -> Referral:
    """The intake accepts: `helper` (someone who works at the service; the intake worker
    themself by default) joins the team for the service through cases.services.participant_join,
    the one way onto a team. The young person and the referrer are told."""
    referral = _answerable(referral_id=referral_id, actor=actor)
    helper = service_staff_member(service=referral.service, user_id=helper_id or actor.pk)
    if helper is None:
        raise ValidationError({"helper": _("Choose someone who works at the service.")})
    participant_join(
        case=referral.case,
        user=helper,
        role=Participant.Role.HELPER,
        service=referral.service,
        invited_by=None,
        actor=actor,
    )
    referral.status = Referral.Status.ACCEPTED
    referral.answered_by, referral.answered_at, referral.helper = actor, timezone.now(), helper
    referral.save(update_fields=["status", "answered_by", "answered_at", "helper"])
    _audit(referral=referral, actor=actor, action="accepted", data={"helper": helper.pk})
    _tell(
        referral=referral,
        kind=notifications.REFERRAL_ACCEPTED,
        people=[referral.case.youth_id, referral.created_by_id],
    )
    return referral


@transaction.atomic
def referral_decline(
    *,
    referral_id: int,
    actor: User,
    reason: str,
    suggested_service_ids: Sequence[UUID | str] = (),
) -> Referral:
    """The intake says no, with a reason and, if they can, other services from the catalogue;
    the young person sees both. The payload's disclosures to the intake end."""
    referral = _answerable(referral_id=referral_id, actor=actor)
    reason = _text(
        reason,
        field="reason",
        required=_("Write why, so the young person understands."),
        limit=REASON_MAX_CHARS,
    )
    wanted = {str(pk) for pk in suggested_service_ids}
    try:
        suggested = list(Service.objects.filter(pk__in=wanted).exclude(pk=referral.service_id))
    except ValidationError:  # not a uuid at all (a page's form sends text)
        suggested = []
    unknown = sorted(wanted - {str(s.pk) for s in suggested})
    if unknown:
        raise ValidationError(
            {
                "suggested_services": _("Not other services in the catalogue: %(ids)s.")
                % {"ids": ", ".join(unknown)}
            }
        )
    referral.status = Referral.Status.DECLINED
    referral.answered_by, referral.answered_at = actor, timezone.now()
    referral.decline_reason = reason
    referral.save(update_fields=["status", "answered_by", "answered_at", "decline_reason"])
    referral.suggested_services.set(suggested)
    payload_end(
        case=referral.case,
        service=referral.service,
        entries=list(referral.entries.all()),
        requests=[],
        actor=actor,
    )
    _audit(
        referral=referral,
        actor=actor,
        action="declined",
        data={"suggested": sorted(str(s.pk) for s in suggested)},
    )
    _tell(
        referral=referral,
        kind=notifications.REFERRAL_DECLINED,
        people=[referral.case.youth_id, referral.created_by_id],
    )
    return referral


@transaction.atomic
def referral_withdraw(*, referral_id: int, actor: User) -> Referral:
    """The referrer takes back a referral not yet answered: its consent requests are cancelled
    and the payload's disclosures to the intake end. The young person, and the intake if it
    had received it, are told."""
    seen = access_referral(user=actor, referral_id=referral_id)
    case = case_lock(seen.case_id)
    referral = access_referral(user=actor, referral_id=referral_id)
    referral = for_update(Referral.objects.select_related("service")).get(pk=referral.pk)
    if actor.pk != referral.created_by_id:
        raise PermissionDenied(_("Only the person who referred can withdraw the referral."))
    case_require_open(case)
    if not referral.is_open:
        raise StateConflict(_("This referral has already been answered or withdrawn."))
    was_sent = referral.status == Referral.Status.SENT
    referral.status = Referral.Status.WITHDRAWN
    referral.withdrawn_at = timezone.now()
    referral.save(update_fields=["status", "withdrawn_at"])
    payload_end(
        case=case,
        service=referral.service,
        entries=list(referral.entries.all()),
        requests=list(referral.consent_requests.all()),
        actor=actor,
    )
    _audit(referral=referral, actor=actor, action="withdrawn")
    _tell(
        referral=referral,
        kind=notifications.REFERRAL_WITHDRAWN,
        people=[case.youth_id, *(_intake_ids(referral) if was_sent else [])],
    )
    return referral


def referrals_flag_overdue() -> int:
    """The sweep: each referral sent and unanswered past its due time is flagged once, and its
    referrer (while on the team) and the case's ungdomshjelper are told. A claim by conditional
    update per row, so a second run, or two at once, tell nobody twice. Returns how many."""
    now = timezone.now()
    flagged = 0
    due = Referral.objects.filter(
        status=Referral.Status.SENT, due_at__lte=now, overdue_flagged_at__isnull=True
    ).values_list("pk", flat=True)
    for referral_id in list(due):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=referral_id, status=Referral.Status.SENT, overdue_flagged_at__isnull=True
            ).update(overdue_flagged_at=now)
            if not claimed:
                continue
            referral = Referral.objects.select_related("case").get(pk=referral_id)
            team = Participant.objects.active().filter(case_id=referral.case_id)
            people = list(
                team.filter(role=Participant.Role.UNGDOMSHJELPER).values_list("user_id", flat=True)
            )
            if team.filter(user_id=referral.created_by_id).exists():
                people.insert(0, referral.created_by_id)
            _tell(referral=referral, kind=notifications.REFERRAL_OVERDUE, people=people)
            _audit(referral=referral, actor=None, action="overdue")
            flagged += 1
    return flagged
