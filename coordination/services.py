import time

import redis
from django.conf import settings
from rest_framework.authtoken.models import Token

from .models import User


def user_set_language(*, user: User, language: str) -> None:
    """Remembers the language a logged-in person chose (validated by the caller's form)."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def api_token_for(*, user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


WORKER_HEARTBEAT_KEY = "sammen:worker-heartbeat"


def worker_heartbeat_record() -> None:
    """Stamps the time a Celery worker last ran a scheduled task (read by /health/)."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    client.set(WORKER_HEARTBEAT_KEY, str(time.time()), ex=24 * 60 * 60)
