"""A Celery worker the tests start in a thread of the test process leaves the process's database
settings as they were (tests/conftest.py): connections of later tests' threads close with
their requests and tasks, and the test database can be dropped at the end without waiting."""

from celery.contrib.testing.worker import start_worker
from django.conf import settings

from coordination.celery import app


def test_a_worker_in_a_thread_leaves_the_connection_age_as_configured():
    configured = {alias: db["CONN_MAX_AGE"] for alias, db in settings.DATABASES.items()}
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        pass
    assert {alias: db["CONN_MAX_AGE"] for alias, db in settings.DATABASES.items()} == configured
