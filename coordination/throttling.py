"""The API's rate limits (settings: REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]).

DRF's own classes, with two changes: the rates are read from settings.SAMMEN_THROTTLE_RATES at
each request (DRF copies its rates once, at import, so an override would never reach it), and a
Redis that does not answer lets the request through. The counters are a guard against floods,
not a lock: PostgreSQL holds everything that matters, and the portal keeps working without Redis
(notifications wait in the outbox meanwhile). Scopes: "anon" per IP address for calls without
credentials, "user" per person, and the stricter scopes that views name with `throttle_scope`:
"token" (the token exchange) and "invitation" (inviting, opening a case: each sends a link;
pages that do the same count in the same scope through `page_throttle_wait`).
"""

import logging
import math
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import ngettext
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
    """A view's `throttle_scope` counts its writes only: what the stricter scopes guard against
    is sending (invitations, token guesses), and reading a list on the same view sends nothing."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


def throttled_message(seconds: int) -> str:
    return ngettext(
        "Too many requests. Try again in %(seconds)d second.",
        "Too many requests. Try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def page_throttle_wait(request: HttpRequest, scope: str) -> int | None:
    """For a page form that does what a throttled API endpoint does (invite someone, open a case
    for a new person): None if this request may go on, else the seconds to wait. It counts in the
    same scope and the same counters as the API, so page and API share one limit per person."""
    throttle = ScopedThrottle()
    view = SimpleNamespace(throttle_scope=scope)
    if throttle.allow_request(request, view):  # type: ignore[arg-type]
        return None
    return max(1, math.ceil(throttle.wait() or 0))
