"""Notification kinds: declared by the app that owns the event, registered at start-up, every
one translated; the outbox takes only registered kinds."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from coordination.models import Notification
from coordination.notifications import NotificationKind, kind_for, register, registered_kinds
from coordination.services import notification_create, notification_text
from meetings import notifications as meetings_notifications
from tests.factories import NotificationFactory, UserFactory


def declared_kinds() -> list[NotificationKind]:
    """Every NotificationKind constant in an installed app's notifications module."""
    declared = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.notifications")
        except ModuleNotFoundError:
            continue
        declared += [
            value for value in vars(module).values() if isinstance(value, NotificationKind)
        ]
    return declared


def test_every_declared_kind_is_registered():
    declared = declared_kinds()
    assert {kind.key for kind in declared} >= {"entry_shared", "meeting_cancelled", "remark_made"}
    for kind in declared:
        assert kind_for(kind.key) is kind


@pytest.mark.parametrize("kind", registered_kinds(), ids=lambda kind: kind.key)
def test_every_kind_has_a_bokmal_label_and_text(kind):
    with translation.override("en"):
        english = (str(kind.label), str(kind.text))
    with translation.override("nb"):
        bokmal = (str(kind.label), str(kind.text))
    assert bokmal[0] != english[0] and bokmal[1] != english[1]


@pytest.mark.django_db
def test_an_unregistered_kind_is_refused_and_nothing_is_written():
    gossip = NotificationKind("gossip", "Gossip", "Someone talked about you.")
    with pytest.raises(ValueError):
        notification_create(recipient=UserFactory(), kind=gossip)
    assert not Notification.objects.exists()


def test_a_key_cannot_be_registered_twice():
    twin = NotificationKind("meeting_invited", "Invitation", "You are invited.")
    with pytest.raises(ImproperlyConfigured):
        register(twin)
    assert kind_for("meeting_invited") is meetings_notifications.MEETING_INVITED


@pytest.mark.django_db
def test_label_and_text_come_from_the_registry():
    notification = NotificationFactory(kind=meetings_notifications.MEETING_CANCELLED.key)
    with translation.override("en"):
        assert notification.kind_label == "Meeting cancelled"
        assert str(notification).startswith("Meeting cancelled → ")
        assert notification_text(notification) == (
            "A meeting you were invited to has been cancelled. See Sammen for details."
        )


@pytest.mark.django_db
def test_the_api_schema_lists_every_registered_kind(client):
    schema = client.get("/api/schema/?format=json").json()
    enum = schema["components"]["schemas"]["NotificationKindEnum"]["enum"]
    assert set(enum) == {kind.key for kind in registered_kinds()}
