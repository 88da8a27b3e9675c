"""/health/ says which of PostgreSQL and Redis is down."""

import time

import pytest
import redis
from django.conf import settings

from coordination.tasks import record_worker_heartbeat

pytestmark = pytest.mark.django_db


def test_health_reports_both_services_up(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == "ok"


def test_health_names_redis_when_it_is_down(client, settings):
    # Given a Redis address where nothing listens
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "redis": "down",
        "worker": "unknown",
    }


def test_health_shows_worker_heartbeat_from_a_real_worker(celery_worker, client):
    # Given no heartbeat yet
    redis.Redis.from_url(settings.REDIS_URL).delete("sammen:worker-heartbeat")
    assert client.get("/health/").json()["worker"] == "unknown"
    # When a real worker runs the scheduled heartbeat task
    record_worker_heartbeat.delay()
    for _ in range(100):
        if client.get("/health/").json()["worker"] == "ok":
            break
        time.sleep(0.1)
    # Then health sees a live worker
    assert client.get("/health/").json()["worker"] == "ok"
