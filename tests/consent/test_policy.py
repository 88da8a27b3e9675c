"""consent/policy.py: every age boundary of docs/architecture.md §4."""

from datetime import date

import pytest

from consent.policy import Decider, age_on, consent_authority

TODAY = date(2026, 6, 15)


def born_years_ago(years: int, *, days_until_birthday: int = 0) -> date:
    """A birth date that makes someone `years` old today; with days_until_birthday > 0 they turn
    `years + 1` that many days from now."""
    birthday = TODAY.replace(year=TODAY.year - years)
    if days_until_birthday:
        birthday = date.fromordinal(TODAY.toordinal() + days_until_birthday).replace(
            year=TODAY.year - years - 1
        )
    return birthday


@pytest.mark.parametrize(
    ("age", "category", "decider", "opinion"),
    [
        # Health and everything that is not child welfare: 16.
        (16, "health", Decider.YOUTH, False),
        (15, "health", Decider.GUARDIANS, True),
        (16, "school", Decider.YOUTH, False),
        (15, "mental_health", Decider.GUARDIANS, True),
        (17, "general", Decider.YOUTH, False),
        # Child welfare: 15.
        (15, "child_welfare", Decider.YOUTH, False),
        (14, "child_welfare", Decider.GUARDIANS, True),
        # The youth's view is asked from 12.
        (12, "health", Decider.GUARDIANS, True),
        (11, "health", Decider.GUARDIANS, False),
        (12, "child_welfare", Decider.GUARDIANS, True),
        (11, "child_welfare", Decider.GUARDIANS, False),
        (0, "family", Decider.GUARDIANS, False),
    ],
)
def test_age_boundaries(age, category, decider, opinion):
    # Given a youth who turned `age` today
    # When the policy is asked
    authority = consent_authority(category=category, birth_date=born_years_ago(age), today=TODAY)
    # Then the decider and whether the youth's view is asked follow §4
    assert authority.decider is decider
    assert authority.youth_opinion_asked is opinion


def test_the_day_before_the_sixteenth_birthday_guardians_still_decide():
    birth_date = born_years_ago(15, days_until_birthday=1)
    assert age_on(birth_date, TODAY) == 15
    assert consent_authority(category="health", birth_date=birth_date, today=TODAY).decider is (
        Decider.GUARDIANS
    )
    tomorrow = date.fromordinal(TODAY.toordinal() + 1)
    assert consent_authority(category="health", birth_date=birth_date, today=tomorrow).decider is (
        Decider.YOUTH
    )


def test_born_on_29_february_is_a_year_older_on_1_march():
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16
    assert age_on(date(2009, 2, 28), date(2025, 3, 1)) == 16


def test_thresholds_come_from_settings_values():
    ages = {"self": 18, "self_child_welfare": 18, "opinion": 7}
    authority = consent_authority(
        category="health", birth_date=born_years_ago(17), today=TODAY, ages=ages
    )
    assert authority.decider is Decider.GUARDIANS and authority.youth_opinion_asked


def test_unknown_birth_date_guardians_decide_and_youth_is_asked():
    authority = consent_authority(category="health", birth_date=None, today=TODAY)
    assert authority.decider is Decider.GUARDIANS and authority.youth_opinion_asked


def test_settings_hold_the_norwegian_defaults(settings):
    assert settings.SAMMEN_CONSENT_AGES == {"self": 16, "self_child_welfare": 15, "opinion": 12}
