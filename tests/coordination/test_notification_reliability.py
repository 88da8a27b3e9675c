"""Redis down or a worker killed: notifications are delayed, never lost, not sent twice.

The one honest exception: the single channel send that is in flight when a worker is SIGKILLed
(already handed to the mail or SMS system, not yet recorded) is repeated after the restart, with
the same Message-ID so mail systems can drop the copy. Everything else is exactly once.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from consent import notifications as consent_notifications
from coordination.celery import app
from coordination.models import Notification
from coordination.services import notification_create, notifications_sweep
from tests.factories import UserFactory
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def redis_port() -> int:
    return urlparse(settings.REDIS_URL).port or 6379


def stop_redis() -> None:
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(redis_port()), "shutdown", "nosave"],
        capture_output=True,
        check=False,
    )


def start_redis() -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "services.sh"), "redis-up"],
        env={**os.environ, "SAMMEN_REDIS_PORT": str(redis_port())},
        check=True,
        capture_output=True,
    )


@pytest.mark.serial  # stops Redis
def test_redis_down_delays_but_loses_nothing(request):
    # Given Redis is stopped
    person = UserFactory(notify_by_email=True)
    stop_redis()
    request.addfinalizer(start_redis)
    # When events happen, they succeed at once and their notifications wait in the outbox
    started = time.monotonic()
    for _ in range(3):
        with transaction.atomic():
            notification_create(recipient=person, kind=consent_notifications.ENTRY_RECEIVED)
    assert time.monotonic() - started < 10
    assert Notification.objects.filter(delivered_at__isnull=True).count() == 3
    assert notifications_sweep(grace=timedelta(0)) == 0  # the broker is still down
    # Then, once Redis is back, the sweep hands them to a real worker: each is sent exactly once
    start_redis()
    purge_stale_tasks()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        assert notifications_sweep(grace=timedelta(0)) == 3
        assert wait_until(lambda: not Notification.objects.filter(delivered_at=None).exists())
        # A second sweep finds nothing to do, and a duplicate enqueue is harmless.
        assert notifications_sweep(grace=timedelta(0)) == 0
    assert len(mail.outbox) == 3


def purge_stale_tasks() -> None:
    """Tasks left in the queue by earlier tests refer to rows that no longer exist; drop them."""
    app.control.purge()


def worker_process(tmp_path: Path, pool: str = "--pool=solo") -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        # django-environ drops one leading slash of the path: four slashes for an absolute one.
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "SAMMEN_SMS_BACKEND": "coordination.sms.FileSmsBackend",
        "SAMMEN_SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "NOTIFICATION_CLAIM_SECONDS": "2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coordination",
            "worker",
            pool,
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_worker_killed_during_delivery_loses_nothing_and_repeats_at_most_the_send_in_flight(
    tmp_path,
):
    # Given many notifications queued for people who want e-mail and SMS
    people = [
        UserFactory(notify_by_email=True, notify_by_sms=True, phone=f"+47400000{n:02d}")
        for n in range(10)
    ]
    total = 600
    purge_stale_tasks()
    with transaction.atomic():
        ids = [
            notification_create(
                recipient=people[n % 10],
                kind=consent_notifications.ENTRY_RECEIVED,
                target_url=f"/notifications/#n{n}",
            ).pk
            for n in range(total)
        ]
    delivered = Notification.objects.filter(pk__in=ids, delivered_at__isnull=False)
    # When a real worker process is killed (SIGKILL) in the middle of the batch
    worker = worker_process(tmp_path)
    try:
        assert wait_until(lambda: delivered.count() >= 20, timeout=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        assert delivered.count() < total, "the worker finished before it could be killed"
        claims_end = Notification.objects.filter(pk__in=ids, delivered_at=None).aggregate(
            end=Max("claimed_until")
        )["end"]
        # and a new worker starts, with the beat sweep re-enqueueing what is left once the dead
        # worker's claim has run out (NOTIFICATION_CLAIM_SECONDS=2 after it was taken)
        worker = worker_process(tmp_path)
        assert wait_until(lambda: claims_end is None or timezone.now() > claims_end, timeout=10)
        assert wait_until(
            lambda: (
                notifications_sweep(grace=timedelta(0), batch_size=total) >= 0
                and delivered.count() == total
            ),
            timeout=120,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    # Then every notification went out on each channel, none lost. A send is an outside side
    # effect: only the single send that was in flight at the SIGKILL (handed to the mail system,
    # not yet recorded) can go out a second time, with the same Message-ID for deduplication.
    mails = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    message_ids = Counter(
        line.split("<notification-")[1].split("@")[0]
        for line in mails.splitlines()
        if line.startswith("Message-ID: <notification-")
    )
    assert set(message_ids) == {str(pk) for pk in ids}
    assert sum(message_ids.values()) - total <= 1
    sms_targets = Counter(
        line.split("#n")[1].split('"')[0]
        for line in (tmp_path / "sms.jsonl").read_text().splitlines()
    )
    assert len(sms_targets) == total
    assert sum(sms_targets.values()) - total <= 1
    # and across both channels at most that one send was repeated
    assert sum(message_ids.values()) + sum(sms_targets.values()) - 2 * total <= 1
