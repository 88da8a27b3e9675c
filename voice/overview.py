"""The ungdomshjelper's own page: every case where they have the role, what needs them and what
waits for each young person. Each app contributes its part through the AppConfig hook
`coordinator_items` (coordination.home), so voice never imports meetings; this module holds
voice's own part and puts the page together."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cases.models import Case, Entry
from cases.selectors import entries_visible
from coordination.home import CaseItem, case_item, coordinator_items
from coordination.models import User

from . import links
from .models import CheckIn, Remark, Step
from .selectors import unread_messages

NEW_MESSAGES = ngettext_lazy("%(count)d new message", "%(count)d new messages", "count")
REMARKS = ngettext_lazy(
    "Answer %(count)d comment on what you wrote",
    "Answer %(count)d comments on what you wrote",
    "count",
)
MY_STEPS = ngettext_lazy(
    "%(count)d of your steps in the plan is overdue",
    "%(count)d of your steps in the plan are overdue",
    "count",
)
CHECK_INS_MISSED = ngettext_lazy(
    "%(count)d missed check-in: get in touch",
    "%(count)d missed check-ins: get in touch",
    "count",
)
CHECK_INS_DUE = ngettext_lazy("%(count)d check-in to do", "%(count)d check-ins to do", "count")
YOUTH_STEPS = ngettext_lazy(
    "%(count)d overdue step in the plan", "%(count)d overdue steps in the plan", "count"
)


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
    unread = unread_messages(user=user, cases=cases)
    items = [
        case_item(
            case_id=case.pk,
            kind="messages_unread",
            count=unread[case.pk],
            label=NEW_MESSAGES,
            url=links.messages(case),
        )
        for case in cases
        if unread.get(case.pk)
    ]
    remarks = (
        Remark.objects.filter(status=Remark.Status.OPEN, entry__author=user, entry__case__in=cases)
        .values("entry__case_id")
        .annotate(count=Count("id"), first=Min("entry_id"))
        .order_by()
    )
    items += [
        case_item(
            case_id=row["entry__case_id"],
            kind="remarks_open",
            count=row["count"],
            label=REMARKS,
            url=links.remarks_of(case_id=row["entry__case_id"], entry_id=row["first"]),
        )
        for row in remarks
    ]
    plans = entries_visible(
        user=user,
        queryset=Entry.objects.filter(
            case__in=cases, kind=Entry.Kind.PLAN, author_id=F("case__youth_id")
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
    items += [
        case_item(
            case_id=row["goal__plan__case_id"],
            kind="plan_steps_overdue",
            count=row[key],
            label=YOUTH_STEPS if youth else MY_STEPS,
            url=links.plan(row["goal__plan__case_id"]),
            youth=youth,
        )
        for row in overdue
        for key, youth in (("mine", False), ("youth", True))
        if row[key]
    ]
    return items + check_in_items(user=user, cases=cases)


def check_in_items(*, user: User, cases: list[Case]) -> list[CaseItem]:
    """The ungdomshjelper's check-ins not marked done: missed (their day has passed) and to do
    (the first contact, or today's). One query."""
    today = timezone.localdate()
    rows = (
        CheckIn.objects.filter(case__in=cases, ungdomshjelper=user, done_at__isnull=True)
        .values("case_id")
        .annotate(
            missed=Count("id", filter=Q(due_on__lt=today)),
            due=Count("id", filter=Q(due_on__gte=today)),
        )
        .order_by()
    )
    return [
        case_item(
            case_id=row["case_id"],
            kind=kind,
            count=row[key],
            label=label,
            url=links.check_ins(row["case_id"]),
        )
        for row in rows
        for key, kind, label in (
            ("missed", "check_ins_missed", CHECK_INS_MISSED),
            ("due", "check_ins_due", CHECK_INS_DUE),
        )
        if row[key]
    ]
