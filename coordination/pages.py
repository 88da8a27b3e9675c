"""Helpers for the HTML views of every app (the page-side twin of rest.py)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .rest import StateConflict


def attempt(request: HttpRequest, action: Callable[[], object]) -> bool:
    """Runs a service call; a refusal becomes an error message on the page and, since services
    are transactional, nothing is changed."""
    try:
        action()
    except (PermissionDenied, StateConflict, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or _("That could not be done."))
        return False
    return True
