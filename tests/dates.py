"""Dates relative to a day for tests that must pass on every day of the year (29 February, 1
January, 31 December), with the age rule of coordination.ages rather than a copy of it."""

from datetime import date, timedelta

from coordination.ages import born_by


def born_for_age(age: int, *, on: date, birthday_days_ago: int = 0) -> date:
    """A birth date that makes someone exactly `age` on `on`, their last birthday
    `birthday_days_ago` days before it (0: `on` is their birthday). `date.replace(year=...)`
    raises on 29 February; born_by counts it back to the 28th, as the age rule does."""
    if not 0 <= birthday_days_ago < 365:
        raise ValueError("A birthday more than a year ago is another age.")
    return born_by(today=on - timedelta(days=birthday_days_ago), years=age)
