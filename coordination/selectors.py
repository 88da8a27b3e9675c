import time

import redis
from django.conf import settings
from django.db import DatabaseError, connection

from .services import WORKER_HEARTBEAT_KEY

# Beat schedules the heartbeat every minute; three missed beats mean the worker or beat is gone.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = 180


def service_health() -> dict[str, str]:
    """What answers right now.

    {"database": "ok"|"down", "redis": "ok"|"down", "worker": "ok"|"stale"|"unknown"}.
    The worker state is informative: a stopped worker delays notifications (the outbox keeps
    them) but does not make the portal unhealthy.
    """
    health = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        health["database"] = "ok"
    except DatabaseError:
        health["database"] = "down"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        last_beat = client.get(WORKER_HEARTBEAT_KEY)
        health["redis"] = "ok"
        if last_beat is None:
            health["worker"] = "unknown"
        elif time.time() - float(last_beat) <= WORKER_HEARTBEAT_MAX_AGE_SECONDS:
            health["worker"] = "ok"
        else:
            health["worker"] = "stale"
    except redis.RedisError:
        health["redis"] = "down"
        health["worker"] = "unknown"
    return health
