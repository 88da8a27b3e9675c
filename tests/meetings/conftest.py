from dataclasses import dataclass

import pytest
from django.utils import timezone

from cases.models import Case, Participant
from coordination.models import User
from tests.cases.conftest import demo  # noqa: F401
from tests.dates import born_for_age
from tests.factories import CaseFactory, ParticipantFactory, UserFactory


@dataclass
class Team:
    case: Case
    youth: User
    mother: User
    nurse: User
    teacher: User
    bup: User
    coordinator: User
    outsider: User


def build_team(*, youth_age: int = 16) -> Team:
    birth_date = born_for_age(youth_age, on=timezone.localdate(), birthday_days_ago=3)
    youth = UserFactory(birth_date=birth_date)
    case = CaseFactory(youth=youth)
    people = {
        "mother": ParticipantFactory(case=case, role=Participant.Role.GUARDIAN, service=None),
        "nurse": ParticipantFactory(case=case),
        "teacher": ParticipantFactory(case=case),
        "bup": ParticipantFactory(case=case),
        "coordinator": ParticipantFactory(
            case=case, role=Participant.Role.UNGDOMSHJELPER, service=None
        ),
    }
    return Team(
        case=case,
        youth=youth,
        outsider=UserFactory(),
        **{name: participant.user for name, participant in people.items()},
    )


@pytest.fixture
def team(db) -> Team:
    return build_team()


@pytest.fixture
def young_team(db) -> Team:
    """A 13-year-old: guardians decide, the youth's view is recorded."""
    return build_team(youth_age=13)
