"""The browser tests' demo copy (conftest.py, DemoCopy): after whatever a test wrote, the next
test's demo is the seeded one again, row for row, in every table, and no test's rows are kept
in the copy."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case
from coordination.models import User
from coordination.services import audit_append

from .conftest import DEMO_COPY_SCHEMA, DemoCopy, sets_the_copy_back

pytestmark = pytest.mark.django_db(transaction=True)


def tables_unlike_the_copy() -> list[str]:
    quote = connection.ops.quote_name
    differing = []
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            copy = f"{quote(DEMO_COPY_SCHEMA)}.{quote(table)}"
            cursor.execute(f"SELECT * FROM {copy} LIMIT 0")
            columns = ", ".join(quote(column.name) for column in cursor.description)
            cursor.execute(
                f"SELECT EXISTS ((SELECT {columns} FROM {quote(table)} EXCEPT ALL"
                f" SELECT {columns} FROM {copy}) UNION ALL (SELECT {columns} FROM {copy}"
                f" EXCEPT ALL SELECT {columns} FROM {quote(table)}))"
            )
            if cursor.fetchone()[0]:
                differing.append(table)
    return differing


def test_loading_the_copy_undoes_every_write(demo, demo_copy):
    assert tables_unlike_the_copy() == []
    # A test changes, adds and deletes rows, the audit log (append-only, no DELETE) included
    sara = User.objects.get(username="sara")
    with transaction.atomic():
        Case.objects.filter(pk=demo["sara"].pk).update(title="Endret")
        audit_append(actor=sara, action="test.changed")
        User.objects.create(username="ny")
        # (with the object permissions that grant it, by cascade)
        Permission.objects.filter(codename="view_entry").delete()
    assert len(tables_unlike_the_copy()) >= 4
    demo_copy.load()
    assert tables_unlike_the_copy() == []
    assert Case.objects.get(pk=demo["sara"].pk).title != "Endret"


def test_the_flush_before_a_test_is_left_out_only_once_the_copy_is_taken(request, demo, demo_copy):
    # This test loads the demo, as a next test may. Once the copy is taken, loading it sets
    # every table back: the flush before is left out. Before that, the first load seeds on top
    # of what the database holds: the flush must be done.
    assert demo_copy.taken
    assert sets_the_copy_back(request.node, demo_copy)
    assert not sets_the_copy_back(request.node, DemoCopy())


seeded_template = pytest.mark.skipif(
    "_demo_" not in settings.DATABASES["default"].get("TEST", {}).get("TEMPLATE", ""),
    reason="SAMMEN_TEST_TEMPLATE not given",
)


@seeded_template
def test_the_copy_the_template_holds_is_adopted_and_loads_the_demo():
    copy = DemoCopy()
    copy.adopt_seeded()
    assert copy.taken
    copy.load()
    assert tables_unlike_the_copy() == []
    assert User.objects.filter(username="sara").exists()
    # The sequences come after the demo's rows, as after a seed: a test's new rows get new ids.
    assert User.objects.create(username="ny").pk > User.objects.exclude(username="ny").count()


@seeded_template
def test_a_copy_seeded_for_another_day_is_seeded_again():
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        copy = DemoCopy()
        copy.adopt_seeded()
        assert not copy.taken
