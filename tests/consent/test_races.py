"""Races on the share path: every writer takes the case row lock first, so a share racing the end
of a rule or a withdrawal never leaves a permission behind (real PostgreSQL, real threads)."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cases.models import Case, EntryUserObjectPermission
from cases.services import case_lock
from consent.models import Disclosure
from consent.services import share, sharing_rule_create, sharing_rule_end, withdraw
from coordination.errors import StateConflict
from tests.cases.conftest import seeded
from tests.waiting import someone_waits_for_my_locks, wait_until

from .helpers import write_entry
from .test_invariant import actual_rows, expected_rows

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def race(case_id, first, second):
    """Runs `first` in a transaction that takes the case lock and holds it until `second`, started
    meanwhile, waits for it, so `second` has to wait for `first` to commit. Returns what `second`
    returned."""
    locked, errors, results = threading.Event(), [], []

    def hold_then_act():
        with transaction.atomic():
            case_lock(case_id)
            locked.set()
            assert wait_until(someone_waits_for_my_locks, timeout=10), "second never waited"
            first()

    holder = in_thread(hold_then_act, errors)
    assert locked.wait(5)
    waiter = in_thread(lambda: results.append(second()), errors)
    holder.join(10)
    waiter.join(10)
    assert not errors, errors
    return results[0]


def test_a_share_waiting_on_a_rule_being_ended_asks_for_consent_instead(settings):
    demo = seeded(settings)
    rule = sharing_rule_create(
        case=demo.sara_case, actor=demo["sara"], category="health", recipient_user=demo["bup"]
    )
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    result = race(
        entry.case_id,
        lambda: sharing_rule_end(rule=rule, actor=demo["sara"]),
        lambda: share(entry=entry, recipients=[demo["bup"]], actor=demo["helsesykepleier"]),
    )
    # The share saw the rule gone: it asked Sara, and BUP has no access
    assert result.status == "consent_requested"
    assert not EntryUserObjectPermission.objects.filter(
        user=demo["bup"], content_object=entry
    ).exists()


def test_a_rule_end_waiting_on_a_share_under_it_withdraws_what_the_share_made(settings):
    demo = seeded(settings)
    rule = sharing_rule_create(
        case=demo.sara_case, actor=demo["sara"], category="health", recipient_user=demo["bup"]
    )
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    race(
        entry.case_id,
        lambda: share(entry=entry, recipients=[demo["bup"]], actor=demo["helsesykepleier"]),
        lambda: sharing_rule_end(rule=rule, actor=demo["sara"]),
    )
    disclosure = Disclosure.objects.get(entry=entry, recipient=demo["bup"])
    assert disclosure.rule == rule and disclosure.end_reason == "rule_ended"
    assert not EntryUserObjectPermission.objects.filter(
        user=demo["bup"], content_object=entry
    ).exists()


def test_a_share_waiting_on_a_withdrawal_sees_the_fresh_state(settings):
    demo = seeded(settings)
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    disclosure = share(
        entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"]
    ).disclosures[0]
    # The teacher may receive it again once the withdrawal has committed
    result = race(
        entry.case_id,
        lambda: withdraw(disclosure=disclosure, actor=demo["sara"]),
        lambda: share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"]),
    )
    assert result.status == "shared"
    case = Case.objects.get(pk=demo.sara_case.pk)
    assert actual_rows(case) == expected_rows(case)
    assert Disclosure.objects.filter(entry=entry, recipient=demo["laerer"]).count() == 2


def test_many_concurrent_shares_and_withdrawals_keep_the_invariant(settings):
    demo = seeded(settings)
    nurse = demo["helsesykepleier"]
    entries = [
        write_entry(demo.sara_case, nurse, category="school", title=f"S{n}") for n in range(6)
    ]
    errors: list[Exception] = []

    def share_all():
        for entry in entries:
            # The other sharer may have been first: "already sees it" is a clean refusal.
            with contextlib.suppress(ValidationError):
                share(entry=entry, recipients=[demo["laerer"], demo["bup"]], actor=nurse)

    def withdraw_all():
        for _ in range(3):
            for disclosure in Disclosure.objects.filter(withdrawn_at__isnull=True):
                with contextlib.suppress(StateConflict):
                    withdraw(disclosure=disclosure, actor=demo["sara"])

    threads = [
        in_thread(share_all, errors),
        in_thread(withdraw_all, errors),
        in_thread(share_all, errors),
    ]
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    case = Case.objects.get(pk=demo.sara_case.pk)
    assert actual_rows(case) == expected_rows(case)
