"""The template every test database is copied from (scripts/test_template.py) holds the browser
tests' seeded demo aside (tests/demo_template.py) and is otherwise the migrated template:
every Django table's rows and every sequence as the migrations left them, so no test sees the
demo unless it loads it."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from cases.models import Case
from coordination.models import User

from .cases.conftest import seed
from .conftest import _demo_record
from .demo_template import restore_with_password
from .factories import PASSWORD

SEEDED_TEMPLATE = settings.DATABASES["default"].get("TEST", {}).get("TEMPLATE", "")


@contextmanager
def copy_of(template: str) -> Iterator[psycopg2.extensions.cursor]:
    """A cursor on a new copy of `template`: a connection to the template itself would stop
    another worker from copying it into its test database at that moment."""
    server = settings.DATABASES["default"]
    options = {
        "host": server["HOST"],
        "port": server["PORT"],
        "user": server["USER"],
        "password": server["PASSWORD"],
    }
    name = f"{template}_read"
    admin = psycopg2.connect(dbname="postgres", **options)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        database = psycopg2.connect(dbname=name, **options)
        try:
            with database.cursor() as cursor:
                yield cursor
        finally:
            database.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}"')
        admin.close()


def public_state(cursor: psycopg2.extensions.cursor) -> dict[str, list[object]]:
    """Every row of every table of the schema public, and every sequence's value."""
    cursor.execute(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    state: dict[str, list[object]] = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t ORDER BY 1")
        state[table] = [row for (row,) in cursor.fetchall()]
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
    )
    state["sequences"] = cursor.fetchall()
    return state


@pytest.mark.skipif("_demo_" not in SEEDED_TEMPLATE, reason="SAMMEN_TEST_TEMPLATE not given")
def test_the_template_is_the_migrated_one_with_the_seeded_demo_aside():
    migrated = SEEDED_TEMPLATE.rpartition("_demo_")[0]
    with copy_of(migrated) as cursor:
        expected = public_state(cursor)
    with copy_of(SEEDED_TEMPLATE) as cursor:
        assert public_state(cursor) == expected
        cursor.execute("SELECT count(*) FROM e2e_demo.coordination_user")
        assert cursor.fetchone()[0] >= 10
        cursor.execute("SELECT count(*) FROM e2e_demo.cases_case")
        assert cursor.fetchone()[0] >= 2
    assert expected["sequences"], "no sequence compared"
    assert expected["auth_permission"], "the migrated state has the permissions post_migrate made"


def table_rows() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"(SELECT count(*) FROM {quote(table)})" for table in tables)
        )
        return dict(zip(tables, cursor.fetchone(), strict=True))


def the_demo() -> dict[str, object]:
    """What the tests of the demo read of it, beside how many rows each table has."""
    return {
        "rows": table_rows(),
        "users": sorted(User.objects.values_list("username", "email", "first_name")),
        "cases": sorted(Case.objects.values_list("title", "youth__username", "status")),
        "sara signs in": User.objects.get(username="sara").check_password(PASSWORD),
    }


@pytest.mark.skipif("_demo_" not in SEEDED_TEMPLATE, reason="SAMMEN_TEST_TEMPLATE not given")
@pytest.mark.django_db
def test_the_demo_restored_from_the_template_is_the_one_the_seed_makes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with transaction.atomic():
        seed(settings)
        seeded = the_demo()
        transaction.set_rollback(True)
    record = _demo_record()
    assert record is not None
    with transaction.atomic():
        restore_with_password(record, PASSWORD)
        restored = the_demo()
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()
    assert restored == seeded
    assert seeded["sara signs in"]
    assert seeded["rows"]["services_registry_service"] > 0


# The two tests below run in this order in one process: the demo restored from the record inside
# demo_once's transaction is gone for the next test.


def test_a_test_of_the_demo_restored_from_the_template(demo_once, db):
    assert User.objects.get(username="sara").check_password(PASSWORD)


@pytest.mark.django_db
def test_the_test_after_the_demo_sees_none_of_it():
    assert not User.objects.exists()
    assert not Case.objects.exists()
