"""The share's writes (issue #18 item 3): the disclosures, the view_entry rows, the outbox rows
and the audit event go through coordination.statements.PreparedInsert, an INSERT built once
from the model's columns and prepared once a connection, instead of Django's bulk_create and
save(). Every row they write must be the row Django wrote: the same shares are made through
both, and the rows compared."""

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

import cases.permissions
import coordination.services
from cases.models import EntryUserObjectPermission
from cases.permissions import view_entry_grant, view_entry_permission
from consent.models import Disclosure
from consent.services import block_create, consent_request_approve, share, sharing_rule_create
from coordination.models import AuditEvent, Notification
from coordination.selectors import audit_chains_verify
from coordination.statements import PreparedInsert
from services_registry.models import Service
from tests.prepared import statement_text

from .helpers import HOSTILE, write_entry

pytestmark = pytest.mark.django_db

WRITTEN = (Disclosure, EntryUserObjectPermission, Notification, AuditEvent)


def as_django_wrote_them(monkeypatch) -> None:
    """The writes as they were: bulk_create, and save() for the audit event."""
    share_module = importlib.import_module("consent.services.share")
    monkeypatch.setattr(share_module, "_DISCLOSURES", Disclosure.objects.bulk_create)
    monkeypatch.setattr(
        cases.permissions,
        "_GRANT",
        lambda objs: EntryUserObjectPermission.objects.bulk_create(objs, ignore_conflicts=True),
    )
    monkeypatch.setattr(coordination.services, "_NOTIFICATIONS", Notification.objects.bulk_create)
    monkeypatch.setattr(
        coordination.services, "_AUDIT_EVENT", lambda objs: [obj.save() for obj in objs]
    )


def rows_after(marks: dict[type, int]) -> dict[str, list[dict]]:
    """Each table's rows written after `marks` (its last id before), in id order, with each of
    their own ids as its place among them (the two runs' ids differ, nothing else may). The
    audit event's hashes chain over those ids: the chain is verified instead."""
    disclosure_ids: list[int] = []
    written = {}
    for model in WRITTEN:
        rows = list(model.objects.filter(pk__gt=marks[model]).order_by("pk").values())
        ids = [row.pop("id") for row in rows]
        if model is Disclosure:
            disclosure_ids = ids
        if model is AuditEvent:
            for row in rows:
                del row["hash"], row["previous_hash"]
                if "disclosures" in row["data"]:
                    row["data"]["disclosures"] = [
                        disclosure_ids.index(pk) for pk in row["data"]["disclosures"]
                    ]
        written[model._meta.db_table] = rows
    return written


def last_ids() -> dict[type, int]:
    return {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in WRITTEN
    }


def test_a_share_writes_the_rows_django_wrote(demo, monkeypatch):
    sara, nurse, teacher, mor, bup = (
        demo[name] for name in ("sara", "helsesykepleier", "laerer", "mor", "bup")
    )
    case = demo.sara_case
    sharing_rule_create(
        case=case,
        actor=sara,
        category="school",
        recipient_user=teacher,
        until=timezone.localdate() + timedelta(days=30),
    )
    block_create(case_id=case.pk, actor=sara, user=bup)
    school = write_entry(case, nurse, category="school", title="Prøveangst")
    asked = write_entry(case, nurse, title=f"Helse {HOSTILE}")
    request = share(
        entry=asked, recipients=[teacher, mor], actor=nurse, purpose=f"Plan {HOSTILE}"
    ).consent_request
    duty = write_entry(case, nurse, title="Bekymring")

    def shares() -> dict[str, list[dict]]:
        marks = last_ids()
        # A rule share with the rule's last day, an approval to two people with a last day and
        # the asker's purpose, and a legal duty to two people, one of them blocked (the young
        # person is alerted), with its justification and purpose.
        assert share(entry=school, recipients=[teacher], actor=nurse).status == "shared"
        consent_request_approve(
            consent_request=request, actor=sara, until=timezone.localdate() + timedelta(days=7)
        )
        share(
            entry=duty,
            recipients=[teacher, bup],
            actor=nurse,
            basis="legal_duty",
            justification=f"§ 13-2 {HOSTILE}",
            purpose="Barnevernet må vurdere.",
        )
        return rows_after(marks)

    at = timezone.now() + timedelta(minutes=1)
    runs = []
    for old in (True, False):
        with monkeypatch.context() as patched, time_machine.travel(at, tick=False):
            if old:
                as_django_wrote_them(patched)
            with transaction.atomic():
                runs.append(shares())
                report = audit_chains_verify()
                assert report.broken == [], report.broken
                transaction.set_rollback(True)
    old_rows, new_rows = runs
    # Disclosures and view_entry rows 1 + 2 + 2; the young person and the recipients told, and
    # the young person alerted of the blocked one; three shares and the approval audited.
    assert [len(rows) for rows in new_rows.values()] == [5, 5, 9, 4], new_rows
    assert new_rows == old_rows


def inserted_both_ways(model, make) -> tuple[list, list]:
    """The rows `make()` builds, written once by PreparedInsert and once by bulk_create, as
    read back (without their ids and entries: each way's disclosures are of an entry of its
    own)."""
    prepared = PreparedInsert(model)(make())
    django = model.objects.bulk_create(make())
    for obj in (*prepared, *django):
        assert obj.pk is not None and not obj._state.adding and obj._state.db == "default"

    def read(objs):
        rows = model.objects.filter(pk__in=[obj.pk for obj in objs]).order_by("pk").values()
        return [
            {key: value for key, value in row.items() if key not in {"id", "entry_id"}}
            for row in rows
        ]

    assert [obj.pk for obj in prepared] == sorted(obj.pk for obj in prepared)
    return read(prepared), read(django)


def test_every_column_is_written_as_django_writes_it(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], title="Notat")
    # One entry for each way's disclosures: a recipient receives an entry once.
    disclosed = iter([entry, write_entry(demo.sara_case, demo["helsesykepleier"], title="To")])
    service = Service.objects.order_by("pk").first()
    now = timezone.now()

    def notifications():
        return [
            Notification(
                recipient=sara,
                kind="entry_shared",
                case_id=demo.sara_case.pk,
                entry_id=entry.pk,
                target_url=f"/x/?a={HOSTILE}",
                channels_done=["email", "sms"],
                read_at=now,
            ),
            Notification(recipient=teacher, kind="guardianship_set"),
        ]

    def disclosures():
        entry = next(disclosed)
        return [
            Disclosure(
                entry=entry,
                recipient=recipient,
                basis="legal_duty",
                justification=HOSTILE,
                purpose="Æ ø å \\ % %s",
                granted_by=sara,
                granted_at=now,
                until=now + timedelta(days=3) if recipient == teacher else None,
                service=service if recipient == teacher else None,
                automatic=recipient == teacher,
            )
            for recipient in (teacher, demo["bup"])
        ]

    def events():
        return [
            AuditEvent(
                created=now,
                actor=None,
                action="entry.shared",
                case_id=None,
                object_id="7",
                data={"quote": HOSTILE, "list": [1, None, "ø"], "nested": {"a": {"b": []}}},
                chain="installation",
                previous_hash="0" * 64,
                hash=f"{marker}" * 64,
            )
            for marker in ("a", "b")
        ]

    for model, make in ((Notification, notifications), (Disclosure, disclosures)):
        # Both at one instant: a notification's `created` is its default, the clock's.
        with time_machine.travel(now, tick=False):
            prepared, django = inserted_both_ways(model, make)
        assert prepared == django and len(prepared) == 2, (prepared, django)
    prepared = PreparedInsert(AuditEvent)(events()[:1])
    django = events()[1:]
    django[0].save()
    fields = ("created", "actor", "action", "case_id", "object_type", "object_id", "data")
    assert AuditEvent.objects.filter(pk=prepared[0].pk).values(*fields).get() == (
        AuditEvent.objects.filter(pk=django[0].pk).values(*fields).get()
    )


def test_a_grant_already_held_is_left_as_it_is(demo):
    teacher, bup = demo["laerer"], demo["bup"]
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], title="Notat")
    until = timezone.now() + timedelta(days=2)
    view_entry_grant([(entry.pk, teacher.pk)], expires_at=until)
    view_entry_grant([(entry.pk, teacher.pk), (entry.pk, bup.pk)])
    rows = dict(
        EntryUserObjectPermission.objects.filter(
            content_object=entry, permission=view_entry_permission()
        ).values_list("user_id", "expires_at")
    )
    assert rows == {teacher.pk: until, bup.pk: None, entry.author_id: None, demo["sara"].pk: None}


def test_a_grant_writes_the_permission_the_database_has_now(demo):
    """view_entry's row is read on every grant (its statement compiled once a process): a
    database whose permissions were made anew (a flushed test database) is granted the new
    one's id, not the id an earlier grant read."""
    teacher, bup = demo["laerer"], demo["bup"]
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], title="Notat")
    first = view_entry_permission()
    view_entry_grant([(entry.pk, teacher.pk)])
    Permission.objects.filter(pk=first.pk).delete()
    again = Permission.objects.create(
        codename=first.codename, name=first.name, content_type_id=first.content_type_id
    )
    view_entry_grant([(entry.pk, bup.pk)])
    assert again.pk != first.pk
    assert view_entry_permission() == again
    assert list(
        EntryUserObjectPermission.objects.filter(content_object=entry).values_list(
            "user_id", "permission_id"
        )
    ) == [(bup.pk, again.pk)]


def test_a_batch_is_one_prepared_statement_and_a_large_one_its_text(demo):
    sara = demo["sara"]
    insert = PreparedInsert(Notification)
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        few = insert([Notification(recipient=sara, kind="guardianship_set") for _ in range(3)])
        many = insert([Notification(recipient=sara, kind="guardianship_set") for _ in range(40)])
    assert len(seen) == 2, seen
    assert seen[0].startswith("EXECUTE "), seen[0]
    text = statement_text(seen[0])
    columns = ", ".join(f'"{field.column}"' for field in Notification._meta.concrete_fields[1:])
    assert text.startswith(f'INSERT INTO "coordination_notification" ({columns}) '), text
    assert seen[1].startswith('INSERT INTO "coordination_notification"'), seen[1]
    ids = [obj.pk for obj in few + many]
    assert ids == sorted(ids) and len(set(ids)) == 43
    assert Notification.objects.filter(pk__in=ids, recipient=sara).count() == 43
