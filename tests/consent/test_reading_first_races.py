"""Reading first under real threads (real PostgreSQL): the young person's open and the timeout
release a held share at the same moment, and it goes out once; a withdrawal that wins the race
means nothing goes out."""

import threading
from datetime import timedelta

import pytest
from django.db import transaction

from cases.models import Entry
from cases.services import entry_open
from consent.models import Disclosure, HeldShare
from consent.services import (
    held_share_withdraw,
    held_shares_timeout,
    reading_first_set,
    share,
)
from coordination.models import AuditEvent, Notification
from tests.cases.conftest import seeded
from tests.waiting import someone_waits_for_my_locks, wait_until

from .helpers import write_entry
from .test_races import in_thread

pytestmark = pytest.mark.django_db(transaction=True)


def held_school_note(demo):
    """A school note shared to the teacher under Sara's rule, waiting for her, and already past
    its time to read first (the beat would release it)."""
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    reading_first_set(case_id=demo.sara_case.pk, actor=sara, on=True)
    note = write_entry(demo.sara_case, nurse, category="school")
    assert share(entry=note, recipients=[teacher], actor=nurse).status == "waiting_for_youth"
    past = note.created - timedelta(hours=80)
    Entry.objects.filter(pk=note.pk).update(created=past)
    HeldShare.objects.filter(entry=note).update(release_at=past + timedelta(hours=72))
    return note


def run_together(*targets):
    start, errors = threading.Barrier(len(targets)), []

    def at_once(target):
        def run():
            start.wait(5)
            target()

        return run

    threads = [in_thread(at_once(target), errors) for target in targets]
    for thread in threads:
        thread.join(20)
    assert not errors, errors


@pytest.mark.parametrize("rounds", range(3))
def test_the_open_and_the_timeout_at_once_release_once(settings, rounds):
    demo = seeded(settings)
    sara, teacher = demo["sara"], demo["laerer"]
    note = held_school_note(demo)
    run_together(
        lambda: entry_open(user=sara, entry_id=note.pk, via="page"),
        held_shares_timeout,
    )
    (disclosure,) = Disclosure.objects.filter(entry=note)
    assert disclosure.recipient == teacher and disclosure.withdrawn_at is None
    held = HeldShare.objects.get(entry=note)
    assert held.end_reason in {"opened", "timeout"} and held.disclosure == disclosure
    assert AuditEvent.objects.filter(action="entry.shared", object_id=str(note.pk)).count() == 1
    assert Notification.objects.filter(recipient=teacher, kind="entry_received").count() == 1


def test_a_withdrawal_holding_the_lock_first_means_nothing_goes_out(settings):
    demo = seeded(settings)
    sara = demo["sara"]
    note = held_school_note(demo)
    held_id = HeldShare.objects.get(entry=note).pk
    withdrawn, errors = threading.Event(), []

    def withdraw_and_hold():
        with transaction.atomic():
            held_share_withdraw(held_share_id=held_id, actor=sara)
            withdrawn.set()
            assert wait_until(someone_waits_for_my_locks, timeout=10), "nothing waited"

    def open_then_timeout():
        assert withdrawn.wait(5)
        entry_open(user=sara, entry_id=note.pk, via="page")
        held_shares_timeout()

    threads = [in_thread(withdraw_and_hold, errors), in_thread(open_then_timeout, errors)]
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    assert not Disclosure.objects.filter(entry=note).exists()
    assert HeldShare.objects.get(pk=held_id).end_reason == "withdrawn"
