"""A worker's pool process keeps its database connection from task to task (coordination/celery.py),
as gunicorn's workers do from request to request: a delivery does not fork and authenticate a new
PostgreSQL backend."""

import pytest
from django.db import connection, transaction

from consent import notifications as consent_notifications
from coordination.models import Notification
from coordination.services import notification_create
from tests.factories import UserFactory
from tests.waiting import wait_until

from .test_notification_reliability import purge_stale_tasks, worker_process

pytestmark = pytest.mark.django_db(transaction=True)


def other_backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_a_pool_process_delivers_task_after_task_over_one_connection(tmp_path):
    person = UserFactory()
    purge_stale_tasks()
    worker = worker_process(tmp_path, pool="--concurrency=1")
    seen = []
    try:
        for n in range(3):
            with transaction.atomic():
                notification = notification_create(
                    recipient=person,
                    kind=consent_notifications.ENTRY_RECEIVED,
                    target_url=f"/notifications/#n{n}",
                )
            delivered = Notification.objects.filter(pk=notification.pk, delivered_at__isnull=False)
            assert wait_until(delivered.exists, timeout=60)
            seen.append(other_backends())
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    # Celery closed it after each task: no backend of the worker's left between deliveries.
    assert seen[0] and seen == [seen[0]] * 3, seen
