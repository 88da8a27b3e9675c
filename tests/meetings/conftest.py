from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, Participant
from coordination.models import User
from tests.cases.conftest import demo  # noqa: F401
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
    today = timezone.localdate()
    youth = UserFactory(birth_date=today.replace(year=today.year - youth_age) - timedelta(days=3))
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
