"""The session store (settings.SESSION_ENGINE): Django's database store, with the read every
signed-in request makes compiled once a process (coordination.statements) instead of built by
the ORM on each request: ~6 % of a small page's Python (benchmarks/README.md). The same row,
table and expiry rule; writing, creating and deleting sessions are Django's own."""

from datetime import UTC, datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from .statements import CompiledRead, Slot


def _session(*, session_key: str, now: datetime) -> QuerySet[Session, Any]:
    """The session `session_key` if it has not expired at `now` (as Django's store reads it)."""
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_SESSION = CompiledRead(
    _session,
    session_key=Slot("-a-", "-b-"),
    now=Slot(datetime(1901, 1, 1, tzinfo=UTC), datetime(1902, 2, 2, tzinfo=UTC)),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        rows = _SESSION(session_key=self.session_key, now=timezone.now())
        if rows:
            return rows[0]
        # What Django's store does for a key that is unknown or expired: a new session.
        self._session_key = None
        return None
