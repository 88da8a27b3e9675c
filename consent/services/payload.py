"""A referral's payload (referrals/): entries going to a catalogue service's intake, who are
not on the team, through the share path. The referrals app owns the workflow and calls these
under its own case lock; this module owns who may see what."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, Entry
from cases.selectors import access_entry
from cases.services import case_lock, case_require_open
from coordination.models import User
from services_registry.models import Service
from services_registry.selectors import intake_staff

from ..models import ConsentRequest, Disclosure
from .share import (
    _consent_request_create,
    _disclose,
    _end_disclosures,
    _expire_due,
    _seeing,
    _validate_recipients,
    blocked_check,
)
from .team import _consent_requests_cancel


@dataclass
class PayloadResult:
    disclosures: list[Disclosure] = field(default_factory=list)
    consent_requests: list[ConsentRequest] = field(default_factory=list)


def intake_ids(*, service: Service) -> set[int]:
    return set(intake_staff(service_id=service.pk).values_list("user_id", flat=True))


@transaction.atomic
def payload_send(
    *,
    case: Case,
    entries: Sequence[Entry],
    service: Service,
    actor: User,
    purpose: str,
    legal_duty: str = "",
    received_url: str = "",
) -> PayloadResult:
    """Sends each entry to the intake of `service` who cannot see it yet: with `legal_duty`
    (the written justification the young person sees) at once, otherwise by a consent request
    per entry that names the service and the purpose, to whoever decides about its category
    (under 16 the guardians, with the young person's view asked). `actor` must be able to open
    every entry; anything they cannot is a 404, as everywhere."""
    case = case_lock(case.pk)
    case_require_open(case)
    _expire_due(case=case)
    intake = intake_ids(service=service)
    if not intake:
        raise ValidationError({"service": _("This service does not take referrals in Sammen.")})
    # The referral itself reaches the whole intake, payload or not: a blocked intake person is
    # refused here, before anyone is asked (only a legal duty goes through, as in share()). The
    # answer holds for every entry below: the same lock, intake and basis.
    blocked = blocked_check(
        case=case,
        recipient_ids=intake,
        basis=Disclosure.Basis.LEGAL_DUTY if legal_duty else None,
    )
    result = PayloadResult()
    for entry in entries:
        entry = access_entry(user=actor, entry_id=entry.pk)
        if entry.case_id != case.pk:
            raise ValidationError({"entries": _("Choose entries of this case only.")})
        waiting = intake - _seeing(case=case, entry=entry)
        if not waiting:
            continue
        users, _team = _validate_recipients(
            case=case, entry=entry, recipient_ids=waiting, intake_of=service
        )
        if legal_duty:
            result.disclosures += _disclose(
                case=case,
                entry=entry,
                recipients=users,
                basis=Disclosure.Basis.LEGAL_DUTY,
                granted_by=actor,
                justification=legal_duty,
                received_url=received_url,
                intake_of=service,
                blocked=blocked & {user.pk for user in users},
            )
        else:
            result.consent_requests.append(
                _consent_request_create(
                    case=case,
                    entry=entry,
                    recipients=users,
                    requested_by=actor,
                    intake_of=service,
                    purpose=purpose,
                )
            )
    return result


@transaction.atomic
def payload_end(
    *,
    case: Case,
    service: Service,
    entries: Sequence[Entry],
    requests: Sequence[ConsentRequest],
    actor: User | None,
) -> int:
    """Ends what a referral sent: the active disclosures of `entries` to the intake of
    `service` (reason referral_ended; the recipients and the young person are told), and its
    consent requests still waiting (cancelled, audited). Returns how many disclosures ended."""
    case = case_lock(case.pk)
    _consent_requests_cancel(
        case=case, actor=actor, request_ids=[r.pk for r in requests], reason="referral_ended"
    )
    active = list(
        Disclosure.objects.filter(
            entry__in=[e.pk for e in entries], service=service, withdrawn_at__isnull=True
        )
        .select_related("recipient")
        .order_by("pk")
    )
    _end_disclosures(
        case=case, disclosures=active, actor=actor, reason=Disclosure.EndReason.REFERRAL_ENDED
    )
    return len(active)
