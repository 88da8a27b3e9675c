"""Evaluation that comes by itself (issue #19 item 5): when a meeting is marked held the young
person is asked in the app and, with SMS on, by an SMS carrying only the link; one reminder two
days later (beat, idempotent, not after an answer, anonymous ones too); nobody else is asked."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from coordination.models import Notification
from coordination.services import notification_deliver
from meetings.models import Evaluation, Meeting
from meetings.services import evaluation_reminders_send
from meetings.tasks import send_evaluation_reminders

from .helpers import decided_meeting, hold

pytestmark = pytest.mark.django_db

INVITED, REMINDED = "evaluation_invited", "evaluation_reminded"


def _sms_on(user) -> None:
    user.phone, user.notify_by_sms = "+4791234567", True
    user.save(update_fields=["phone", "notify_by_sms"])


def _sent_sms(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _held(team) -> Meeting:
    return hold(decided_meeting(team, title="Skolemøte om fravær"), team.coordinator)


def test_marking_held_asks_the_youth_in_the_app_and_by_sms_with_only_the_link(team, sms_file):
    # Given Sara has SMS on
    _sms_on(team.youth)
    # When the organiser marks the meeting held
    meeting = _held(team)
    # Then she, and nobody else, has the invitation, pointing at the evaluation page
    (invitation,) = Notification.objects.filter(kind=INVITED)
    assert invitation.recipient_id == team.youth.pk
    assert invitation.target_url == f"/meetings/{meeting.pk}/evaluation/"
    # and the SMS carries the link and no content
    assert notification_deliver(notification_id=invitation.pk)
    (sms,) = _sent_sms(sms_file)
    assert sms["to"] == "+4791234567"
    assert sms["text"].endswith(f"/meetings/{meeting.pk}/evaluation/")
    assert meeting.title not in sms["text"] and team.case.title not in sms["text"]


def test_without_sms_the_invitation_is_in_the_app_only(team, sms_file):
    _held(team)
    (invitation,) = Notification.objects.filter(kind=INVITED)
    notification_deliver(notification_id=invitation.pk)
    assert _sent_sms(sms_file) == []


def test_one_reminder_two_days_after_and_never_again(team):
    # Given a meeting held now
    held_at = timezone.now()
    with time_machine.travel(held_at, tick=False):
        meeting = _held(team)
    # Then a day later nothing is sent
    with time_machine.travel(held_at + timedelta(days=1), tick=False):
        assert evaluation_reminders_send() == 0
    # Two days later the beat task reminds her once, however often it runs
    with time_machine.travel(held_at + timedelta(days=2, minutes=1), tick=False):
        assert send_evaluation_reminders() == 1
        assert send_evaluation_reminders() == 0
    with time_machine.travel(held_at + timedelta(days=3), tick=False):
        assert evaluation_reminders_send() == 0
    (reminder,) = Notification.objects.filter(kind=REMINDED)
    assert reminder.recipient_id == team.youth.pk
    assert reminder.target_url == f"/meetings/{meeting.pk}/evaluation/"


def test_an_anonymous_answer_through_the_link_means_no_reminder(team):
    # Given Sara follows the invitation's link and answers anonymously
    held_at = timezone.now()
    with time_machine.travel(held_at, tick=False):
        meeting = _held(team)
    client = Client()
    client.force_login(team.youth)
    link = Notification.objects.get(kind=INVITED).target_url
    answer = {"heard": 2, "understood": 1, "useful": 2, "comment": "", "anonymous": "on"}
    assert client.post(link, answer).status_code == 302
    # Then the answer keeps no person, and no reminder goes out
    assert Evaluation.objects.get(meeting=meeting).respondent_id is None
    with time_machine.travel(held_at + timedelta(days=2, minutes=1), tick=False):
        assert evaluation_reminders_send() == 0
    assert not Notification.objects.filter(kind=REMINDED).exists()


def test_meetings_held_before_the_window_are_not_reminded(team, settings):
    held_at = timezone.now()
    with time_machine.travel(held_at, tick=False):
        _held(team)
    days = settings.SAMMEN_EVALUATION_REMIND_DAYS + settings.SAMMEN_EVALUATION_REMIND_WINDOW_DAYS
    with time_machine.travel(held_at + timedelta(days=days, minutes=1), tick=False):
        assert evaluation_reminders_send() == 0


def test_a_meeting_not_held_asks_nobody(team):
    meeting = decided_meeting(team)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=5))
    assert evaluation_reminders_send() == 0
    assert not Notification.objects.filter(kind__in=[INVITED, REMINDED]).exists()


def test_the_link_is_404_for_someone_off_the_case(team):
    _held(team)
    link = Notification.objects.get(kind=INVITED).target_url
    client = Client()
    client.force_login(team.outsider)
    assert client.get(link).status_code == 404


def test_the_reminder_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "meetings.tasks.send_evaluation_reminders" in tasks
