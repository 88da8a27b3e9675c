"""The split into chains keeps the rows written before it verifiable as they are: the migration
adds `chain` without touching a row (the append-only trigger would refuse an UPDATE), the rows
become the legacy chain, and the first row of a new chain links to the legacy chain's end."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from coordination.models import AuditEvent
from coordination.selectors import audit_chains_verify
from coordination.services import GENESIS_HASH, audit_append, audit_hash

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("coordination", "0011_preferred_language_nynorsk")]
AFTER = [("coordination", "0012_audit_chain_per_case")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def old_rows() -> str:
    """Three rows as the single global chain wrote them, into the table as it was. Returns the
    last hash."""
    previous_hash = GENESIS_HASH
    with connection.cursor() as cursor:
        for case_id in (1, 2, None):
            event = AuditEvent(
                created=timezone.now(),
                action="entry.shared",
                case_id=case_id,
                object_type="disclosure",
                object_id="1",
                data={"basis": "rule"},
                previous_hash=previous_hash,
            )
            event.hash = audit_hash(event, previous_hash)
            cursor.execute(
                "INSERT INTO coordination_auditevent (created, action, case_id, object_type,"
                " object_id, data, previous_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    event.created,
                    event.action,
                    event.case_id,
                    event.object_type,
                    event.object_id,
                    json.dumps(event.data),
                    event.previous_hash,
                    event.hash,
                ],
            )
            previous_hash = event.hash
    return previous_hash


def test_rows_from_before_the_split_stay_verifiable_as_the_legacy_chain():
    migrate(BEFORE)
    try:
        legacy_head = old_rows()
    finally:
        migrate(AFTER)
    assert list(AuditEvent.objects.values_list("chain", flat=True)) == ["", "", ""]
    report = audit_chains_verify()
    assert (report.rows, report.chains, report.broken) == (3, 1, [])

    case_row = audit_append(actor=None, action="entry.shared", case_id=1)
    outside = audit_append(actor=None, action="user.created")
    assert case_row.previous_hash == outside.previous_hash == legacy_head
    report = audit_chains_verify()
    assert (report.rows, report.chains, report.broken) == (5, 3, [])
