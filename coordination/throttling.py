"""The API's rate limits (settings: REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]).

DRF's own classes, with two changes: the rates are read from settings.SAMMEN_THROTTLE_RATES at
each request (DRF copies its rates once, at import, so an override would never reach it), and a
Redis that does not answer lets the request through. The counters are a guard against floods,
not a lock: PostgreSQL holds everything that matters, and the portal keeps working without Redis
(notifications wait in the outbox meanwhile). Scopes: "anon" per IP address for calls without
credentials, "user" per person, and the stricter scopes that views name with `throttle_scope`:
"token" (the token exchange) and "invitation".
"""

import logging
from typing import Any

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request

logger = logging.getLogger(__name__)


class _RateFromSettings(throttling.SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return settings.SAMMEN_THROTTLE_RATES.get(self.scope) if self.scope else None

    # `view` untyped: DRF's views import this module while they are being imported.
    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError:
            logger.warning("API throttling skipped: Redis does not answer")
            return True


class AnonThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    pass


class UserThrottle(_RateFromSettings, throttling.UserRateThrottle):
    pass


class ScopedThrottle(_RateFromSettings, throttling.ScopedRateThrottle):
    pass
