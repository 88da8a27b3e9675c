"""What every API endpoint shares: pagination, the error shape and the 404-not-403 rule.

Services raise Django's own exceptions or the domain errors of coordination.errors; this module
is the single place that turns them into HTTP. An object the caller may not see is answered
exactly like an object that does not exist, so a status code never confirms that something
exists.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import StateConflict, VersionConflict
from .models import User
from .statements import Paged
from .throttling import throttled_message


class Conflict(exceptions.APIException):
    """The action is allowed but the object's current state forbids it (e.g. approved twice)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This cannot be done in the object's current state.")
    default_code = "conflict"


NOT_FOUND_DETAIL = _("Not found.")
TOO_LARGE_DETAIL = _("The request is too large. Nothing was saved.")

# The refusals every endpoint documents with `extend_schema(responses={404: NOT_FOUND, ...})`.
NOT_FOUND = OpenApiResponse(description="Missing, or not yours to see: the same answer.")
FORBIDDEN = OpenApiResponse(description="You can see this but may not do it.")
CONFLICT = OpenApiResponse(description="Not possible in the current state (answered, expired).")
BAD_INPUT = OpenApiResponse(description="Field errors, e.g. someone who is not on the case.")
THROTTLED = OpenApiResponse(
    description="Too many calls (or failed logins) in a short time: wait Retry-After seconds."
)


class FirstPageFirstPaginator(Paginator):
    """Django's Paginator, except that the first page is read before anything is counted: when
    it holds fewer rows than a page can, it is the last one and those rows are the count, so the
    COUNT statement is not sent (most lists are one page: one statement fewer for each). A full
    first page is counted as before, after it; every other page as Django does."""

    def page(self, number: Any) -> Page:
        if number not in (1, "1") or self.orphans or not self.allow_empty_first_page:
            return super().page(number)
        if "count" in self.__dict__:  # already counted (DRF's "last" page asks first)
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # what the cached_property `count` would hold
        return Page(rows, 1, self)


class StandardPagination(PageNumberPagination):
    django_paginator_class = FirstPageFirstPaginator
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


# Every schema made by page_of, so that coordination.schema.AutoSchema knows a paginated list.
PAGES: set[serializers.Serializer] = set()
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="A page number, from 1."),
    OpenApiParameter(
        "page_size",
        int,
        description=f"Items a page (default {StandardPagination.page_size}, "
        f"at most {StandardPagination.max_page_size}).",
    ),
]


@cache
def page_of(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """The schema of a StandardPagination page of `serializer_class` items, for
    `extend_schema(responses=...)` of every list answered through `paginated` or the paginator.
    Cached: one component per class however many endpoints list it (two would collide)."""
    name = serializer_class.__name__.removesuffix("Serializer").removesuffix("Output")
    page = inline_serializer(
        name=f"{name}Page",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
    PAGES.add(page)
    return page


def paginated(
    request: Request,
    view: APIView,
    items: QuerySet[Any] | Sequence[Any] | Paged,
    serializer_class: type[serializers.BaseSerializer],
    *,
    build: Callable[[list[Any]], Iterable[Any]] | None = None,
) -> Response:
    """A StandardPagination page of `items` (a queryset, a list, or a compiled read's Paged);
    declare it with `page_of(serializer_class)`. `build`, when given, turns the objects of the
    page into what is serialized (rows computed for just that page, or the page itself after
    marking it read)."""
    paginator = StandardPagination()
    page = list(paginator.paginate_queryset(items, request, view=view) or [])  # type: ignore[arg-type]
    rows = build(page) if build else page
    data = serializer_class(rows, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


def users_from_ids(
    ids: Iterable[int],
    *,
    field: str,
    among: QuerySet[User] | Callable[[set[int]], list[User]],
) -> list[User]:
    """The users named by `ids` in a request body, looked up only `among` the people the
    request may name (the team of the case, from the app that knows it: a queryset, or a
    function that reads those of a set of ids, e.g. a compiled statement). Any other id is a
    400 on `field` in the same words whether the account exists or not, echoing only the ids
    the caller sent, so a request never tells who has an account."""
    wanted = set(ids)
    users = list(among.filter(pk__in=wanted)) if isinstance(among, QuerySet) else among(wanted)
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
    if isinstance(exc, VersionConflict):
        # Both versions, so the client can show what changed; nothing was written.
        body = {"detail": str(exc), "yours": exc.yours, "current": exc.current}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, StateConflict) and exc.code is not None:
        body = {"detail": str(exc), "code": exc.code}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404 | ObjectDoesNotExist | exceptions.NotFound):
        # One body whether the object is missing or hidden.
        return Response({"detail": NOT_FOUND_DETAIL}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, StateConflict):
        exc = Conflict(str(exc) or None)
    elif isinstance(exc, exceptions.Throttled):
        return _throttled(exc)
    elif isinstance(exc, RequestDataTooBig):
        # Django would answer with its HTML 400 page; API clients get the usual JSON shape.
        exc = exceptions.ParseError(TOO_LARGE_DETAIL)
    return drf_exception_handler(exc, context)


def _throttled(exc: exceptions.Throttled) -> Response:
    """429 in plain words, with the seconds to wait in the body and in Retry-After."""
    seconds = max(1, math.ceil(getattr(exc, "wait", None) or 0))
    return Response(
        {"detail": throttled_message(seconds)},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(seconds)},
    )


def authenticated_user(request: HttpRequest | Request) -> User:
    """The logged-in user of a request that a login/permission check has already let through."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user
