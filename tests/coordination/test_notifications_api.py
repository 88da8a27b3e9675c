"""GET /api/v1/notifications/ and POST .../read/; the notifications page."""

import datetime

import pytest
from django.utils import timezone, translation
from rest_framework import serializers

from consent import notifications as consent_notifications
from coordination.models import Notification
from coordination.notifications import registered_kinds
from coordination.serializers import NotificationSerializer
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sara():
    return UserFactory(username="sara", preferred_language="nb")


def test_list_shows_only_my_notifications_in_the_contract_shape(api_client, sara):
    mine = NotificationFactory(
        recipient=sara, kind=consent_notifications.ENTRY_SHARED.key, case_id=4, entry_id=8
    )
    NotificationFactory(recipient=UserFactory())
    api_client.force_authenticate(sara)
    body = api_client.get("/api/v1/notifications/").json()
    assert body["count"] == 1
    assert set(body) == {"count", "next", "previous", "results"}
    item = body["results"][0]
    assert item["id"] == mine.pk
    assert item["kind"] == "entry_shared"
    assert item["case"] == 4
    assert item["entry"] == 8
    assert item["read"] is False
    assert item["text"].startswith("Noe om deg er delt")
    assert item["created"].endswith("+01:00") or item["created"].endswith("+02:00")


@pytest.mark.parametrize(("notifications", "statements"), [(3, 1), (60, 2)])
def test_list_query_count_does_not_grow_with_the_number_of_notifications(
    api_client, sara, django_assert_num_queries, notifications, statements
):
    NotificationFactory.create_batch(notifications, recipient=sara)
    api_client.force_authenticate(sara)
    # The page; a full first page is counted after it (COUNT)
    with django_assert_num_queries(statements):
        response = api_client.get("/api/v1/notifications/")
    assert len(response.json()["results"]) == min(notifications, 25)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_direct_representation_is_what_the_declared_fields_give(sara, language):
    """NotificationSerializer builds its dict directly (speed); DRF's walk over the declared
    fields, which the schema shows, must give exactly the same for every kind, with and without
    case and entry, read and unread, summer and winter time."""
    summer = datetime.datetime(2026, 7, 1, 10, 0, 0, 123456, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC)
    notifications = [
        NotificationFactory(
            recipient=sara,
            kind=kind.key,
            case_id=n if n % 2 else None,
            entry_id=n * 10 if n % 3 else None,
            read_at=summer if n % 2 else None,
        )
        for n, kind in enumerate(registered_kinds())
    ]
    Notification.objects.filter(pk__in=[n.pk for n in notifications[::2]]).update(created=winter)
    Notification.objects.filter(pk__in=[n.pk for n in notifications[1::2]]).update(created=summer)
    serializer = NotificationSerializer()
    with translation.override(language), timezone.override("Europe/Oslo"):
        for notification in Notification.objects.filter(recipient=sara):
            assert serializer.to_representation(notification) == (
                serializers.ModelSerializer.to_representation(serializer, notification)
            )


def test_unread_filter(api_client, sara):
    NotificationFactory(recipient=sara)
    NotificationFactory(recipient=sara, read_at="2026-01-01T10:00:00+01:00")
    api_client.force_authenticate(sara)
    assert api_client.get("/api/v1/notifications/?unread=true").json()["count"] == 1


def test_mark_read(api_client, sara):
    notification = NotificationFactory(recipient=sara)
    api_client.force_authenticate(sara)
    response = api_client.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True


def test_someone_elses_notification_is_404_like_a_missing_one(api_client, sara):
    other = NotificationFactory(recipient=UserFactory())
    api_client.force_authenticate(sara)
    hidden = api_client.post(f"/api/v1/notifications/{other.pk}/read/")
    missing = api_client.post("/api/v1/notifications/999999/read/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    other.refresh_from_db()
    assert other.read_at is None


def test_anonymous_gets_401(api_client):
    assert api_client.get("/api/v1/notifications/").status_code == 401


def test_page_lists_notifications_and_the_header_counts_unread(client, sara):
    NotificationFactory.create_batch(2, recipient=sara)
    client.force_login(sara)
    html = client.get("/notifications/").content.decode()
    assert html.count("<p>Du har fått ny informasjon i Sammen.</p>") == 2
    assert '<span class="badge">2' in html


def test_opening_a_notification_marks_it_read_and_follows_only_local_links(client, sara):
    local = NotificationFactory(recipient=sara, target_url="/notifications/?x=1")
    foreign = NotificationFactory(recipient=sara, target_url="//evil.example/")
    client.force_login(sara)
    assert client.post(f"/notifications/{local.pk}/open/").url == "/notifications/?x=1"
    assert client.post(f"/notifications/{foreign.pk}/open/").url == "/notifications/"
    local.refresh_from_db()
    assert local.read_at is not None


def test_opening_someone_elses_notification_is_404(client, sara):
    other = NotificationFactory(recipient=UserFactory())
    client.force_login(sara)
    assert client.post(f"/notifications/{other.pk}/open/").status_code == 404


def test_mark_all_read(client, sara):
    NotificationFactory.create_batch(3, recipient=sara)
    client.force_login(sara)
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=sara, read_at=None).exists()


def test_empty_state(client, sara):
    client.force_login(sara)
    assert "Du har ingen varsler ennå" in client.get("/notifications/").content.decode()
