"""The demo seeded once into the test databases' template, not once in each test database.

The demo was seeded through the ORM (~1,900 statements, ~2.5 s of CPU) by each pytest-xdist
worker's first browser test that asked for it (tests/e2e/conftest.py, DemoCopy: 39-55 s a worker
at the start of a loaded run) and, for the other tests, once for every run of consecutive tests
that asked for it (tests/conftest.py, demo_once: ~35 times a suite run). scripts/test_template.py
now makes, from the migrated template, one that also holds the seeded demo's rows: `make()`
seeds it there as a browser test would, records it in the schema e2e_demo (tests/db_reset.py)
and then sets every Django table and sequence back to what the migrations left, so a test
database copied from it starts exactly as one copied from the migrated template. A test
database adopts the record when it was seeded for today: the browser tests load it as their copy,
and demo_once restores it inside its transaction instead of seeding.
"""

import io
import os

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from coordination.celery import app as celery_app
from coordination.models import User
from tests.db_reset import TableSnapshot

DEMO_COPY_SCHEMA = "e2e_demo"
# The day and time zone the record was seeded for (the demo's dates count from that day), when,
# and the sequences' values after the seed, which a test database adopting the record takes.
SEEDED_SCHEMA = "e2e_demo_seeded"
# The migrated state, recorded while the template is made.
_MIGRATED_SCHEMA = "e2e_demo_migrated"
# The demo's password in the browser tests (conftest.py, demo).
DEMO_PASSWORD = "demo"


def seed_and_record(snapshot: TableSnapshot) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    snapshot.take()


def adopt_seeded(snapshot: TableSnapshot) -> bool:
    """Adopts into `snapshot` the record of the demo the template was made with, when there is one
    seeded for today; otherwise (no such template, or the day changed since) returns False."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{SEEDED_SCHEMA}.day"])
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute(f"SELECT day FROM {SEEDED_SCHEMA}.day")
        if cursor.fetchone()[0] != timezone.localdate():
            return False
        # As after the seed in this database: the ids a test writes come after the demo's rows.
        cursor.execute(
            "SELECT setval(seeded.name::regclass, GREATEST(seeded.last_value, now.last_value))"
            f" FROM {SEEDED_SCHEMA}.sequences seeded JOIN pg_sequences now"
            " ON seeded.name = quote_ident(now.schemaname) || '.' || quote_ident(now.sequencename)"
            " WHERE seeded.last_value IS NOT NULL"
        )
    snapshot.adopt()
    return True


def restore_with_password(snapshot: TableSnapshot, password: str) -> None:
    """Makes the tables hold the adopted demo with `password` for its personas instead of
    DEMO_PASSWORD, as seed_demo with that password would (one hash every persona shares)."""
    snapshot.restore()
    # The content types' ids are the record's now.
    ContentType.objects.clear_cache()
    User.objects.update(password=make_password(password))


def _sequences(cursor) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value"
        " FROM pg_sequences WHERE schemaname = 'public'"
    )
    return cursor.fetchall()


def make() -> None:
    """Seeds and records the demo in the database of DATABASE_URL, a copy of the migrated
    template (scripts/test_template.py), and leaves its tables and sequences as migrated."""
    migrated = TableSnapshot(connection, _MIGRATED_SCHEMA)
    migrated.take()
    with connection.cursor() as cursor:
        before = _sequences(cursor)
    today = timezone.localdate()
    # The settings of a browser test (pytest-django's and tests/conftest.py's autouse fixtures).
    with override_settings(
        DEBUG=False,
        SAMMEN_DEMO_PASSWORD=DEMO_PASSWORD,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SAMMEN_SMS_FILE_PATH=os.devnull,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        seed_and_record(TableSnapshot(connection, DEMO_COPY_SCHEMA))
    # The seed queued its notifications' delivery; no worker ever runs on this database, and a
    # test's worker would deliver the rows of its own database that have these ids.
    celery_app.control.purge()
    with connection.cursor() as cursor:
        after = _sequences(cursor)
        cursor.execute(
            f"CREATE SCHEMA {SEEDED_SCHEMA};"
            f" CREATE TABLE {SEEDED_SCHEMA}.day"
            " (day date, time_zone text, seeded_at timestamptz DEFAULT now());"
            f" CREATE TABLE {SEEDED_SCHEMA}.sequences (name text, last_value bigint)"
        )
        cursor.execute(
            f"INSERT INTO {SEEDED_SCHEMA}.day (day, time_zone) VALUES (%s, %s)",
            [today, settings.TIME_ZONE],
        )
        cursor.executemany(f"INSERT INTO {SEEDED_SCHEMA}.sequences VALUES (%s, %s)", after)
    migrated.restore()
    with connection.cursor() as cursor:
        for name, last_value in before:
            cursor.execute(
                "SELECT setval(%s, %s, %s)", [name, last_value or 1, last_value is not None]
            )
        cursor.execute(f"DROP SCHEMA {_MIGRATED_SCHEMA} CASCADE")
