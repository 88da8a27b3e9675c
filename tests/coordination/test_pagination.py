"""The API's pages (coordination.rest.StandardPagination) read the first page before counting,
and skip the COUNT when that page is not full: the same answers as DRF's paginator over
Django's own, for lists of every length around a page's size and any page asked for, with one
statement fewer for a list that fits on its first page."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from coordination.models import Notification
from coordination.rest import StandardPagination
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


@pytest.mark.parametrize("length", [0, 1, 2, 24, 25, 26, 49, 50, 51])
def test_every_page_answers_as_django_s_paginator_did(length):
    user = UserFactory()
    NotificationFactory.create_batch(length, recipient=user)
    queryset = Notification.objects.filter(recipient=user).order_by("-id")
    for query in [
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
    ]:
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
