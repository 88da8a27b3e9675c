import os
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from rest_framework.test import APIClient

from coordination.celery import app as celery_app

from .factories import UserFactory

# Redis has databases 0-15 unless configured otherwise.
REDIS_DATABASES = 16


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Under pytest-xdist each worker gets its own Redis database, as pytest-django gives it its
    own PostgreSQL database (test_sammen_gw0, test_sammen_gw1): the real Celery worker of one
    pytest process must never take a task that another enqueued, which names rows of the other's
    database. Worker gwN uses the database of REDIS_URL plus N (1 and 2 under scripts/test.sh).

    pytest-django has loaded the settings before any conftest, so they are changed in place: the
    Celery app reads CELERY_BROKER_URL from them when first used (checked below), and the
    environment carries the URL to the processes the tests start (a Celery worker, manage.py).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    parts = urlsplit(settings.REDIS_URL)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(f"xdist worker {worker} would need Redis database {database}")
    url = parts._replace(path=f"/{database}").geturl()
    os.environ["REDIS_URL"] = settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    # The throttles' counters too: two workers' tests share 127.0.0.1 and user ids.
    settings.CACHES["default"]["LOCATION"] = url
    assert celery_app.conf.broker_url == url, "the Celery app read its broker URL too early"


def pytest_runtest_setup(item):
    # A serial test stops Redis, which every worker uses: scripts/test.sh runs them alone.
    if item.get_closest_marker("serial") and os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.fail("a `serial` test must not run under pytest-xdist (-n 0)", pytrace=False)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; nothing here tests the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _roomy_throttle_rates(settings):
    """Throttling stays on, counted in the real Redis, with rates no test reaches by accident:
    the whole suite calls from 127.0.0.1 as a few personas. tests/coordination/test_throttling.py
    sets the real rates back where it tests them."""
    settings.SAMMEN_THROTTLE_RATES = dict.fromkeys(settings.SAMMEN_THROTTLE_RATES, "100000/min")


@pytest.fixture(autouse=True)
def _sms_to_tmp_path(settings, tmp_path):
    # In DEBUG an SMS is a line in a file; a test's never lands in the shared .data/.
    settings.SAMMEN_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the real Redis.

    Tasks see committed data only, hence transactional_db.
    """
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    # Tasks left in the queue by earlier tests point at rows that were rolled back.
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
