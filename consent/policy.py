"""Who may decide about sharing a category of information about a young person (DESIGN §4).

A pure function of the category, the youth's birth date, today's date and the age thresholds
(settings.SAMMEN_CONSENT_AGES, defaults below); no database, no clock.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# age_on is offered here too: the policy's tests and callers read ages from one module.
from coordination.ages import age_on as age_on
from coordination.ages import born_by

# Norwegian defaults: health-legal majority at 16 (pasient- og brukerrettighetsloven § 4-3),
# child welfare at 15 (barnevernsloven § 1-7), the child's view heard from 12 (§ 1-4; FN art. 12).
DEFAULT_AGES: Mapping[str, int] = {
    "self": 16,
    "self_child_welfare": 15,
    "opinion": 12,
}


class Decider(StrEnum):
    YOUTH = "youth"
    GUARDIANS = "guardians"


@dataclass(frozen=True)
class Authority:
    decider: Decider
    # Guardians decide but the youth's view is asked, recorded and shown next to the decision.
    youth_opinion_asked: bool

    @property
    def youth_decides(self) -> bool:
        return self.decider is Decider.YOUTH


def self_decision_age(*, category: str, ages: Mapping[str, int] = DEFAULT_AGES) -> int:
    """The age from which the young person decides about `category` themself."""
    return ages["self_child_welfare"] if category == "child_welfare" else ages["self"]


def youth_decides_born_by(
    *, category: str, today: date, ages: Mapping[str, int] = DEFAULT_AGES
) -> date:
    """A young person born on or before this date decides about `category` on `today`; one born
    later, or of unknown birth date, does not (their guardians do)."""
    return born_by(today=today, years=self_decision_age(category=category, ages=ages))


def consent_authority(
    *,
    category: str,
    birth_date: date | None,
    today: date,
    ages: Mapping[str, int] = DEFAULT_AGES,
) -> Authority:
    """The consent authority for `category` of a youth born on `birth_date`.

    An unknown birth date cannot prove the youth old enough to decide alone, so guardians
    decide; the youth's view is still asked.
    """
    if birth_date is None:
        return Authority(Decider.GUARDIANS, youth_opinion_asked=True)
    if birth_date <= youth_decides_born_by(category=category, today=today, ages=ages):
        return Authority(Decider.YOUTH, youth_opinion_asked=False)
    opinion_asked = birth_date <= born_by(today=today, years=ages["opinion"])
    return Authority(Decider.GUARDIANS, youth_opinion_asked=opinion_asked)
