"""Action items: one owner on the case, a due date; reminders from the beat task are sent once
per item per rule, also through the real Celery worker and across repeated runs."""

import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from consent.services import case_close, case_reopen
from coordination.errors import StateConflict
from coordination.models import Notification
from meetings import notifications as meetings_notifications
from meetings.models import ActionItem, ActionItemReminder
from meetings.selectors import action_items_visible
from meetings.services import (
    action_item_create,
    action_item_reminders_send,
    action_item_sentence,
    minutes_approve,
    minutes_save,
    minutes_submit,
)
from meetings.tasks import send_action_item_reminders

from .conftest import build_team
from .helpers import decided_meeting, hold


def held_meeting(team):
    meeting = decided_meeting(team)
    return hold(meeting, team.coordinator)


def test_owner_missing_or_not_on_the_case_is_400(team):
    meeting = held_meeting(team)
    due = timezone.localdate() + timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        action_item_create(
            meeting=meeting, actor=team.coordinator, description="ring", owner=None, due=due
        )
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError):
        action_item_create(
            meeting=meeting,
            actor=team.coordinator,
            description="ring",
            owner=team.outsider,
            due=due,
        )
    assert not ActionItem.objects.exists()


def test_youth_reads_items_in_plain_words_and_owners_see_theirs_after_approval(team):
    meeting = held_meeting(team)
    item = action_item_create(
        meeting=meeting,
        actor=team.coordinator,
        description="lage en plan for prøvene",
        owner=team.teacher,
        due=date(year := timezone.localdate().year + 1, 3, 1),  # ahead, whatever today is
    )
    with translation.override("nb"):
        sentence = action_item_sentence(item)
    assert sentence == f"{team.teacher.name} skal lage en plan for prøvene innen 1. mars {year}"
    assert list(action_items_visible(user=team.youth)) == [item]
    # the teacher sees the item once Sara has approved the minutes
    assert not action_items_visible(user=team.teacher).exists()
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="Plan")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    minutes_approve(minutes=minutes, actor=team.youth)
    assert list(action_items_visible(user=team.teacher)) == [item]
    assert not action_items_visible(user=team.bup).exists()
    # approved minutes take no more items
    with pytest.raises(StateConflict):
        action_item_create(
            meeting=meeting,
            actor=team.coordinator,
            description="mer",
            owner=team.nurse,
            due=timezone.localdate(),
        )


def approved_with_items(team):
    meeting = held_meeting(team)
    today = timezone.localdate()
    soon = action_item_create(
        meeting=meeting,
        actor=team.coordinator,
        description="sende timeplan",
        owner=team.teacher,
        due=today + timedelta(days=1),
    )
    late = action_item_create(
        meeting=meeting,
        actor=team.coordinator,
        description="ringe BUP",
        owner=team.nurse,
        due=today - timedelta(days=1),
    )
    far = action_item_create(
        meeting=meeting,
        actor=team.coordinator,
        description="evaluere",
        owner=team.nurse,
        due=today + timedelta(days=30),
    )
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="Oppgaver")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    minutes_approve(minutes=minutes, actor=team.youth)
    return soon, late, far


def due_notices(user):
    return Notification.objects.filter(
        recipient=user, kind=meetings_notifications.ACTION_ITEM_DUE.key
    )


def test_reminders_once_per_item_and_rule(team):
    soon, late, far = approved_with_items(team)
    # When the beat task runs twice
    assert action_item_reminders_send() == 2
    assert action_item_reminders_send() == 0
    # Then the teacher got one before-reminder and the nurse one overdue notice
    assert due_notices(team.teacher).count() == 1
    assert due_notices(team.nurse).count() == 1
    assert set(ActionItemReminder.objects.values_list("item_id", "rule")) == {
        (soon.pk, "before"),
        (late.pk, "overdue"),
    }
    # When the date passes, the soon item gets its overdue notice, once
    tomorrow_plus = timezone.localdate() + timedelta(days=2)
    assert action_item_reminders_send(today=tomorrow_plus) == 1
    assert action_item_reminders_send(today=tomorrow_plus) == 0
    # Done items are not reminded
    far.status = ActionItem.Status.DONE
    far.save()
    assert action_item_reminders_send(today=far.due) == 0


def test_no_reminders_on_a_closed_case_until_it_is_reopened(team):
    approved_with_items(team)
    case_close(case=team.case, actor=team.coordinator, summary="Ferdig.")
    assert action_item_reminders_send() == 0
    case_reopen(case=team.case, actor=team.coordinator)
    assert action_item_reminders_send() == 2


def test_no_reminders_before_the_youth_approves(team):
    meeting = held_meeting(team)
    action_item_create(
        meeting=meeting,
        actor=team.coordinator,
        description="x",
        owner=team.teacher,
        due=timezone.localdate(),
    )
    assert action_item_reminders_send() == 0


@pytest.mark.django_db(transaction=True)
def test_beat_task_on_the_real_worker_delivers_reminders_once(celery_worker):
    # Given approved minutes with one item due tomorrow and one overdue (committed data)
    team = build_team()
    approved_with_items(team)
    # When beat's task is run by the real worker, twice
    for _ in range(2):
        send_action_item_reminders.apply_async()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            notices = Notification.objects.filter(kind=meetings_notifications.ACTION_ITEM_DUE.key)
            if notices.count() == 2 and all(n.delivered_at for n in notices):
                break
            time.sleep(0.2)
    time.sleep(1)
    # Then each owner got exactly one notice, and it was delivered by the worker
    notices = Notification.objects.filter(kind=meetings_notifications.ACTION_ITEM_DUE.key)
    assert sorted(n.recipient_id for n in notices) == sorted([team.teacher.pk, team.nurse.pk])
    assert all(n.delivered_at is not None for n in notices)
    assert ActionItemReminder.objects.count() == 2
