"""Every change on the share path writes its notifications and its audit row in the same
transaction, with ids only (no case content)."""

import pytest

from cases.models import Participant
from consent.services import (
    consent_request_approve,
    consent_request_decline,
    participant_remove,
    share,
    sharing_rule_create,
    sharing_rule_end,
    withdraw,
)
from coordination.models import AuditEvent, Notification

from .helpers import write_entry

pytestmark = pytest.mark.django_db


def kinds_since(mark: int) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(pk__gt=mark).values_list("recipient__username", "kind")
    )


def last_id() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def actions_since(mark: int) -> list[str]:
    return list(AuditEvent.objects.filter(pk__gt=mark).values_list("action", flat=True))


def audit_mark() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_share_request_decide_and_withdraw_notify_the_right_people(demo):
    nurse = demo["helsesykepleier"]
    entry = write_entry(demo.jonas_case, nurse)

    # A share that needs consent asks the father, and asks Jonas (13) for his view
    mark, audit = last_id(), audit_mark()
    request = share(entry=entry, recipients=[demo["laerer"]], actor=nurse).consent_request
    assert kinds_since(mark) == [("far", "consent_requested"), ("jonas", "consent_requested")]
    assert actions_since(audit) == ["consent.requested"]

    # Approving shares: Jonas is told, the teacher receives, the nurse hears the answer
    mark, audit = last_id(), audit_mark()
    consent_request_approve(consent_request=request, actor=demo["far"])
    assert kinds_since(mark) == [
        ("helsesykepleier", "consent_decided"),
        ("jonas", "entry_shared"),
        ("laerer", "entry_received"),
    ]
    assert actions_since(audit) == ["entry.shared", "consent.approved"]
    shared = AuditEvent.objects.get(action="entry.shared", object_id=str(entry.pk))
    assert shared.data["basis"] == "consent" and shared.data["category"] == "health"
    assert shared.actor == demo["far"]
    assert entry.title not in str(shared.data) and entry.body not in str(shared.data)

    # Withdrawing tells the teacher and Jonas
    mark, audit = last_id(), audit_mark()
    withdraw(disclosure=entry.disclosures.get(), actor=demo["far"])
    assert kinds_since(mark) == [
        ("jonas", "disclosure_withdrawn"),
        ("laerer", "disclosure_withdrawn"),
    ]
    assert actions_since(audit) == ["disclosure.ended"]

    # Declining tells the asker
    other = write_entry(demo.jonas_case, nurse, title="Annet")
    request = share(entry=other, recipients=[demo["barnevern"]], actor=nurse).consent_request
    mark = last_id()
    consent_request_decline(consent_request=request, actor=demo["far"])
    assert kinds_since(mark) == [("helsesykepleier", "consent_decided")]


def test_rules_and_team_changes_are_audited_and_end_access_with_notice(demo):
    sara, coordinator = demo["sara"], demo["ungdomshjelper"]
    audit = audit_mark()
    rule = sharing_rule_create(
        case=demo.sara_case, actor=sara, category="health", recipient_user=demo["bup"]
    )
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    share(entry=entry, recipients=[demo["bup"]], actor=demo["helsesykepleier"])
    mark = last_id()
    sharing_rule_end(rule=rule, actor=sara)
    # Sara ended it herself: only BUP is told
    assert kinds_since(mark) == [("bup", "disclosure_withdrawn")]
    school = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    share(entry=school, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    mark = last_id()
    participant_remove(
        participant=Participant.objects.get(case=demo.sara_case, user=demo["laerer"]),
        actor=coordinator,
    )
    # The rest of the team is told who left (#13; Sara first: tests/cases/test_removal.py)
    assert kinds_since(mark) == [
        ("bup", "participant_left"),
        ("helsesykepleier", "participant_left"),
        ("laerer", "disclosure_withdrawn"),
        ("mor", "participant_left"),
        ("sara", "disclosure_withdrawn"),
        ("sara", "participant_left"),
    ]
    assert actions_since(audit) == [
        "rule.created",
        "entry.created",
        "entry.shared",
        "rule.ended",
        "disclosure.ended",
        "entry.created",
        "entry.shared",
        "participant.removed",
        "disclosure.ended",
        "meeting.member_left",  # the teacher was proposed for the demo start meeting
    ]


def test_notification_links_carry_ids_only(demo):
    seeded = Notification.objects.count()
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    for notification in Notification.objects.order_by("id")[seeded:]:
        assert entry.title not in notification.target_url
        assert notification.case_id == demo.sara_case.pk and notification.entry_id == entry.pk
