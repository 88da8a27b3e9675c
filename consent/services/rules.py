"""Standing sharing rules: set and ended (ending one ends what it shared)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.services import case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.services import audit_append
from services_registry.models import Service

from ..models import Disclosure, SharingRule
from ..periods import until_check
from ..selectors import (
    access_case_overview,
    decides_for,
)
from .share import _end_disclosures


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
    until: date | None = None,
    automatic: bool = False,
) -> SharingRule:
    """`until`: the last day the rule is in force (at most consent.periods.MAX_YEARS_AHEAD
    ahead); what it shares ends by itself then. `automatic`: the rule shares each new entry of
    its category by itself when the entry is saved (consent.services.automatic)."""
    case = case_lock(case.pk)
    access_case_overview(user=actor, case_id=case.pk)
    if category not in Entry.Category.values:
        raise ValidationError({"category": _("Unknown category.")})
    if not decides_for(case=case, user=actor, category=category):
        raise PermissionDenied(_("Only the person who gives consent can set standing rules."))
    case_require_open(case)
    _rule_recipient_errors(
        case=case,
        recipient_user=recipient_user,
        recipient_service=recipient_service,
        recipient_role=recipient_role,
    )
    until_check(until, today=timezone.localdate())
    rule = SharingRule(
        case=case,
        category=category,
        recipient_user=recipient_user,
        recipient_service=recipient_service,
        recipient_role=recipient_role,
        created_by=actor,
        until=until,
        automatic=automatic,
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
            "until": until.isoformat() if until else None,
            "automatic": automatic,
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
    case_require_open(case)
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
