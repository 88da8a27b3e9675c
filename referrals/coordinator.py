"""Referrals' part of the ungdomshjelper's overview (coordination.home.coordinator_items)."""

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cases.models import Case
from cases.selectors import CASE_IDS_SLOT, ENTRIES_VISIBLE_SLOTS
from coordination.home import CaseItem, case_item
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead

from . import links
from .models import Referral

WAITING = ngettext_lazy(
    "%(count)d referral waits for an answer",
    "%(count)d referrals wait for an answer",
    "count",
)
OVERDUE = ngettext_lazy(
    "%(count)d referral has had no answer in time",
    "%(count)d referrals have had no answer in time",
    "count",
)


def referral_items(*, user: User, cases: list[Case]) -> list[CaseItem]:
    """Referrals waiting (for consent or for the service), and those whose answer is late, per
    case in one query. Counts only: never the service, which could say why."""
    rows = _OPEN_BY_CASE(case_ids=[case.pk for case in cases], now=timezone.now())
    return [
        case_item(
            case_id=row["case_id"],
            kind=f"referrals_{key}",
            count=row[key],
            label=label,
            url=links.case_referrals(row["case_id"]),
        )
        for row in rows
        for key, label in (("late", OVERDUE), ("waiting", WAITING))
        if row[key]
    ]


def _open_by_case(*, case_ids: list[int], now: datetime) -> QuerySet[Referral, dict[str, Any]]:
    """referral_items' statement: per case of `case_ids`, the open referrals waiting and those
    whose answer was due by `now`."""
    late = Q(status=Referral.Status.SENT, due_at__lte=now)
    return (
        Referral.objects.filter(AnyOf(F("case_id"), case_ids), status__in=Referral.OPEN)
        .values("case_id")
        .annotate(waiting=Count("id", filter=~late), late=Count("id", filter=late))
        .order_by()
    )


# The overview asks it on every call: compiled once a process (building it was ~a tenth of the
# overview's Python, benchmarks/README.md).
_OPEN_BY_CASE = CompiledRead(
    _open_by_case, case_ids=CASE_IDS_SLOT, now=ENTRIES_VISIBLE_SLOTS["now"]
)
