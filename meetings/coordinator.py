"""Meetings' part of the ungdomshjelper's overview (coordination.home.coordinator_items)."""

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cases.models import Case, Participant
from cases.selectors import CASE_IDS_SLOT, TODAY_SLOT
from coordination.home import CaseItem, case_item
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Slot

from .models import ActionItem, Attendance, Meeting, Minutes
from .selectors import (
    MEETINGS_NOW,
    MEETINGS_TODAY,
    MEETINGS_USER,
    UPCOMING_GRACE,
    action_items_visible,
    meetings_visible,
    sees_minutes_drafts_q,
)

UPCOMING = ngettext_lazy("%(count)d upcoming meeting", "%(count)d upcoming meetings", "count")
TO_CHOOSE = ngettext_lazy(
    "Choose who comes to %(count)d meeting", "Choose who comes to %(count)d meetings", "count"
)
TO_REVIEW = ngettext_lazy(
    "Review the minutes of %(count)d meeting", "Review the minutes of %(count)d meetings", "count"
)
TO_CORRECT = ngettext_lazy(
    "Correct the minutes of %(count)d meeting", "Correct the minutes of %(count)d meetings", "count"
)
TO_TAKE_OVER = ngettext_lazy(
    "Take over %(count)d meeting whose organiser left the case",
    "Take over %(count)d meetings whose organiser left the case",
    "count",
)
TASKS_OVERDUE = ngettext_lazy(
    "%(count)d of your tasks from meetings is overdue",
    "%(count)d of your tasks from meetings are overdue",
    "count",
)


def _minutes_url(first: int, first_mine: int | None) -> str:
    """The minutes page when the ungdomshjelper may open it under review (sees_minutes_drafts:
    they run the meeting), else the meeting page."""
    if first_mine is not None:
        return reverse("meetings:minutes", args=[first_mine])
    return reverse("meetings:detail", args=[first])


def _meeting_rows(
    *, user: int, case_ids: list[int], now: datetime, today: date
) -> QuerySet[Meeting, dict[str, Any]]:
    """meeting_items' statement: per case of `case_ids`, over the meetings `user` may see (at
    `now`, on `today`), how many are upcoming, wait for the young person's choice, for someone
    to take over, for review or for corrections, and the first of each."""
    viewer = User(pk=user)
    visible = (
        meetings_visible(user=viewer, today=today).filter(AnyOf(F("case_id"), case_ids)).order_by()
    )
    proposed = Attendance.objects.filter(meeting=OuterRef("pk"))
    upcoming = Q(cancelled_at__isnull=True, starts_at__gte=now - UPCOMING_GRACE)
    # The young person has not chosen (or, when guardians decide, not said what they wish).
    to_choose = (
        upcoming
        & Q(attendance_decided_at__isnull=True)
        & Q(Exists(proposed))
        & ~Q(Exists(proposed.filter(youth_wish__isnull=False)))
    )
    organiser_on_case = Participant.objects.active(today=today).filter(
        case=OuterRef("case"), user=OuterRef("organiser")
    )
    to_take_over = upcoming & Q(held_at__isnull=True) & ~Q(Exists(organiser_on_case))
    # The minutes' counts in the same statement (a meeting has at most one minutes, so the
    # join adds no row): a statement of their own nested the whole visibility rule again.
    in_review = Q(minutes__status=Minutes.Status.IN_REVIEW)
    corrections = Q(minutes__status=Minutes.Status.CORRECTIONS)
    mine = sees_minutes_drafts_q(user=viewer, meeting="")
    return visible.values("case_id").annotate(
        upcoming=Count("id", filter=upcoming),
        to_choose=Count("id", filter=to_choose),
        first_to_choose=Min("id", filter=to_choose),
        to_take_over=Count("id", filter=to_take_over),
        first_to_take_over=Min("id", filter=to_take_over),
        in_review=Count("id", filter=in_review),
        first_in_review=Min("id", filter=in_review),
        first_mine_in_review=Min("id", filter=in_review & mine),
        corrections=Count("id", filter=corrections),
        first_corrections=Min("id", filter=corrections),
        first_mine_corrections=Min("id", filter=corrections & mine),
    )


# Compiled once a process (the overview asks it on every call).
_MEETING_ROWS = CompiledRead(
    _meeting_rows,
    case_ids=CASE_IDS_SLOT,
    user=MEETINGS_USER,
    now=MEETINGS_NOW,
    today=MEETINGS_TODAY,
)


def _tasks_overdue(
    *, user: int, case_ids: list[int], today: date
) -> QuerySet[ActionItem, dict[str, Any]]:
    """meeting_items' second statement: per case of `case_ids`, `user`'s open tasks from
    meetings (action_items_visible on `today`) whose day is before `today`."""
    viewer = User(pk=user)
    return (
        action_items_visible(user=viewer, today=today)
        .filter(
            AnyOf(F("meeting__case_id"), case_ids),
            owner=viewer,
            status=ActionItem.Status.OPEN,
            due__lt=today,
        )
        .values("meeting__case_id")
        .annotate(count=Count("id"))
        .order_by()
    )


# Compiled once a process, as _MEETING_ROWS. The day is both the team rule's (TODAY_SLOT's age
# of majority) and, as itself, the day tasks are overdue after.
_TASKS_OVERDUE = CompiledRead(
    _tasks_overdue,
    user=Slot(-1, -2),
    case_ids=CASE_IDS_SLOT,
    today=replace(TODAY_SLOT, also=(*TODAY_SLOT.also, lambda today: today)),
)


def meeting_items(*, user: User, cases: list[Case]) -> list[CaseItem]:
    """Upcoming meetings, meetings where the young person still chooses who comes, minutes
    waiting for the young person's review or for a correction, and the ungdomshjelper's overdue
    tasks. Two queries, over the meetings the ungdomshjelper may see."""
    items = []
    now = timezone.now()
    rows = _MEETING_ROWS(
        user=user.pk,
        case_ids=[case.pk for case in cases],
        now=now,
        today=timezone.localdate(now),
    )
    for row in rows:
        case_id = row["case_id"]
        if row["upcoming"]:
            url = reverse("meetings:case", args=[case_id])
            items.append(
                case_item(
                    case_id=case_id,
                    kind="meetings_upcoming",
                    count=row["upcoming"],
                    label=UPCOMING,
                    url=url,
                )
            )
        if row["to_take_over"]:
            items.append(
                case_item(
                    case_id=case_id,
                    kind="meeting_take_over",
                    count=row["to_take_over"],
                    label=TO_TAKE_OVER,
                    url=reverse("meetings:detail", args=[row["first_to_take_over"]]),
                )
            )
        if row["to_choose"]:
            url = reverse("meetings:detail", args=[row["first_to_choose"]])
            items.append(
                case_item(
                    case_id=case_id,
                    kind="meeting_attendance",
                    count=row["to_choose"],
                    label=TO_CHOOSE,
                    url=url,
                    youth=True,
                )
            )

    # After every meeting item, as when the minutes had their own statement.
    for row in rows:
        for status, youth, kind, label in (
            ("in_review", True, "minutes_review", TO_REVIEW),
            ("corrections", False, "minutes_corrections", TO_CORRECT),
        ):
            if row[status]:
                items.append(
                    case_item(
                        case_id=row["case_id"],
                        kind=kind,
                        count=row[status],
                        label=label,
                        url=_minutes_url(row[f"first_{status}"], row[f"first_mine_{status}"]),
                        youth=youth,
                    )
                )

    # No cases, no statement (as the `__in` of no cases sent none before it was compiled).
    overdue = (
        _TASKS_OVERDUE(
            user=user.pk, case_ids=[case.pk for case in cases], today=timezone.localdate(now)
        )
        if cases
        else []
    )
    tasks = reverse("meetings:tasks")
    items += [
        case_item(
            case_id=row["meeting__case_id"],
            kind="action_items_overdue",
            count=row["count"],
            label=TASKS_OVERDUE,
            url=tasks,
        )
        for row in overdue
    ]
    return items
