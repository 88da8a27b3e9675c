"""How long a standing rule or a one-off approval lasts: the choices the young person (or the
consent authority) picks from, the limits on the date, and the moment access ends.

Pure functions of today's date and the settings; no database, no clock.
"""

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.months import add_months

# An end date may lie at most this many years ahead: consent is given for a while, not forever
# (a rule without an end date stays until it is removed).
MAX_YEARS_AHEAD = 2


class Ends(StrEnum):
    NEVER = "never"
    ONE_MONTH = "1m"
    THREE_MONTHS = "3m"
    SCHOOL_YEAR = "school_year"
    DATE = "date"


def school_year_end(*, today: date, month_day: tuple[int, int]) -> date:
    """The next last day of the school year (`month_day`, settings.SAMMEN_SCHOOL_YEAR_ENDS),
    today included."""
    this_year = date(today.year, *month_day)
    return this_year if this_year >= today else date(today.year + 1, *month_day)


def latest_until(today: date) -> date:
    return add_months(today, 12 * MAX_YEARS_AHEAD)


def until_for(
    *, ends: str, today: date, month_day: tuple[int, int], chosen: date | None = None
) -> date | None:
    """The last day in force for a choice on the pages (None: until it is removed)."""
    if ends == Ends.ONE_MONTH:
        return add_months(today, 1)
    if ends == Ends.THREE_MONTHS:
        return add_months(today, 3)
    if ends == Ends.SCHOOL_YEAR:
        return school_year_end(today=today, month_day=month_day)
    if ends == Ends.DATE:
        return chosen
    return None


def until_check(until: date | None, *, today: date, field: str = "until") -> None:
    """A 400 (ValidationError on `field`) for an end date before today or more than
    MAX_YEARS_AHEAD years ahead."""
    if until is None:
        return
    if until < today:
        raise ValidationError({field: _("Choose today or a later date.")})
    if until > latest_until(today):
        raise ValidationError(
            {field: _("Choose a date at most %(years)d years ahead.") % {"years": MAX_YEARS_AHEAD}}
        )


def ends_at(until: date | None) -> datetime | None:
    """The moment access ends: the end of the last day in force (midnight, Norwegian time)."""
    if until is None:
        return None
    return timezone.make_aware(
        datetime.combine(until + timedelta(days=1), time.min), timezone.get_default_timezone()
    )
