"""What every API endpoint shares: pagination, the error shape and the 404-not-403 rule.

Services raise Django's own exceptions (or the ones below); this module is the single place that
turns them into HTTP. An object the caller may not see is answered exactly like an object that
does not exist, so a status code never confirms that something exists.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .models import User


class Conflict(exceptions.APIException):
    """The action is allowed but the object's current state forbids it (e.g. approved twice)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This cannot be done in the object's current state.")
    default_code = "conflict"


class StateConflict(Exception):
    """Raised by services; rendered as 409 with the message."""


NOT_FOUND_DETAIL = _("Not found.")
TOO_LARGE_DETAIL = _("The request is too large. Nothing was saved.")


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def users_from_ids(ids: Iterable[int], *, field: str, among: QuerySet[User]) -> list[User]:
    """The users named by `ids` in a request body, looked up only `among` the people the
    request may name (the team of the case, from the app that knows it). Any other id is a 400
    on `field` in the same words whether the account exists or not, echoing only the ids the
    caller sent, so a request never tells who has an account."""
    wanted = set(ids)
    users = list(among.filter(pk__in=wanted))
    missing = ", ".join(map(str, sorted(wanted - {user.pk for user in users})))
    if missing:
        raise exceptions.ValidationError(
            {field: [_("Not on the team: %(ids)s.") % {"ids": missing}]}
        )
    return users


def _validation_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404 | ObjectDoesNotExist | exceptions.NotFound):
        # One body whether the object is missing or hidden.
        return Response({"detail": NOT_FOUND_DETAIL}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, StateConflict):
        exc = Conflict(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        # Django would answer with its HTML 400 page; API clients get the usual JSON shape.
        exc = exceptions.ParseError(TOO_LARGE_DETAIL)
    return drf_exception_handler(exc, context)


def authenticated_user(request: HttpRequest | Request) -> User:
    """The logged-in user of a request that a login/permission check has already let through."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user
