"""Helpers shared by the meeting pages."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cases.models import Case, Participant
from coordination.models import User
from coordination.rest import StateConflict


def _attempt(request: HttpRequest, action: Callable[[], object]) -> bool:
    """Runs a service call; a refusal becomes an error message and nothing is changed."""
    try:
        action()
    except (PermissionDenied, StateConflict, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or _("That could not be done."))
        return False
    return True


def _team(case: Case, *, with_youth: bool = False) -> list[Participant]:
    team = Participant.objects.filter(case=case, left__isnull=True).select_related(
        "user", "service"
    )
    if not with_youth:
        team = team.exclude(user_id=case.youth_id)
    return list(team.order_by("joined", "id"))


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def _users(ids: list[str]) -> list[User]:
    return list(User.objects.filter(pk__in=[int(i) for i in ids]))
