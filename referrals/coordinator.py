"""Referrals' part of the ungdomshjelper's overview (coordination.home.coordinator_items)."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cases.models import Case
from coordination.home import CaseItem, case_item
from coordination.models import User

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
    late = Q(status=Referral.Status.SENT, due_at__lte=timezone.now())
    rows = (
        Referral.objects.filter(case__in=cases, status__in=Referral.OPEN)
        .values("case_id")
        .annotate(waiting=Count("id", filter=~late), late=Count("id", filter=late))
        .order_by()
    )
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
