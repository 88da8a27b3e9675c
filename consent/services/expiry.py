"""Consent that ends by itself: the sweep that records what ran out (docs/architecture.md,
"Consent that ends by itself")."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import Case
from cases.services import case_lock

from ..selectors import disclosures_run_out, rules_run_out
from .share import _expire_due


def disclosures_expire() -> int:
    """Beat: ends every rule past its last day and every disclosure past its end, case by case
    under the case lock (so it serialises with shares and withdrawals), telling the recipients
    and the youth. Idempotent: each case is re-read under its lock and what has ended is not
    found again. Returns how many disclosures ended."""
    now = timezone.now()
    due_rules = rules_run_out(today=timezone.localdate(now)).values("case_id")
    due_disclosures = disclosures_run_out(now=now).values("entry__case_id")
    case_ids = list(
        Case.objects.filter(Q(pk__in=due_rules) | Q(pk__in=due_disclosures))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ended = 0
    for case_id in case_ids:
        with transaction.atomic():
            ended += _expire_due(case=case_lock(case_id))
    return ended
