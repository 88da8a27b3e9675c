"""The audit log: append-only, hash-chained, verifiable."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from coordination.models import AuditEvent
from coordination.selectors import audit_chain_first_broken
from coordination.services import GENESIS_HASH, audit_append
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def append_three():
    actor = UserFactory()
    return [
        audit_append(
            actor=actor,
            action="entry_shared",
            case_id=1,
            object_type="disclosure",
            object_id=str(n),
            data={"basis": "consent", "recipients": [n], "category": "health"},
        )
        for n in range(3)
    ]


def test_rows_link_to_the_previous_one():
    first, second, third = append_three()
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert audit_chain_first_broken() is None


def test_verify_command_reports_an_intact_chain():
    append_three()
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "intact: 3 rows" in out.getvalue()


def test_the_database_refuses_updates_and_deletes():
    event = append_three()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing_happened")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def tamper(sql: str, event_id: int) -> None:
    """What a database superuser could do: bypass the triggers and change the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, [event_id])
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_an_edited_row_is_named_by_the_verifier():
    _, second, _ = append_three()
    tamper(
        'UPDATE coordination_auditevent SET data = \'{"basis": "agreement"}\' WHERE id = %s',
        second.pk,
    )
    assert audit_chain_first_broken().pk == second.pk
    with pytest.raises(CommandError, match=f"row {second.pk}"):
        call_command("verify_audit_chain", stdout=io.StringIO())


def test_a_removed_row_breaks_the_chain_at_the_next_one():
    _, second, third = append_three()
    tamper("DELETE FROM coordination_auditevent WHERE id = %s", second.pk)
    assert audit_chain_first_broken().pk == third.pk


def test_unicode_and_nested_data_hash_the_same_after_a_round_trip():
    audit_append(actor=None, action="rule_added", data={"note": "Skolehelsetjenesten Ø", "n": [1]})
    assert audit_chain_first_broken() is None
