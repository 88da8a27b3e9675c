"""The ungdomshjelper's own page: every case where they have the role, what needs them and what
waits for each young person. Each app contributes its part through the AppConfig hook
`coordinator_items` (coordination.home), so voice never imports meetings; this module holds
voice's own part and puts the page together."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cases.models import Case, Entry
from cases.selectors import (
    CASE_IDS_SLOT,
    ENTRIES_VISIBLE_SLOTS,
    TODAY_SLOT,
    entries_visible,
    entry_content_type_id,
)
from coordination.home import CaseItem, case_item, coordinator_items
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Slot

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
    case_ids = [case.pk for case in cases]
    now = timezone.now()
    today = timezone.localdate(now)
    remarks = _REMARKS_OPEN(user=user.pk, case_ids=case_ids)
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
    overdue = _STEPS_OVERDUE(user=user.pk, case_ids=case_ids, now=now, today=today)
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
    return items + check_in_items(user=user, cases=cases, today=today)


def _remarks_open(*, user: int, case_ids: list[int]) -> QuerySet[Remark, dict[str, Any]]:
    """voice_items' open comments on what `user` wrote, per case of `case_ids`."""
    return (
        Remark.objects.filter(
            AnyOf(F("entry__case_id"), case_ids), status=Remark.Status.OPEN, entry__author=user
        )
        .values("entry__case_id")
        .annotate(count=Count("id"), first=Min("entry_id"))
        .order_by()
    )


def _steps_overdue(
    *, user: int, case_ids: list[int], now: datetime, today: date
) -> QuerySet[Step, dict[str, Any]]:
    """voice_items' steps past due on `today` in the young person's plans on `case_ids` that
    `user` may open (entries_visible), per case: theirs and the young person's."""
    viewer = User(pk=user)
    plans = entries_visible(
        user=viewer,
        queryset=Entry.objects.filter(
            AnyOf(F("case_id"), case_ids), kind=Entry.Kind.PLAN, author_id=F("case__youth_id")
        ),
        now=now,
        today=today,
    )
    return (
        Step.objects.filter(goal__plan__in=plans, done_at__isnull=True, due__lt=today)
        .values("goal__plan__case_id")
        .annotate(
            mine=Count("id", filter=Q(owner=viewer)),
            youth=Count("id", filter=Q(owner_id=F("goal__plan__case__youth_id"))),
        )
        .order_by()
    )


def _check_ins_open(
    *, user: int, case_ids: list[int], today: date
) -> QuerySet[CheckIn, dict[str, Any]]:
    """check_in_items' statement: per case, `user`'s check-ins not done, missed and to do."""
    return (
        CheckIn.objects.filter(
            AnyOf(F("case_id"), case_ids), ungdomshjelper=user, done_at__isnull=True
        )
        .values("case_id")
        .annotate(
            missed=Count("id", filter=Q(due_on__lt=today)),
            due=Count("id", filter=Q(due_on__gte=today)),
        )
        .order_by()
    )


# The overview's three statements of its own, compiled once a process (the page asks them on
# every call; building them was most of voice's part of it). The day is both the team rule's
# (TODAY_SLOT's age of majority) and what is overdue or due.
_DAY = Slot(date(1901, 1, 1), date(1902, 2, 2))
_REMARKS_OPEN = CompiledRead(_remarks_open, user=Slot(-1, -2), case_ids=CASE_IDS_SLOT)
_STEPS_OVERDUE = CompiledRead(
    _steps_overdue,
    key=entry_content_type_id,
    case_ids=CASE_IDS_SLOT,
    **{
        **ENTRIES_VISIBLE_SLOTS,
        "today": replace(TODAY_SLOT, also=(*TODAY_SLOT.also, _DAY.param)),
    },
)
_CHECK_INS_OPEN = CompiledRead(
    _check_ins_open, user=Slot(-1, -2), case_ids=CASE_IDS_SLOT, today=_DAY
)


def check_in_items(*, user: User, cases: list[Case], today: date) -> list[CaseItem]:
    """The ungdomshjelper's check-ins not marked done: missed (their day, before `today`, has
    passed) and to do (the first contact, or today's). One query."""
    rows = _CHECK_INS_OPEN(user=user.pk, case_ids=[case.pk for case in cases], today=today)
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
