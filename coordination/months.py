"""Calendar months: a pure function, no database, no clock.

Lower than every app: consent counts how long a rule lasts with it, the catalogue how long ago a
service was last reviewed.
"""

from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), or the last day of that month when
    it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has at least 28 days")
