"""The session store (settings.SESSION_ENGINE): Django's database store, with the read and the
write every signed-in request makes (SESSION_SAVE_EVERY_REQUEST: the idle timeout) sent as
statements prepared once a connection (coordination.statements) instead of built by the ORM on
each request: together ~14 % of a small page's Python (benchmarks/README.md). The same row,
table, columns and expiry rule; creating and deleting sessions are Django's own."""

from datetime import UTC, datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .statements import CompiledRead, Prepared, Slot


def _session(*, session_key: str, now: datetime) -> QuerySet[Session, Any]:
    """The session `session_key` if it has not expired at `now` (as Django's store reads it)."""
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_SESSION = CompiledRead(
    _session,
    session_key=Slot("-a-", "-b-"),
    now=Slot(datetime(1901, 1, 1, tzinfo=UTC), datetime(1902, 2, 2, tzinfo=UTC)),
)

# What Model.save(force_update=True) sends for a session, Django's store's save of a session
# that exists.
_UPDATE = Prepared(
    'UPDATE "django_session" SET "session_data" = %s, "expire_date" = %s'
    ' WHERE "django_session"."session_key" = %s'
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        rows = _SESSION(session_key=self.session_key, now=timezone.now())
        if rows:
            return rows[0]
        # What Django's store does for a key that is unknown or expired: a new session.
        self._session_key = None
        return None

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create=must_create)
            return
        # Django's save: the data encoded, the expiry from it, in a savepoint; no row is an
        # UpdateError (the session was deleted meanwhile: SessionMiddleware refuses the request).
        params = (self.encode(dict(self.items())), self.get_expiry_date(), self.session_key)
        connection = connections[router.db_for_write(self.model)]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(_UPDATE.statement(connection, params), params)
            updated = cursor.rowcount
        if not updated:
            raise UpdateError
