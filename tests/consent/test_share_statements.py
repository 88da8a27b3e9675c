"""The share path under load (issue #18 item 3): a share covered by a standing rule asks each
question once under the case lock. The block rule is asked once per share (share and the
disclosure it writes used to ask it twice), the audit append takes no savepoint of its own,
and a legal duty to a blocked person still reaches them and alerts the young person. The entry
is read under the lock with whether anything on the case ran out and whether the young person
chose reading first, and the recipients with whether they receive it already."""

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from cases.models import Entry
from consent.models import Block, Disclosure, SharingRule
from consent.services import block_create, sharing_rule_create
from coordination.models import AuditEvent, Notification
from tests.prepared import statement_text
from tests.referrals.helpers import BUP, refer

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def share_api(user, entry, body):
    return as_user(user).post(f"/api/v1/entries/{entry.pk}/share/", body, format="json")


@contextmanager
def statements():
    """Every statement the block runs (an execute wrapper: CaptureQueriesContext's window is
    off once the connection has logged more than its 9000-entry buffer, as the demo does)."""
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def block_reads(seen: list[str]) -> list[str]:
    """The statements that read the blocks, a compiled read's EXECUTE by what it runs."""
    return [sql for sql in map(statement_text, seen) if f'"{Block._meta.db_table}"' in sql]


def reads_by_table(seen: list[str]) -> Counter[str]:
    """SELECTs by the table of their own FROM (not a subquery's: outside every parenthesis);
    a compiled read's EXECUTE by what it runs."""
    tables: Counter[str] = Counter()
    for sql in map(statement_text, seen):
        if not sql.startswith("SELECT"):
            continue
        depth = 0
        for at, char in enumerate(sql):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and sql.startswith(' FROM "', at):
                tables[sql[at + 7 : sql.index('"', at + 7)]] += 1
                break
    return tables


def test_a_rule_share_reads_the_entry_once_under_the_lock_and_nothing_else_twice(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    sharing_rule_create(case=demo.sara_case, actor=sara, category="school", recipient_user=teacher)
    note = write_entry(demo.sara_case, nurse, category="school", title="Prøveangst")
    # As after the first share of the process: the content type's id is cached.
    ContentType.objects.get_for_model(Entry)
    with statements() as seen:
        response = share_api(nurse, note, {"recipients": [teacher.pk]})
    assert response.status_code == 201, response.json()
    reads = reads_by_table(seen)
    # The view's check, then the check under the lock with what ran out on the case (nothing:
    # no read of rules or disclosures for it) and whether Sara chose reading first; the rules
    # covering the recipients; no read of the active disclosures besides the recipients'
    # (participants, with whether they receive it already); the permission looked up once.
    assert reads["cases_entry"] == 2, seen
    assert reads["consent_sharingrule"] == 1, seen
    assert reads["consent_disclosure"] == 0, seen
    assert reads["consent_readingfirst"] == 0, seen
    assert reads["cases_participant"] == 1, seen
    assert reads["auth_permission"] == 1, seen
    # 16 with the test's savepoint and its release; as the bench counts a share (token auth and
    # COMMIT, no savepoint) 16 too, where it was 20.
    assert len(seen) == 16, seen


def test_a_share_records_what_ran_out_on_the_case_before_it_shares(demo):
    # Sara's one school rule ran out yesterday; the sweep has not run. The nurse's share finds it
    # under the lock, records it (as the sweep would) and asks Sara instead of sharing by it.
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    for open_ended in SharingRule.objects.filter(case=demo.sara_case, category="school"):
        assert as_user(sara).delete(f"/api/v1/sharing-rules/{open_ended.pk}/").status_code == 204
    today = timezone.localdate()
    rule = sharing_rule_create(
        case=demo.sara_case, actor=sara, category="school", recipient_user=teacher, until=today
    )
    note = write_entry(demo.sara_case, nurse, category="school", title="Prøveangst")
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        response = share_api(nurse, note, {"recipients": [teacher.pk], "purpose": "Prøver."})
        assert response.status_code == 202, response.json()
        assert response.json()["status"] == "consent_requested"
    rule.refresh_from_db()
    assert rule.ended_at is not None
    assert AuditEvent.objects.filter(action="rule.expired", object_id=str(rule.pk)).count() == 1
    assert not SharingRule.objects.filter(pk=rule.pk, ended_at__isnull=True).exists()


def test_a_rule_share_reads_the_blocks_once_and_audits_without_a_savepoint(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    sharing_rule_create(case=demo.sara_case, actor=sara, category="school", recipient_user=teacher)
    note = write_entry(demo.sara_case, nurse, category="school", title="Prøveangst")
    with statements() as seen:
        response = share_api(nurse, note, {"recipients": [teacher.pk]})
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "shared"
    assert len(block_reads(seen)) == 1, block_reads(seen)
    # audit_append joins the share's transaction (a savepoint would be two more round trips):
    # the one savepoint is the share's own transaction, nested in the test's
    assert len([sql for sql in seen if sql.startswith("SAVEPOINT")]) == 1, seen
    assert Disclosure.objects.filter(entry=note, recipient=teacher, basis="agreement").exists()


def test_a_share_to_a_blocked_person_is_refused_and_a_legal_duty_alerts_the_youth(demo):
    sara, nurse, bup = demo["sara"], demo["helsesykepleier"], demo["bup"]
    block_create(case_id=demo.sara_case.pk, actor=sara, user=bup)
    note = write_entry(demo.sara_case, nurse, title="Bekymring")
    refused = share_api(nurse, note, {"recipients": [bup.pk], "purpose": "Vurdering."})
    assert refused.status_code == 409 and refused.json()["code"] == "blocked"
    assert not Disclosure.objects.filter(entry=note, recipient=bup).exists()
    with statements() as seen:
        duty = share_api(
            nurse,
            note,
            {
                "recipients": [bup.pk],
                "basis": "legal_duty",
                "justification": "Opplysningsplikt, barnevernsloven § 13-2.",
                "purpose": "Barnevernet må vurdere situasjonen.",
            },
        )
    assert duty.status_code == 201, duty.json()
    assert len(block_reads(seen)) == 1, block_reads(seen)
    assert Disclosure.objects.filter(entry=note, recipient=bup, basis="legal_duty").exists()
    assert Notification.objects.filter(recipient=sara, kind="blocked_share_legal_duty").exists()


def test_a_referral_payload_under_a_legal_duty_reads_the_blocks_once(demo):
    # bup takes BUP's referrals and is blocked: a legal duty reaches them with every entry of
    # the payload, and the young person is alerted for each
    sara, nurse, bup = demo["sara"], demo["helsesykepleier"], demo["bup"]
    block_create(case_id=demo.sara_case.pk, actor=sara, user=bup)
    entries = [write_entry(demo.sara_case, nurse, title=title) for title in ("Søvn", "Stress")]
    with statements() as seen:
        response = refer(
            as_user(nurse),
            demo.sara_case,
            service=BUP,
            entries=[entry.pk for entry in entries],
            legal_duty="Opplysningsplikt, barnevernsloven § 13-2.",
        )
    assert response.status_code == 201, response.json()
    assert len(block_reads(seen)) == 1, block_reads(seen)
    for entry in entries:
        assert Disclosure.objects.filter(entry=entry, recipient=bup, basis="legal_duty").exists()
        assert Notification.objects.filter(
            recipient=sara, kind="blocked_share_legal_duty", entry_id=entry.pk
        ).exists()


def test_someone_who_receives_the_entry_already_is_refused_in_the_same_words(demo):
    # Whether a recipient receives the entry is read with the recipients (not by a read of its
    # own): the answer names them as before, and no longer once their disclosure ended.
    sara, nurse, teacher, bup = demo["sara"], demo["helsesykepleier"], demo["laerer"], demo["bup"]
    note = write_entry(demo.sara_case, nurse, category="school", title="Prøveangst")
    first = share_api(nurse, note, {"recipients": [teacher.pk]})
    assert first.status_code == 201, first.json()
    again = share_api(nurse, note, {"recipients": [bup.pk, teacher.pk], "purpose": "Vurdering."})
    assert again.status_code == 400
    assert again.json() == {"recipients": [f"Disse kan allerede se innlegget: {teacher.pk}."]}, (
        again.json()
    )
    assert not Disclosure.objects.filter(entry=note, recipient=bup).exists()
    disclosure = Disclosure.objects.get(entry=note, recipient=teacher)
    assert as_user(sara).post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/").status_code == 200
    assert share_api(nurse, note, {"recipients": [teacher.pk]}).status_code == 201
