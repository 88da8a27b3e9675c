"""The reads of `make bench` (benchmarks/bench.py): a page sample signs its client in and leaves
nothing of it behind, so later runs measure the same data (the young person's "new since your
last visit" counts from a visit no run has moved)."""

import random

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session

from benchmarks import bench
from tests.factories import CaseFactory
from voice.models import Visit

pytestmark = pytest.mark.django_db


def test_page_samples_leave_no_session_visit_or_login_behind():
    youth = CaseFactory().youth
    clients = bench.Clients()
    read = bench.Read("youth's home page", lambda rng: (clients.page(youth), "/"))
    rng = random.Random(1)

    for _ in range(2):
        bench.sample(read, rng)
    bench.peak_memory(read, rng)

    assert len(read.api) == len(read.sql) == 2 and read.statements and read.peak_bytes
    assert not Visit.objects.filter(user=youth).exists()
    assert not Session.objects.exists()
    assert not AccessLog.objects.exists()
    youth.refresh_from_db()
    assert youth.last_login is None
