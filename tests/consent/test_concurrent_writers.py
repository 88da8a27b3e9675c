"""Many real writers of every kind at once, on one case and on several (issue #11, item 13):
entries, shares, withdrawals, consent decisions, messages, meetings and standing rules, each in
its own thread with its own database connection. None may fail with anything but a domain
refusal (a deadlock or a serialization error is a failure), and afterwards the permission
invariant holds on every case and the audit chain verifies. The lock order they rely on is in
docs/architecture.md §3 ("Locking")."""

import functools
import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cases.models import Case, Entry, Participant
from cases.services import case_lock
from consent.models import ConsentRequest, Disclosure, SharingRule
from consent.services import (
    consent_request_approve,
    consent_request_decline,
    share,
    sharing_rule_create,
    sharing_rule_end,
    withdraw,
)
from coordination.ages import born_by
from coordination.errors import StateConflict
from coordination.services import audit_append
from meetings.models import Meeting
from meetings.services import meeting_create, meeting_update
from tests.factories import CaseFactory, ParticipantFactory, ServiceFactory, UserFactory
from voice.services import message_send

from .helpers import write_entry
from .test_invariant import actual_rows, expected_rows
from .test_races import in_thread

pytestmark = pytest.mark.django_db(transaction=True)

# What a writer may meet when another got there first ("already sees it", "already withdrawn",
# "already answered"); anything else, a deadlock above all, fails the test.
REFUSALS = (ValidationError, StateConflict)
ROUNDS = 8
THREADS_PER_KIND = 2
JOIN_SECONDS = 120


def build_case(*, teacher, bup) -> dict:
    """A 17-year-old who decides herself, her school rule (school -> every helper), and work
    already waiting: school notes shared and to share, health notes waiting for her consent and
    to ask about.
    The teacher and BUP are on every case, so writers on different cases meet on their rows."""
    # 17 today (1 January 18 years ago made her 18, and guardians leave at 18).
    youth = UserFactory(birth_date=born_by(today=date.today(), years=17))
    case = CaseFactory(youth=youth)
    ParticipantFactory(case=case, role=Participant.Role.GUARDIAN)
    coordinator = ParticipantFactory(case=case, role=Participant.Role.UNGDOMSHJELPER).user
    nurse = ParticipantFactory(case=case).user
    for helper in (teacher, bup):
        ParticipantFactory(case=case, user=helper, service=ServiceFactory())
    sharing_rule_create(
        case=case, actor=youth, category="school", recipient_role=Participant.Role.HELPER
    )
    for n in range(ROUNDS):
        school = write_entry(case, nurse, category="school", title=f"Skole {n}")
        health = write_entry(case, nurse, category="health", title=f"Helse {n}")
        if n % 2:
            share(entry=school, recipients=[teacher], actor=nurse)
            share(entry=health, recipients=[bup], actor=nurse)
    meeting = meeting_create(
        case=case,
        actor=coordinator,
        title="Oppfølging",
        starts_at=timezone.now() + timedelta(days=7),
        place="Skolen",
    )
    return {
        "case": case,
        "youth": youth,
        "coordinator": coordinator,
        "nurse": nurse,
        "meeting": meeting,
    }


def writers(world: dict, teacher, bup) -> dict[str, Callable[[int], bool]]:
    """One function per kind of write; each runs one transaction and returns whether it wrote
    (False: nothing to do yet)."""
    case, youth, nurse, coordinator = (world[k] for k in ("case", "youth", "nurse", "coordinator"))

    def entry(n: int) -> bool:
        category = "school" if n % 2 else "health"
        write_entry(case, nurse, category=category, title=f"Notat {n}")
        return True

    def share_one(n: int) -> bool:
        category, recipient = ("school", teacher) if n % 2 else ("health", bup)
        seen = Disclosure.objects.filter(recipient=recipient, withdrawn_at__isnull=True)
        asked = ConsentRequest.objects.filter(status=ConsentRequest.Status.PENDING)
        unshared = (
            Entry.objects.filter(case=case, author=nurse, category=category)
            .exclude(pk__in=seen.values("entry_id"))
            .exclude(pk__in=asked.values("entry_id"))
            .order_by("-pk")
            .first()
        )
        if unshared is None:
            return False
        share(entry=unshared, recipients=[recipient], actor=nurse)
        return True

    def withdraw_one(n: int) -> bool:
        active = Disclosure.objects.filter(entry__case=case, withdrawn_at__isnull=True)
        disclosure = active.exclude(basis=Disclosure.Basis.OWN_CHOICE).order_by("pk").first()
        if disclosure is None:
            return False
        withdraw(disclosure=disclosure, actor=youth)
        return True

    def decide(n: int) -> bool:
        request = (
            ConsentRequest.objects.filter(entry__case=case, status=ConsentRequest.Status.PENDING)
            .order_by("pk")
            .first()
        )
        if request is None:
            return False
        if n % 3:
            consent_request_approve(consent_request=request, actor=youth)
        else:
            consent_request_decline(consent_request=request, actor=youth, reason="Ikke nå.")
        return True

    def message(n: int) -> bool:
        if n % 2:
            message_send(case=case, author=youth, body=f"Hei {n}", recipients=[coordinator])
        else:
            message_send(case=case, author=coordinator, body=f"Svar {n}")
        return True

    def meeting(n: int) -> bool:
        if n % 2:
            meeting_update(meeting=world["meeting"], actor=coordinator, place=f"Rom {n}")
        else:
            meeting_create(
                case=case,
                actor=coordinator,
                title=f"Møte {n}",
                starts_at=timezone.now() + timedelta(days=n + 1),
                place="Skolen",
            )
        return True

    def rule(n: int) -> bool:
        active = SharingRule.objects.filter(
            case=case, category="health", ended_at__isnull=True
        ).first()
        if active is None:
            sharing_rule_create(case=case, actor=youth, category="health", recipient_user=bup)
        else:
            sharing_rule_end(rule=active, actor=youth)
        return True

    return {
        "entry": entry,
        "share": share_one,
        "withdraw": withdraw_one,
        "decide": decide,
        "message": message,
        "meeting": meeting,
        "rule": rule,
    }


def run_writers(worlds: list[dict], teacher, bup) -> tuple[Counter, list[Exception]]:
    """Every kind of writer, THREADS_PER_KIND threads each, started together; each thread does
    ROUNDS writes, moving from case to case. Returns the successes per kind and the failures."""
    per_case = [writers(world, teacher, bup) for world in worlds]
    kinds = list(per_case[0])
    start = threading.Barrier(len(kinds) * THREADS_PER_KIND)
    done: Counter = Counter()
    failures: list[Exception] = []
    lock = threading.Lock()

    def work(kind: str, offset: int) -> None:
        start.wait(timeout=JOIN_SECONDS)
        for n in range(ROUNDS):
            write = per_case[(n + offset) % len(per_case)][kind]
            try:
                wrote = write(n + offset)
            except REFUSALS:
                wrote = False
            if wrote:
                with lock:
                    done[kind] += 1

    threads = [
        in_thread(functools.partial(work, kind, offset), failures)
        for kind in kinds
        for offset in range(THREADS_PER_KIND)
    ]
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return done, failures


def check_afterwards(worlds: list[dict], done: Counter, failures: list[Exception]) -> None:
    assert failures == []
    # Every kind really wrote (a writer refused every time would prove nothing).
    assert set(done) == {"entry", "share", "withdraw", "decide", "message", "meeting", "rule"}
    for world in worlds:
        case = Case.objects.get(pk=world["case"].pk)
        assert actual_rows(case) == expected_rows(case)
    call_command("verify_audit_chain")
    assert Meeting.objects.filter(case__in=[w["case"] for w in worlds]).count() > len(worlds)


def test_every_kind_of_writer_at_once_on_one_case():
    teacher, bup = UserFactory(), UserFactory()
    worlds = [build_case(teacher=teacher, bup=bup)]
    done, failures = run_writers(worlds, teacher, bup)
    check_afterwards(worlds, done, failures)


def test_every_kind_of_writer_at_once_on_three_cases():
    teacher, bup = UserFactory(), UserFactory()
    worlds = [build_case(teacher=teacher, bup=bup) for _ in range(3)]
    done, failures = run_writers(worlds, teacher, bup)
    check_afterwards(worlds, done, failures)


def test_a_commit_under_the_audit_lock_does_not_wait_for_the_case_lock():
    """The cycle of the report, step by step: a writer holds the case lock; another inserts an
    entry (by the youth) on that case, appends to the audit chain and commits. Its deferred
    foreign-key checks take FOR KEY SHARE on the case and the youth's user row at COMMIT, while
    it holds the audit lock; they must not wait for the case lock, or the lock holder's own
    audit append would close the cycle."""
    case = CaseFactory()
    locked, release, committed = threading.Event(), threading.Event(), threading.Event()
    failures: list[Exception] = []

    def hold_case_lock() -> None:
        with transaction.atomic():
            case_lock(case.pk)
            locked.set()
            release.wait(JOIN_SECONDS)

    def write_under_audit_lock() -> None:
        with transaction.atomic():
            entry = Entry.objects.create(
                case=case, author=case.youth, kind="note", category="general", title="T"
            )
            audit_append(
                actor=case.youth,
                action="entry.created",
                case_id=case.pk,
                object_type="entry",
                object_id=str(entry.pk),
            )
        committed.set()

    holder = in_thread(hold_case_lock, failures)
    assert locked.wait(JOIN_SECONDS)
    writer = in_thread(write_under_audit_lock, failures)
    try:
        assert committed.wait(10), "the commit waited for the case lock"
    finally:
        release.set()
        holder.join(JOIN_SECONDS)
        writer.join(JOIN_SECONDS)
    assert failures == []


def test_rows_are_locked_only_through_for_update():
    """A bare select_for_update() locks FOR UPDATE, and with select_related also the joined case
    and user rows, which the foreign-key checks above would wait for."""
    root = Path(__file__).resolve().parents[2]
    apps = ["cases", "consent", "coordination", "meetings", "services_registry", "voice"]
    offenders = [
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*.py")
        if re.search(r"select_for_update\(", path.read_text())
        and path != root / "coordination" / "locks.py"
    ]
    assert offenders == []
