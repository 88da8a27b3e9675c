"""The API's pages (coordination.rest.StandardPagination) read the first page before counting,
and skip the COUNT when that page is not full: the same answers as DRF's paginator over
Django's own, for lists of every length around a page's size and any page asked for, with one
statement fewer for a list that fits on its first page."""

import itertools

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from coordination.models import Notification
from coordination.rest import StandardPagination
from coordination.selectors import notifications_for, notifications_listed
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


class DjangosOwn(StandardPagination):
    """What the API used before: DRF's page over Django's Paginator, COUNT first."""

    django_paginator_class = Paginator


def answer(pagination_class, queryset, query: dict) -> tuple:
    """The page's body (as the API sends it), or the refusal."""
    request = Request(APIRequestFactory().get("/api/v1/notifications/", query))
    pagination = pagination_class()
    try:
        page = pagination.paginate_queryset(queryset, request)
    except NotFound as refused:
        return ("404", str(refused.detail))
    ids = [notification.pk for notification in page]
    return ("200", pagination.get_paginated_response(ids).data)


QUERIES = [
    {},
    {"page": "1"},
    {"page": "01"},
    {"page": "2"},
    {"page": "3"},
    {"page": "last"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "x"},
    {"page": "1", "page_size": "2"},
    {"page": "2", "page_size": "2"},
    {"page_size": "100"},
    {"page_size": "24"},
    {"page_size": "0"},
]


@pytest.mark.parametrize("length", [0, 1, 2, 24, 25, 26, 49, 50, 51])
def test_every_page_answers_as_django_s_paginator_did(length):
    user = UserFactory()
    NotificationFactory.create_batch(length, recipient=user)
    queryset = Notification.objects.filter(recipient=user).order_by("-id")
    for query in QUERIES:
        assert answer(StandardPagination, queryset, query) == answer(DjangosOwn, queryset, query), (
            length,
            query,
        )


@pytest.mark.parametrize(("length", "statements"), [(0, 1), (24, 1), (25, 2), (26, 2)])
def test_a_list_that_fits_on_its_first_page_is_not_counted(length, statements):
    user = UserFactory()
    NotificationFactory.create_batch(length, recipient=user)
    queryset = Notification.objects.filter(recipient=user).order_by("-id")
    with CaptureQueriesContext(connection) as captured:
        _, body = answer(StandardPagination, queryset, {})
    assert len(captured) == statements
    assert body["count"] == length


@pytest.mark.parametrize("length", [0, 24, 25, 26, 51])
def test_a_compiled_read_pages_as_its_queryset_did(length):
    """A CompiledRead's Paged (the statement with LIMIT and OFFSET, its own COUNT) against
    Django's paginator over the selector's queryset; another person's rows and read ones around
    them, so a page or a count that ignored the person or the filter would differ."""
    user, other = UserFactory(), UserFactory()
    NotificationFactory.create_batch(length, recipient=user)
    NotificationFactory.create_batch(3, recipient=other)
    NotificationFactory.create_batch(2, recipient=user, read_at=timezone.now())
    for unread_only, query in itertools.product([False, True], QUERIES):
        paged = notifications_listed(user=user, unread_only=unread_only)
        queryset = notifications_for(user=user, unread_only=unread_only)
        assert answer(StandardPagination, paged, query) == answer(DjangosOwn, queryset, query), (
            length,
            unread_only,
            query,
        )


@pytest.mark.parametrize(("length", "statements"), [(24, 1), (25, 2)])
def test_a_compiled_read_that_fits_on_its_first_page_is_not_counted(length, statements):
    user = UserFactory()
    NotificationFactory.create_batch(length, recipient=user)
    with CaptureQueriesContext(connection) as captured:
        _, body = answer(StandardPagination, notifications_listed(user=user), {})
    assert len(captured) == statements
    assert body["count"] == length
