"""The audit log: append-only, hash-chained per case (and one chain for the installation),
verifiable chain by chain, with the rows from before the split kept as the legacy chain."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from coordination.models import AuditEvent
from coordination.selectors import audit_chains_verify
from coordination.services import (
    GENESIS_HASH,
    INSTALLATION_CHAIN,
    LEGACY_CHAIN,
    audit_append,
    audit_hash,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def append_three(case_id: int | None = 1) -> list[AuditEvent]:
    actor = UserFactory()
    return [
        audit_append(
            actor=actor,
            action="entry_shared",
            case_id=case_id,
            object_type="disclosure",
            object_id=str(n),
            data={"basis": "consent", "recipients": [n], "category": "health"},
        )
        for n in range(3)
    ]


def legacy_three() -> list[AuditEvent]:
    """Three rows as the single global chain wrote them before the split (chain "")."""
    rows, previous_hash = [], GENESIS_HASH
    for n in range(3):
        event = AuditEvent(
            created=timezone.now(),
            action="entry_shared",
            case_id=1,
            object_type="disclosure",
            object_id=str(n),
            data={"basis": "consent"},
            chain=LEGACY_CHAIN,
            previous_hash=previous_hash,
        )
        event.hash = audit_hash(event, previous_hash)
        event.save()
        rows.append(event)
        previous_hash = event.hash
    return rows


def broken_ids() -> list[int]:
    return [event.pk for event in audit_chains_verify().broken]


def tamper(sql: str, *params: object) -> None:
    """What a database superuser could do: bypass the triggers and change the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def edit(event: AuditEvent) -> None:
    tamper(
        'UPDATE coordination_auditevent SET data = \'{"basis": "agreement"}\' WHERE id = %s',
        event.pk,
    )


def remove(event: AuditEvent) -> None:
    tamper("DELETE FROM coordination_auditevent WHERE id = %s", event.pk)


def swap(first: AuditEvent, second: AuditEvent) -> None:
    """Reorders a chain: the two rows trade places (ids)."""
    move = "UPDATE coordination_auditevent SET id = %s WHERE id = %s"
    tamper(move, -first.pk, first.pk)
    tamper(move, first.pk, second.pk)
    tamper(move, second.pk, -first.pk)


def test_rows_link_to_the_previous_row_of_their_own_chain():
    first, second, third = append_three(case_id=1)
    other = audit_append(actor=None, action="entry_shared", case_id=2)
    fourth = audit_append(actor=None, action="entry_shared", case_id=1)
    outside = audit_append(actor=None, action="user.created")
    assert [first.chain, other.chain, outside.chain] == ["case:1", "case:2", INSTALLATION_CHAIN]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert fourth.previous_hash == third.hash
    # Every new chain starts where the legacy chain ends (here it is empty: the genesis hash).
    assert other.previous_hash == outside.previous_hash == GENESIS_HASH
    report = audit_chains_verify()
    assert (report.rows, report.chains, report.broken) == (6, 3, [])


def test_new_chains_start_from_the_legacy_chains_last_hash():
    legacy = legacy_three()
    case_row = audit_append(actor=None, action="entry_shared", case_id=1)
    outside = audit_append(actor=None, action="user.created")
    assert case_row.previous_hash == outside.previous_hash == legacy[-1].hash
    assert broken_ids() == []


def test_verify_command_reports_an_intact_log():
    legacy_three()
    append_three(case_id=1)
    append_three(case_id=None)
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "intact: 9 rows in 3 chains" in out.getvalue()


def test_the_database_refuses_updates_and_deletes():
    event = append_three()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing_happened")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def four_chains() -> dict[str, list[AuditEvent]]:
    """The legacy chain, two cases' chains and the installation's, three rows each."""
    legacy = legacy_three()
    return {
        "legacy": legacy,
        "case": append_three(case_id=7),
        "other case": append_three(case_id=8),
        "installation": append_three(case_id=None),
    }


@pytest.mark.parametrize("chain", ["legacy", "case", "installation"])
def test_an_edited_row_is_named_and_only_its_chain_breaks(chain):
    rows = four_chains()[chain]
    edit(rows[1])
    assert broken_ids() == [rows[1].pk]
    with pytest.raises(CommandError, match=f"broken at row {rows[1].pk} ") as error:
        call_command("verify_audit_chain", stdout=io.StringIO())
    assert str(error.value).count("broken") == 1


@pytest.mark.parametrize("chain", ["legacy", "case", "installation"])
def test_a_removed_row_breaks_its_chain_at_the_next_one(chain):
    rows = four_chains()[chain]
    remove(rows[1])
    assert broken_ids() == [rows[2].pk]


@pytest.mark.parametrize("chain", ["legacy", "case", "installation"])
def test_a_reordered_row_breaks_its_chain_where_the_order_changed(chain):
    rows = four_chains()[chain]
    swap(rows[0], rows[1])
    # The first place now holds the second row, which links to a row that is not before it.
    (broken,) = audit_chains_verify().broken
    assert (broken.pk, broken.object_id) == (rows[0].pk, rows[1].object_id)


def test_every_broken_chain_is_named_with_its_first_broken_row():
    chains = four_chains()
    edit(chains["case"][0])
    edit(chains["case"][2])
    remove(chains["installation"][1])
    assert sorted(broken_ids()) == sorted([chains["case"][0].pk, chains["installation"][2].pk])
    with pytest.raises(CommandError) as error:
        call_command("verify_audit_chain", stdout=io.StringIO())
    message = str(error.value)
    assert f"case:7 broken at row {chains['case'][0].pk} " in message
    assert f"installation broken at row {chains['installation'][2].pk} " in message
    assert message.count("broken") == 2


def test_a_row_moved_into_another_cases_chain_is_named():
    chains = four_chains()
    moved = chains["case"][2]
    tamper("UPDATE coordination_auditevent SET chain = 'case:8' WHERE id = %s", moved.pk)
    # The tail of case 7 is gone (undetectable on its own, see the next test); in case 8's chain
    # the row does not belong: it is case 7's.
    assert broken_ids() == [moved.pk]


def test_the_legacy_chains_tail_is_vouched_for_by_every_new_chain():
    chains = four_chains()
    remove(chains["legacy"][2])
    assert sorted(broken_ids()) == sorted(
        [chains["case"][0].pk, chains["other case"][0].pk, chains["installation"][0].pk]
    )


def test_unicode_and_nested_data_hash_the_same_after_a_round_trip():
    audit_append(actor=None, action="rule_added", data={"note": "Skolehelsetjenesten Ø", "n": [1]})
    assert broken_ids() == []


def test_a_removed_tail_shows_against_the_heads_an_earlier_run_recorded(tmp_path):
    heads = tmp_path / "heads.json"
    chains = four_chains()
    call_command("verify_audit_chain", heads=heads, stdout=io.StringIO())
    newest = audit_append(actor=None, action="entry_shared", case_id=7)
    call_command("verify_audit_chain", heads=heads, stdout=io.StringIO())  # records `newest`
    remove(newest)
    remove(chains["installation"][2])
    # The hashes alone cannot show it: what is left of each chain is whole.
    assert broken_ids() == []
    with pytest.raises(CommandError) as error:
        call_command("verify_audit_chain", heads=heads, stdout=io.StringIO())
    message = str(error.value)
    assert f"case:7 lost rows from its end (its recorded last row {newest.pk} is gone)" in message
    gone = chains["installation"][2].pk
    assert f"installation lost rows from its end (its recorded last row {gone} is gone)" in message
    assert message.count("lost rows") == 2


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"case:1": 5}', '{"case:1": ["a", "b"]}'])
def test_a_heads_file_that_is_not_one_is_refused_plainly(tmp_path, text):
    heads = tmp_path / "heads.json"
    heads.write_text(text)
    with pytest.raises(CommandError, match="is not a heads file written by this command"):
        call_command("verify_audit_chain", heads=heads, stdout=io.StringIO())
