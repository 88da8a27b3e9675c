"""The reset after a transactional test (tests/conftest.py, tests/db_reset.py) leaves the database
as Django's flush does: no row of a test left behind, no row post_migrate makes lost."""

import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TransactionTestCase

from cases.models import Case
from coordination.services import audit_append

from .conftest import _fixture_teardown, flushed_snapshot
from .db_reset import TableSnapshot
from .factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def write_like_a_test() -> None:
    """Rows added in plain tables and in the append-only audit log, and the rows post_migrate
    makes changed, added to and deleted."""
    with transaction.atomic():
        case = CaseFactory()
        audit_append(actor=UserFactory(), action="test.changed", case_id=case.pk)
        Permission.objects.filter(codename="view_entry").update(name="Changed")
        Group.objects.create(name="New").permissions.add(Permission.objects.first())
        # With its permissions (and the groups' links to them), by cascade.
        ContentType.objects.get_by_natural_key("sessions", "session").delete()


def database_state() -> tuple[list[str], dict[str, list[str]]]:
    """The tables that have rows, and every model's rows, by natural key where the model has one:
    a flush gives the content types and permissions post_migrate makes again new ids."""
    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True)
        cursor.execute(
            "SELECT "
            + ", ".join(
                f"EXISTS (SELECT FROM {connection.ops.quote_name(table)})" for table in tables
            )
        )
        filled = sorted(
            table for table, has_rows in zip(tables, cursor.fetchone(), strict=True) if has_rows
        )
    rows = {}
    # The links of many-to-many fields are compared through their models' rows.
    for model in apps.get_models():
        objects = serializers.serialize(
            "python",
            model._base_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        rows[model._meta.label] = sorted(
            json.dumps(
                {
                    name: sorted(value) if isinstance(value, list) else value
                    for name, value in {**obj["fields"], "pk": obj.get("pk")}.items()
                },
                sort_keys=True,
                default=str,
            )
            for obj in objects
        )
    return filled, rows


def flush_as_django_does() -> None:
    call_command(
        "flush", verbosity=0, interactive=False, reset_sequences=False, allow_cascade=False
    )


def test_restoring_the_record_of_a_flush_leaves_what_a_flush_leaves():
    # Given the record of what a flush leaves
    write_like_a_test()
    flush_as_django_does()
    flushed = database_state()
    assert "django_content_type" in flushed[0] and "cases_case" not in flushed[0]
    snapshot = TableSnapshot(connection, "test_db_reset")
    snapshot.take()
    # when a test writes again
    write_like_a_test()
    assert {"cases_case", "coordination_auditevent", "auth_group", "auth_permission"} <= set(
        snapshot.differing()
    )
    assert database_state() != flushed
    # then restoring the record leaves the same rows as a flush
    snapshot.restore()
    assert snapshot.differing() == []
    assert database_state() == flushed
    assert Case.objects.count() == 0


def test_the_teardown_of_every_transactional_test_restores_the_flushed_state():
    assert TransactionTestCase._fixture_teardown is _fixture_teardown
    flush_as_django_does()
    flushed = database_state()
    test_case = TransactionTestCase(methodName="__init__")
    for _ in range(2):  # the first teardown of a process may be the one that takes the record
        write_like_a_test()
        test_case._fixture_teardown()
        assert flushed_snapshot(connection.alias).taken
        assert database_state() == flushed
