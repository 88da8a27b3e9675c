"""Ages on a date, as SQL and Python both need them: pure functions, no database, no clock.

Lower than every app (cases asks who is an adult, consent who decides), so the line between
one age and the next is drawn by one function.
"""

from datetime import date

# Of age at 18 (vergemålsloven § 2): parental responsibility ends, so guardians leave the
# young person's cases (Participant.objects.active(), consent.services.youth_adult_transitions).
ADULT_AGE = 18


def age_on(birth_date: date, today: date) -> int:
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


def born_by(*, today: date, years: int) -> date:
    """The latest birth date of someone `years` old or older on `today`: `age_on(b, today) >=
    years` exactly when `b <= born_by(today=today, years=years)`. SQL compares birth dates with
    it, so a query and this module draw the line on the same day."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none: born on the 28th is old enough
        return today.replace(year=today.year - years, day=28)


def adult_born_by(*, today: date) -> date:
    """A person born on or before this date is of age on `today`."""
    return born_by(today=today, years=ADULT_AGE)


def is_adult(*, birth_date: date | None, today: date) -> bool:
    """Python's side of adult_born_by: an unknown birth date proves no one of age."""
    return birth_date is not None and birth_date <= adult_born_by(today=today)


def adult_since(birth_date: date) -> date:
    """The first day on which someone born on `birth_date` is of age (is_adult says so): the
    18th birthday, or 1 March for someone born on 29 February when that year has none."""
    try:
        return birth_date.replace(year=birth_date.year + ADULT_AGE)
    except ValueError:
        return date(birth_date.year + ADULT_AGE, 3, 1)
