"""Opening hours: is a service open at a moment, and what are its hours today.

The rules (also in models.Schedule): an exception row covering the date decides the day alone
(open at its hours, or closed); otherwise a Norwegian public holiday closes the service unless it
is open on public holidays; otherwise the weekly rows for that weekday apply. `open_now_q` is the
same rule as SQL for the finder's filter; tests check that the two agree.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

import holidays
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation

from .models import Schedule, Service

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@lru_cache(maxsize=32)
def _holidays(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("NO", years=year, language=language)


def public_holiday(day: date) -> str | None:
    """The name of the Norwegian public holiday on this day, in the active UI language."""
    language = "en_US" if translation.get_language() == "en" else "no"
    return _holidays(day.year, language).get(day)


def _covers_exception(schedule: Schedule, day: date) -> bool:
    if schedule.valid_from is None:
        return False
    return schedule.valid_from <= day <= (schedule.valid_to or schedule.valid_from)


def _covers_weekly(schedule: Schedule, day: date) -> bool:
    return (
        WEEKDAYS[day.weekday()] in schedule.byday.split(",")
        and (schedule.valid_from is None or schedule.valid_from <= day)
        and (schedule.valid_to is None or day <= schedule.valid_to)
    )


@dataclass
class Day:
    periods: list[tuple[time, time]] = field(default_factory=list)
    holiday: str | None = None
    exception: Schedule | None = None

    def is_open_at(self, moment: time) -> bool:
        return any(opens <= moment < closes for opens, closes in self.periods)


def hours_on(service: Service, schedules: Sequence[Schedule], day: date) -> Day:
    exceptions = [s for s in schedules if s.is_exception and _covers_exception(s, day)]
    if exceptions:
        periods = [(s.opens_at, s.closes_at) for s in exceptions if s.opens_at and s.closes_at]
        return Day(periods=sorted(periods), exception=exceptions[0])
    holiday = public_holiday(day)
    if holiday and not service.open_on_public_holidays:
        return Day(holiday=holiday)
    periods = [
        (s.opens_at, s.closes_at)
        for s in schedules
        if not s.is_exception and s.opens_at and s.closes_at and _covers_weekly(s, day)
    ]
    return Day(periods=sorted(periods), holiday=holiday)


def is_open(service: Service, schedules: Sequence[Schedule], now: datetime) -> bool:
    local = timezone.localtime(now)
    return hours_on(service, schedules, local.date()).is_open_at(local.time())


def weekly_hours(schedules: Sequence[Schedule], today: date) -> list[tuple[int, list[Schedule]]]:
    """The regular hours valid today, per weekday (0 = Monday), for the service page."""
    current = [
        s
        for s in schedules
        if not s.is_exception
        and (s.valid_from is None or s.valid_from <= today)
        and (s.valid_to is None or today <= s.valid_to)
    ]
    return [
        (index, sorted((s for s in current if code in s.byday.split(",")), key=_opens))
        for index, code in enumerate(WEEKDAYS)
    ]


def _opens(schedule: Schedule) -> time:
    return schedule.opens_at or time.min


def upcoming_exceptions(schedules: Sequence[Schedule], today: date) -> list[Schedule]:
    return sorted(
        (
            s
            for s in schedules
            if s.is_exception and s.valid_from and (s.valid_to or s.valid_from) >= today
        ),
        key=lambda s: (s.valid_from, _opens(s)),
    )


def open_now_q(now: datetime) -> Q:
    day, moment, holiday = local_moment(now)
    return open_at_q(day, moment, holiday=holiday)


def local_moment(now: datetime) -> tuple[date, time, bool]:
    """`now` as `open_at_q` takes it: the local day, the local time, whether the day is a
    public holiday."""
    local = timezone.localtime(now)
    return local.date(), local.time(), is_public_holiday(local.date())


def is_public_holiday(day: date) -> bool:
    return bool(_holidays(day.year, "no").get(day))


def open_at_q(day: date, moment: time, *, holiday: bool) -> Q:
    """`open_now_q` for a local day and time, told whether the day is a public holiday: the
    finder compiles it once for each (selectors), binding the day and time per call."""
    exception_today = Schedule.objects.filter(
        Q(valid_to__gte=day) | Q(valid_to__isnull=True, valid_from=day),
        freq="",
        valid_from__lte=day,
    )
    weekly = Schedule.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        freq=Schedule.Freq.WEEKLY,
        byday__contains=WEEKDAYS[day.weekday()],
        opens_at__lte=moment,
        closes_at__gt=moment,
    )
    open_exception = exception_today.filter(opens_at__lte=moment, closes_at__gt=moment)
    of_service = Q(service=OuterRef("pk"))
    regular = Q(Exists(weekly.filter(of_service)))
    if holiday:
        regular &= Q(open_on_public_holidays=True)
    rule = Q(Exists(open_exception.filter(of_service))) | (
        ~Q(Exists(exception_today.filter(of_service))) & regular
    )
    # Implied by the rule (an open service has one of these rows), and asked once a statement,
    # not for each service: when nothing at all is open at the moment (at night), PostgreSQL
    # reads no service (a one-time filter) instead of testing each candidate. From the partial
    # indexes `schedule_exception` and `schedule_weekly_hours`.
    anything_open = Q(Exists(open_exception)) | Q(Exists(weekly))
    return anything_open & rule
