"""Agenda in advance: the youth's own topics stay private until they publish them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coordination.errors import StateConflict
from coordination.models import Notification
from meetings import notifications as meetings_notifications
from meetings.selectors import agenda_for
from meetings.services import (
    agenda_item_add,
    agenda_item_publish,
    agenda_publish,
    agendas_publish_due,
)

from .helpers import decided_meeting


def titles(meeting, user):
    return [item.title for item in agenda_for(meeting=meeting, user=user)]


def test_youth_topic_is_private_until_published(team):
    meeting = decided_meeting(team)
    agenda_item_add(meeting=meeting, actor=team.coordinator, title="Skole")
    topic = agenda_item_add(meeting=meeting, actor=team.youth, title="Venner", private=True)
    # Only Sara sees her private topic
    assert titles(meeting, team.youth) == ["Skole", "Venner"]
    assert titles(meeting, team.coordinator) == ["Skole"]
    # Helpers see nothing before the agenda is sent out
    assert titles(meeting, team.nurse) == []
    # When the coordinator publishes, the invited and Sara are notified
    agenda_publish(meeting=meeting, actor=team.coordinator)
    meeting.refresh_from_db()
    assert (
        Notification.objects.filter(
            kind=meetings_notifications.AGENDA_PUBLISHED.key, recipient__in=[team.nurse, team.youth]
        ).count()
        == 2
    )
    assert titles(meeting, team.nurse) == ["Skole"]
    # When Sara publishes her topic, everyone sees it
    agenda_item_publish(item=topic, actor=team.youth)
    assert titles(meeting, team.nurse) == ["Skole", "Venner"]
    with pytest.raises(StateConflict):
        agenda_publish(meeting=meeting, actor=team.coordinator)


def test_only_the_youth_keeps_topics_private(team):
    meeting = decided_meeting(team)
    with pytest.raises(ValidationError):
        agenda_item_add(meeting=meeting, actor=team.nurse, title="Hemmelig", private=True)


def test_agenda_goes_out_by_itself_at_the_deadline(team, settings):
    settings.SAMMEN_AGENDA_PUBLISH_BEFORE = timedelta(hours=48)
    soon = decided_meeting(team, days=1)
    later = decided_meeting(team, days=10)
    assert agendas_publish_due(now=timezone.now()) == 1
    assert agendas_publish_due(now=timezone.now()) == 0  # idempotent
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.agenda_published_at is not None and later.agenda_published_at is None
