"""The ungdomshjelper's own page: every case where they have the role, what needs them and what
waits for each young person. Each app contributes its part through the AppConfig hook
`coordinator_items` (coordination.home), so voice never imports meetings; this module holds
voice's own part and puts the page together."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import ngettext

from cases.models import Case, Entry
from cases.selectors import entries_visible
from coordination.home import CaseItem, coordinator_items
from coordination.models import User

from . import links
from .models import Remark, Step
from .selectors import unread_messages


@dataclass
class CaseOverview:
    case: Case
    needs_action: list[CaseItem] = field(default_factory=list)
    youth_pending: list[CaseItem] = field(default_factory=list)


def overview_for(*, user: User, cases: list[Case]) -> list[CaseOverview]:
    """Callers pass cases from voice.selectors.ungdomshjelper_cases. A fixed number of queries
    however many cases: every app answers for all of them at once."""
    rows = {case.pk: CaseOverview(case=case) for case in cases}
    for item in coordinator_items(user=user, cases=cases):
        row = rows[item.case_id]
        (row.youth_pending if item.youth else row.needs_action).append(item)
    return list(rows.values())


def voice_items(*, user: User, cases: list[Case]) -> list[CaseItem]:
    """Unread messages, open comments and corrections on what the ungdomshjelper wrote, and
    overdue steps of the plan (theirs, and the young person's) when the plan is shared with
    them. Three queries."""
    case_ids = [case.pk for case in cases]
    items = []
    unread = unread_messages(user=user)
    for case in cases:
        count = unread.get(case.pk, 0)
        if count:
            items.append(
                CaseItem(
                    case_id=case.pk,
                    kind="messages_unread",
                    count=count,
                    label=ngettext("%(count)d new message", "%(count)d new messages", count)
                    % {"count": count},
                    url=links.messages(case),
                )
            )
    remarks = (
        Remark.objects.filter(
            status=Remark.Status.OPEN, entry__author=user, entry__case_id__in=case_ids
        )
        .values("entry__case_id")
        .annotate(count=Count("id"), first=Min("entry_id"))
        .order_by()
    )
    for row in remarks:
        items.append(
            CaseItem(
                case_id=row["entry__case_id"],
                kind="remarks_open",
                count=row["count"],
                label=ngettext(
                    "Answer %(count)d comment on what you wrote",
                    "Answer %(count)d comments on what you wrote",
                    row["count"],
                )
                % {"count": row["count"]},
                url=links.remarks_of(case_id=row["entry__case_id"], entry_id=row["first"]),
            )
        )
    plans = entries_visible(
        user=user,
        queryset=Entry.objects.filter(
            case_id__in=case_ids, kind=Entry.Kind.PLAN, author_id=F("case__youth_id")
        ),
    )
    overdue = (
        Step.objects.filter(
            goal__plan__in=plans, done_at__isnull=True, due__lt=timezone.localdate()
        )
        .values("goal__plan__case_id")
        .annotate(
            mine=Count("id", filter=Q(owner=user)),
            youth=Count("id", filter=Q(owner_id=F("goal__plan__case__youth_id"))),
        )
        .order_by()
    )
    for row in overdue:
        case_id = row["goal__plan__case_id"]
        if row["mine"]:
            items.append(
                CaseItem(
                    case_id=case_id,
                    kind="plan_steps_overdue",
                    count=row["mine"],
                    label=ngettext(
                        "%(count)d of your steps in the plan is overdue",
                        "%(count)d of your steps in the plan are overdue",
                        row["mine"],
                    )
                    % {"count": row["mine"]},
                    url=links.plan(case_id),
                )
            )
        if row["youth"]:
            items.append(
                CaseItem(
                    case_id=case_id,
                    kind="plan_steps_overdue",
                    count=row["youth"],
                    label=ngettext(
                        "%(count)d overdue step in the plan",
                        "%(count)d overdue steps in the plan",
                        row["youth"],
                    )
                    % {"count": row["youth"]},
                    url=links.plan(case_id),
                    youth=True,
                )
            )
    return items
