"""Tests that build people of an age from today pass on every day of the year.

`today.replace(year=today.year - n)` raised on 29 February (for n not a multiple of four) and
failed the meetings and guardianship tests that day; tests/dates.born_for_age draws the line
with coordination.ages instead. Checked on 29 February, the days around it, the turn of the year
and both ends of the Oslo day (the test date is Oslo's, not the UTC one).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import factory.random
import pytest
import time_machine
from django.utils import timezone

from coordination.ages import adult_since, age_on, born_by, is_adult
from tests.consent.test_guardianships import youth_aged
from tests.dates import born_for_age
from tests.factories import CaseFactory
from tests.meetings.conftest import build_team

DAYS = [
    date(2028, 2, 29),
    date(2027, 2, 28),
    date(2027, 3, 1),
    date(2026, 12, 31),
    date(2027, 1, 1),
]
OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize("age", [13, 15, 16, 17, 18])
@pytest.mark.parametrize("days_ago", [0, 1, 30, 364])
def test_born_for_age_is_that_age_on_that_day(day, age, days_ago):
    born = born_for_age(age, on=day, birthday_days_ago=days_ago)
    assert age_on(born, day) == age
    assert is_adult(birth_date=born, today=day) == (age >= 18)


def test_born_for_age_refuses_a_birthday_a_year_ago():
    with pytest.raises(ValueError):
        born_for_age(16, on=date(2028, 2, 29), birthday_days_ago=365)


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (date(2026, 2, 28), 17),  # no 29 February in 2026: not yet
        (date(2026, 3, 1), 18),
        (date(2028, 2, 28), 19),
        (date(2028, 2, 29), 20),  # a leap year: on the day itself
    ],
    ids=str,
)
def test_someone_born_on_29_february_has_a_birthday_every_year(today, age):
    # Python (age_on, is_adult) and SQL (born_by, compared with birth dates) draw the same line
    born = date(2008, 2, 29)
    assert age_on(born, today) == age
    assert is_adult(birth_date=born, today=today) == (age >= 18)
    assert (born <= born_by(today=today, years=age)) and not (
        born <= born_by(today=today, years=age + 1)
    )
    assert adult_since(born) == date(2026, 3, 1)


@pytest.mark.parametrize("at", [time(0, 30), time(23, 30)], ids=str)
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_test_youths_have_their_age_on_every_day(db, day, at):
    with time_machine.travel(datetime.combine(day, at, tzinfo=OSLO), tick=False):
        today = timezone.localdate()
        assert today == day
        assert age_on(build_team().youth.birth_date, today) == 16
        assert age_on(build_team(youth_age=13).youth.birth_date, today) == 13
        assert [age_on(youth_aged(age).birth_date, today) for age in (15, 16, 18)] == [15, 16, 18]


@time_machine.travel(datetime(2026, 6, 14, 23, 30, tzinfo=ZoneInfo("UTC")))
def test_a_case_factorys_youth_is_16_or_17_by_oslos_date_late_in_the_utc_evening():
    """At 23:30 UTC it is already tomorrow in Oslo, where the app counts ages: a factory youth
    counted from the UTC date was 18 by then about once in 730 cases."""
    factory.random.reseed_random(2026)
    today = timezone.localdate()
    ages = {age_on(CaseFactory.build().youth.birth_date, today) for _ in range(3000)}
    assert ages == {16, 17}
