"""Helpers shared by the meeting pages."""

from cases.models import Case, Participant
from coordination.models import User


def _team(case: Case, *, with_youth: bool = False) -> list[Participant]:
    team = Participant.objects.active().filter(case=case).select_related("user", "service")
    if not with_youth:
        team = team.exclude(user_id=case.youth_id)
    return list(team.order_by("joined", "id"))


def _users(ids: list[str]) -> list[User]:
    return list(User.objects.filter(pk__in=[int(i) for i in ids]))
