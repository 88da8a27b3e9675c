"""The notification outbox: written with the event, delivered once, never carrying content."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from consent import notifications as consent_notifications
from coordination.models import Notification
from coordination.services import (
    notification_create,
    notification_deliver,
    notifications_deliver,
    notifications_sweep,
)
from tests.factories import NotificationFactory, UserFactory
from tests.waiting import wait_until


@pytest.mark.django_db
def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        notification_create(recipient=UserFactory(), kind="gossip")


@pytest.mark.django_db
def test_deliver_sends_email_and_sms_once_without_case_content(sms_file):
    # Given a youth who wants e-mail and SMS
    youth = UserFactory(notify_by_email=True, notify_by_sms=True, phone="+4740000000")
    notification = NotificationFactory(
        recipient=youth,
        kind=consent_notifications.ENTRY_SHARED.key,
        case_id=3,
        entry_id=9,
        target_url="/cases/3/",
    )
    # When it is delivered twice (a re-run of the task)
    assert notification_deliver(notification_id=notification.pk) is True
    assert notification_deliver(notification_id=notification.pk) is False
    # Then exactly one e-mail and one SMS went out, saying only that something happened
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Noe om deg er delt med en hjelper" in body
    assert f"{settings.SAMMEN_BASE_URL}/cases/3/" in body
    assert mail.outbox[0].subject == "Nytt i Sammen"
    assert len(sms_file.read_text().splitlines()) == 1
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert notification.channels_done == ["email", "sms"]


@pytest.mark.django_db
def test_delivery_uses_the_recipients_language():
    helper = UserFactory(preferred_language="en", notify_by_email=True)
    notification = NotificationFactory(
        recipient=helper, kind=consent_notifications.ENTRY_RECEIVED.key
    )
    notification_deliver(notification_id=notification.pk)
    assert mail.outbox[0].subject == "New in Sammen"
    assert "You have received new information" in mail.outbox[0].body


@pytest.mark.django_db
def test_no_external_channel_when_the_person_has_none():
    person = UserFactory(notify_by_email=False, notify_by_sms=False)
    notification = NotificationFactory(recipient=person)
    assert notification_deliver(notification_id=notification.pk) is True
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.delivered_at is not None


@pytest.mark.django_db
def test_a_notification_claimed_by_another_worker_is_left_alone():
    notification = NotificationFactory(
        recipient=UserFactory(notify_by_email=True),
        claimed_until=timezone.now() + timedelta(minutes=1),
    )
    assert notification_deliver(notification_id=notification.pk) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_after_a_crash_only_the_channels_not_yet_sent_are_sent(sms_file):
    # Given a worker that sent the e-mail and died before the SMS (its claim has expired)
    notification = NotificationFactory(
        recipient=UserFactory(notify_by_email=True, notify_by_sms=True, phone="+4741111111"),
        claimed_until=timezone.now() - timedelta(seconds=1),
        channels_done=["email"],
    )
    # When another worker delivers it
    assert notification_deliver(notification_id=notification.pk) is True
    # Then only the SMS is sent
    assert mail.outbox == []
    assert len(sms_file.read_text().splitlines()) == 1


@pytest.mark.django_db
def test_an_events_notifications_are_claimed_and_stamped_together(django_assert_num_queries):
    # Given a share's three notifications to people who read them in the app only
    in_app = [NotificationFactory(recipient=UserFactory(notify_by_email=False)) for _ in range(3)]
    # When they are delivered: one claim, one read of the recipients, one stamp, each a
    # statement prepared once a connection (the worker runs them for every event)
    with django_assert_num_queries(3) as delivery:
        assert notifications_deliver(notification_ids=[n.pk for n in in_app]) == 3
    assert [q["sql"].split(" ", 1)[0] for q in delivery.captured_queries] == ["EXECUTE"] * 3
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()
    assert mail.outbox == []
    # And a re-run of the task finds nothing to do
    assert notifications_deliver(notification_ids=[n.pk for n in in_app]) == 0


@pytest.mark.django_db
def test_the_claim_still_delivers_after_a_column_is_added_meanwhile():
    # Given a worker's connection that has prepared the claim (coordination.statements.Prepared)
    first = NotificationFactory(recipient=UserFactory(notify_by_email=False))
    assert notifications_deliver(notification_ids=[first.pk]) == 1
    # When a migration adds a column to the table while that connection lives
    with connection.cursor() as cursor:
        # (the rows' deferred foreign-key checks first: ALTER TABLE refuses to run before them)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE coordination_notification ADD COLUMN added_later integer")
    # Then the next claim on it still delivers (`RETURNING *` would change the prepared
    # statement's result, which PostgreSQL refuses)
    second = NotificationFactory(recipient=UserFactory(notify_by_email=False))
    assert notifications_deliver(notification_ids=[second.pk]) == 1


@pytest.mark.django_db
def test_a_batch_delivers_only_what_no_other_worker_holds(sms_file):
    # Given an event's notifications: one by e-mail and SMS, one in-app, one another worker
    # holds, one delivered already
    by_mail = NotificationFactory(
        recipient=UserFactory(notify_by_email=True, notify_by_sms=True, phone="+4742222222")
    )
    in_app = NotificationFactory(recipient=UserFactory(notify_by_email=False))
    held = NotificationFactory(
        recipient=UserFactory(notify_by_email=True),
        claimed_until=timezone.now() + timedelta(minutes=1),
    )
    done = NotificationFactory(recipient=UserFactory(), delivered_at=timezone.now())
    ids = [by_mail.pk, in_app.pk, held.pk, done.pk]
    # When the batch is delivered twice (a re-run of the task)
    assert notifications_deliver(notification_ids=ids) == 2
    assert notifications_deliver(notification_ids=ids) == 0
    # Then the e-mail and the SMS went out once, and only the two free rows were delivered
    assert [message.to for message in mail.outbox] == [[by_mail.recipient.email]]
    assert len(sms_file.read_text().splitlines()) == 1
    by_mail.refresh_from_db()
    assert by_mail.channels_done == ["email", "sms"] and by_mail.delivered_at is not None
    assert set(
        Notification.objects.filter(delivered_at__isnull=False).values_list("pk", flat=True)
    ) == {by_mail.pk, in_app.pk, done.pk}
    held.refresh_from_db()
    assert held.delivery_attempts == 0


@pytest.mark.django_db(transaction=True)
def test_created_in_a_transaction_and_delivered_by_a_real_worker_after_commit(celery_worker):
    person = UserFactory(notify_by_email=True)
    with transaction.atomic():
        notification = notification_create(
            recipient=person, kind=consent_notifications.CONSENT_REQUESTED, case_id=1
        )
    assert wait_until(lambda: Notification.objects.get(pk=notification.pk).delivered_at is not None)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_event_sends_nothing(celery_worker):
    person = UserFactory(notify_by_email=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_create(recipient=person, kind=consent_notifications.ENTRY_RECEIVED)
        raise RuntimeError("the event failed")
    time.sleep(0.5)
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sweep_leaves_fresh_and_delivered_rows_alone():
    fresh = NotificationFactory()
    delivered = NotificationFactory(
        created=timezone.now() - timedelta(hours=1), delivered_at=timezone.now()
    )
    assert fresh.pk and delivered.pk
    assert notifications_sweep() == 0
