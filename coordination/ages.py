"""Age on a day, the one computation every rule on age uses (consent policy, who may be the
young person of a case)."""

from datetime import date


def age_on(birth_date: date, today: date) -> int:
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)
