"""Helpers shared by the meeting pages."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cases.models import Case, Participant
from coordination.models import User


def _team(case: Case, *, with_youth: bool = False) -> list[Participant]:
    team = Participant.objects.active().filter(case=case).select_related("user", "service")
    if not with_youth:
        team = team.exclude(user_id=case.youth_id)
    return list(team.order_by("joined", "id"))


def _users(ids: list[str]) -> list[User]:
    return list(User.objects.filter(pk__in=[int(i) for i in ids]))


def unknown_action(request: HttpRequest, *_objects: object) -> None:
    """A POST whose action= names no form of the page."""
    messages.error(request, _("Choose what you want to do."))
