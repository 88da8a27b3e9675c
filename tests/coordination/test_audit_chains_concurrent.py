"""The audit chain's lock is per chain (real PostgreSQL, real threads, each with its own
connection): a write on one case never waits for an audited write on another, while two on the
same chain still run one after the other and leave it whole."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from cases.models import Participant
from consent.services import share, sharing_rule_create
from coordination.models import AuditEvent
from coordination.selectors import audit_chains_verify
from coordination.services import audit_append
from tests.consent.helpers import write_entry
from tests.factories import CaseFactory, ParticipantFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 30
# How long the second writer gets to show that it waits (it would be done in milliseconds).
BLOCKED_SECONDS = 1.5


def school_case() -> dict:
    """A case with the youth's rule "school -> every helper", a nurse's school note and a
    teacher: sharing the note is immediate and audited."""
    case = CaseFactory()
    nurse = ParticipantFactory(case=case).user
    teacher = ParticipantFactory(case=case, service=ServiceFactory()).user
    sharing_rule_create(
        case=case, actor=case.youth, category="school", recipient_role=Participant.Role.HELPER
    )
    return {"case": case, "nurse": nurse, "teacher": teacher}


def share_note(world: dict) -> Callable[[], None]:
    entry = write_entry(world["case"], world["nurse"], category="school")
    return lambda: share(entry=entry, recipients=[world["teacher"]], actor=world["nurse"])


class Holder:
    """Runs `write` in a transaction in its own thread and keeps that transaction (with every
    lock it took) open until `release()`."""

    def __init__(self, write: Callable[[], object]) -> None:
        self.written, self.released, self.errors = threading.Event(), threading.Event(), []
        self.thread = threading.Thread(target=self.run, args=(write,))
        self.thread.start()
        assert self.written.wait(WAIT_SECONDS), self.errors

    def run(self, write: Callable[[], object]) -> None:
        try:
            with transaction.atomic():
                write()
                self.written.set()
                self.released.wait(WAIT_SECONDS)
        except Exception as error:
            self.errors.append(error)
            self.written.set()
        finally:
            connection.close()

    def release(self) -> None:
        self.released.set()
        self.thread.join(WAIT_SECONDS)
        assert self.errors == []


class Writer:
    """Runs `write` in a transaction in its own thread; `done` is set once it has committed."""

    def __init__(self, write: Callable[[], object]) -> None:
        self.done, self.errors = threading.Event(), []
        self.thread = threading.Thread(target=self.run, args=(write,))
        self.thread.start()

    def run(self, write: Callable[[], object]) -> None:
        try:
            with transaction.atomic():
                write()
            self.done.set()
        except Exception as error:
            self.errors.append(error)
        finally:
            connection.close()


def test_shares_on_different_cases_do_not_wait_for_each_other():
    first, second = school_case(), school_case()
    first_share, second_share = share_note(first), share_note(second)
    holder = Holder(first_share)  # holds case 1's chain lock until released
    try:
        writer = Writer(second_share)
        assert writer.done.wait(WAIT_SECONDS), "the share on another case waited"
        assert writer.errors == []
    finally:
        holder.release()
    report = audit_chains_verify()
    assert report.broken == []
    assert AuditEvent.objects.filter(action="entry.shared").count() == 2


def test_shares_on_the_same_case_run_one_after_the_other_and_keep_the_chain_whole():
    world = school_case()
    first_share, second_share = share_note(world), share_note(world)
    holder = Holder(first_share)
    try:
        writer = Writer(second_share)
        assert not writer.done.wait(BLOCKED_SECONDS), "the second share did not wait"
    finally:
        holder.release()
    assert writer.done.wait(WAIT_SECONDS), writer.errors
    shared = list(
        AuditEvent.objects.filter(action="entry.shared", case_id=world["case"].pk).order_by("id")
    )
    assert len(shared) == 2
    assert audit_chains_verify().broken == []


def test_appends_to_one_chain_wait_for_its_lock_and_link_in_commit_order():
    """The chain's own lock, without the case lock a share takes first: the second append
    waits for the first to commit and then links to it."""
    case = CaseFactory()
    holder = Holder(lambda: audit_append(actor=None, action="first", case_id=case.pk))
    try:
        writer = Writer(lambda: audit_append(actor=None, action="second", case_id=case.pk))
        assert not writer.done.wait(BLOCKED_SECONDS), "the second append did not wait"
    finally:
        holder.release()
    assert writer.done.wait(WAIT_SECONDS), writer.errors
    first = AuditEvent.objects.get(action="first")
    second = AuditEvent.objects.get(action="second")
    assert second.previous_hash == first.hash
    assert audit_chains_verify().broken == []


def test_an_append_outside_cases_does_not_wait_for_a_case_chain():
    case = CaseFactory()
    holder = Holder(lambda: audit_append(actor=None, action="on_case", case_id=case.pk))
    try:
        writer = Writer(lambda: audit_append(actor=None, action="user.created"))
        assert writer.done.wait(WAIT_SECONDS), "the installation chain waited for a case's"
    finally:
        holder.release()
    assert audit_chains_verify().broken == []
