"""Helpers for the HTML views of every app (the page-side twin of rest.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import StateConflict

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """A service call that went through, with what it returned."""

    value: T

    def __bool__(self) -> Literal[True]:
        return True


class Refused:
    """A service call that was refused; the page already carries the reason."""

    def __bool__(self) -> Literal[False]:
        return False


def attempt(request: HttpRequest, action: Callable[[], T]) -> Done[T] | Refused:
    """Runs a service call; a refusal becomes an error message on the page and, since services
    are transactional, nothing is changed. The answer is true exactly when the call went through,
    so `if outcome := attempt(...)` gives `outcome.value`, what the service returned."""
    try:
        value = action()
    except (PermissionDenied, StateConflict, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or _("That could not be done."))
        return Refused()
    return Done(value)
