"""The API's rate limits (settings: REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]).

DRF's own classes, with two changes: the rates are read from settings.SAMMEN_THROTTLE_RATES at
each request (DRF copies its rates once, at import, so an override would never reach it), a Redis
that does not answer lets the request through, and counting is one Redis call a request (a script,
`_RateFromSettings.allow_request`) instead of DRF's read then write. The counters are a guard
against floods, not a lock: PostgreSQL holds everything that matters, and the portal keeps working
without Redis (notifications wait in the outbox meanwhile). Scopes: "anon" per IP address for
calls without credentials, "user" per person, and the stricter scopes that views name with
`throttle_scope`: "token" (the token exchange) and "invitation" (inviting, opening a case: each
sends a link; pages that do the same count in the same scope through `page_throttle_wait`).
"""

import functools
import logging
import math
import os
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext
from redis import Redis
from redis.commands.core import Script
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request

logger = logging.getLogger(__name__)


# DRF's sliding window, done in Redis in one call: drop the times that left the window, refuse
# when the rest fill it, else add this one. Answers {allowed, how many in the window, the oldest}.
# Atomic, so two requests at once cannot both take the last place (DRF's get-then-set can).
_WINDOW = """
local cutoff = tonumber(ARGV[1]) - tonumber(ARGV[2])
while true do
    local oldest = redis.call('LINDEX', KEYS[1], -1)
    if not oldest or tonumber(oldest) > cutoff then break end
    redis.call('RPOP', KEYS[1])
end
local count = redis.call('LLEN', KEYS[1])
if count >= tonumber(ARGV[3]) then
    return {0, count, redis.call('LINDEX', KEYS[1], -1)}
end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])))
return {1, count + 1, redis.call('LINDEX', KEYS[1], -1)}
"""


@functools.lru_cache(maxsize=4)
def _window_script(cache_client: Any, pid: int) -> Script:
    """The window script bound to a Redis client that keeps one connection of the cache's pool,
    made once per cache client (per thread: Django keeps a cache object per thread) and process.
    Django's `get_client` builds a new Redis client on every call, and building one (its table
    of ~170 response callbacks) cost more CPU than the round trip itself; a client that keeps
    its connection also skips taking one from the pool and giving it back (a lock, a poll of the
    socket, the pool's bookkeeping) on every call. Keyed on the cache client, so settings that
    change CACHES (a new cache object) get their own, and on the process id, so a forked worker
    never writes to its parent's socket."""
    pool = cache_client.get_client(write=True).connection_pool
    return Redis(connection_pool=pool, single_connection_client=True).register_script(_WINDOW)


class _RateFromSettings(throttling.SimpleRateThrottle):
    # Set by SimpleRateThrottle.__init__ from the rate (None: not throttled).
    num_requests: int | None
    duration: int | None

    def get_rate(self) -> str | None:
        return settings.SAMMEN_THROTTLE_RATES.get(self.scope) if self.scope else None

    # `view` untyped: DRF's views import this module while they are being imported.
    def allow_request(self, request: Request, view: Any) -> bool:
        """SimpleRateThrottle.allow_request with the window kept in one Redis list under the
        cache's key prefix; `history` is left as DRF's `wait()` reads it (its length and its
        oldest time)."""
        # parse_rate gives both numbers exactly when there is a rate.
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        key = cache.make_key(f"{self.key}:window")
        args: list[str | int] = [repr(self.now), self.duration, self.num_requests]
        try:
            window = _window_script(cache._cache, os.getpid())  # type: ignore[attr-defined]
            try:
                allowed, count, oldest = window(keys=[key], args=args)
            except RedisConnectionError:
                # The kept connection was closed (Redis restarted, or dropped an idle client):
                # once more, on a new one, so that no call goes uncounted.
                allowed, count, oldest = window(keys=[key], args=args)
        except RedisError:
            logger.warning("API throttling skipped: Redis does not answer")
            return True
        self.history = [float(oldest)] * int(count)
        return bool(allowed)


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
        # As ScopedRateThrottle.allow_request: the scope and its rate come from the view.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return _RateFromSettings.allow_request(self, request, view)


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
