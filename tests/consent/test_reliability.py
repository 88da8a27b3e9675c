"""Redis down: writing and sharing still succeed at once, notifications wait in the outbox, and
the sweep delivers each exactly once when Redis is back (real Redis, real worker)."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from coordination.celery import app
from coordination.models import Notification
from coordination.services import notifications_sweep
from coordination.tasks import deliver
from tests.cases.conftest import seeded
from tests.coordination.test_notification_reliability import (
    purge_stale_tasks,
    start_redis,
    stop_redis,
    wait_until,
)

from .helpers import as_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.serial  # stops Redis
def test_posting_and_sharing_work_with_redis_down(request, settings):
    demo = seeded(settings)
    nurse, sara = as_user(demo["helsesykepleier"]), as_user(demo["sara"])
    Notification.objects.all().delete()
    # Given Redis is stopped
    stop_redis()
    request.addfinalizer(start_redis)
    started = time.monotonic()
    # When the nurse writes and shares, and Sara approves
    entry = nurse.post(
        f"/api/v1/cases/{demo.sara_case.pk}/entries/",
        {"kind": "note", "category": "health", "title": "Under Redis-stans"},
        format="json",
    )
    assert entry.status_code == 201
    asked = nurse.post(
        f"/api/v1/entries/{entry.json()['id']}/share/",
        {"recipients": [demo["laerer"].pk], "purpose": "Tilrettelegging."},
        format="json",
    )
    assert asked.status_code == 202
    approved = sara.post(
        f"/api/v1/consent-requests/{asked.json()['consent_request']['id']}/approve/"
    )
    assert approved.status_code == 200
    # Then nothing waited on the broker, and the teacher can read at once
    assert time.monotonic() - started < 10
    assert as_user(demo["laerer"]).get(f"/api/v1/entries/{entry.json()['id']}/").status_code == 200
    pending = Notification.objects.filter(delivered_at__isnull=True)
    # Sara asked, the nurse told, the teacher told (Sara is not told of her own approval)
    assert pending.count() == Notification.objects.count() == 3
    assert notifications_sweep(grace=timedelta(0)) == 0

    # When Redis is back, the sweep hands them to a real worker: each delivered once
    start_redis()
    purge_stale_tasks()
    mail.outbox.clear()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        assert notifications_sweep(grace=timedelta(0)) == 3
        assert wait_until(lambda: not pending.exists())
        assert notifications_sweep(grace=timedelta(0)) == 0
    assert len(mail.outbox) == 3
    assert all("Under Redis-stans" not in message.body for message in mail.outbox)


def test_share_notifications_reach_the_worker_after_commit(celery_worker, settings):
    # Given a running worker and Redis
    demo = seeded(settings)
    Notification.objects.all().delete()
    mail.outbox.clear()
    nurse = as_user(demo["helsesykepleier"])
    entry = nurse.post(
        f"/api/v1/cases/{demo.sara_case.pk}/entries/",
        {"kind": "plan", "category": "school", "title": "Plan for våren"},
        format="json",
    ).json()
    # When the nurse shares under Sara's standing rule
    response = nurse.post(
        f"/api/v1/entries/{entry['id']}/share/",
        {"recipients": [demo["laerer"].pk, demo["bup"].pk]},
        format="json",
    )
    assert response.status_code == 201
    # Then Sara and both recipients are notified by the worker, without the sweep
    assert wait_until(
        lambda: Notification.objects.filter(delivered_at__isnull=False).count() == 3, timeout=20
    )
    assert sorted(Notification.objects.values_list("recipient__username", "kind")) == [
        ("bup", "entry_received"),
        ("laerer", "entry_received"),
        ("sara", "entry_shared"),
    ]
    assert all("Plan for våren" not in message.body for message in mail.outbox)


def test_a_share_tells_the_youth_and_every_recipient_through_one_task(celery_worker, settings):
    # Given a running worker and Redis, and a note of the nurse's
    demo = seeded(settings)
    nurse = as_user(demo["helsesykepleier"])
    entry = nurse.post(
        f"/api/v1/cases/{demo.sara_case.pk}/entries/",
        {"kind": "note", "category": "school", "title": "Prøver"},
        format="json",
    ).json()
    # When she shares it with two people under Sara's standing rule
    with mock.patch.object(deliver, "apply_async", wraps=deliver.apply_async) as enqueue:
        response = nurse.post(
            f"/api/v1/entries/{entry['id']}/share/",
            {"recipients": [demo["laerer"].pk, demo["bup"].pk]},
            format="json",
        )
    assert response.status_code == 201
    # Then one task carries the three notifications (Sara's and each recipient's), not three
    told = Notification.objects.filter(entry_id=entry["id"])
    assert enqueue.call_count == 1
    assert sorted(enqueue.call_args.args[0][0]) == sorted(told.values_list("pk", flat=True))
    assert told.count() == 3
    # and the worker delivers every one of them
    assert wait_until(lambda: not told.filter(delivered_at__isnull=True).exists(), timeout=20)
