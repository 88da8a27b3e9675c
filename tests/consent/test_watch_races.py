"""Two opens of a watched entry by the same person at the same moment alert the young person
once (real PostgreSQL, real threads): the alert is claimed through the unique OpenAlert row."""

import threading

import pytest
from django.db import transaction

from cases.services import entry_open
from consent.services import consent_request_approve, entry_watch, share
from coordination.models import Notification
from tests.cases.conftest import seeded
from tests.waiting import someone_waits_for_my_locks, wait_until

from .helpers import write_entry
from .test_races import in_thread

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_opens_at_once_alert_once(settings):
    demo = seeded(settings)
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse, category="health")
    request = share(entry=note, recipients=[teacher], actor=nurse).consent_request
    consent_request_approve(consent_request=request, actor=sara)
    entry_watch(entry_id=note.pk, actor=sara, watching=True)
    opened, errors = threading.Event(), []

    def first():
        # Opens, then keeps its transaction (and its claim) open until the second open waits.
        with transaction.atomic():
            entry_open(user=teacher, entry_id=note.pk, via="page")
            opened.set()
            assert wait_until(someone_waits_for_my_locks, timeout=10), "no open waited"

    def second():
        assert opened.wait(5)
        entry_open(user=teacher, entry_id=note.pk, via="api")

    threads = [in_thread(first, errors), in_thread(second, errors)]
    for thread in threads:
        thread.join(10)
    assert not errors, errors
    assert Notification.objects.filter(recipient=sara, kind="entry_opened").count() == 1
