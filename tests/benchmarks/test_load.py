"""The share load test of `make bench` (benchmarks/load.py): its seeding, its client and its
notification latency, on the test database against a live server and a real Celery worker."""

import os
import random
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks import load
from cases.models import Case
from consent import notifications as consent_notifications
from consent.models import Disclosure
from coordination.models import Notification
from tests.factories import NotificationFactory


@pytest.mark.django_db(transaction=True)
def test_a_short_load_shares_under_the_rule_and_measures_every_delivery(live_server, celery_worker):
    # Given two seeded Sara-like cases and their teachers' school notes
    load.seed_load(cases=2)
    load.seed_load(cases=2)  # once: a second call adds nothing
    assert Case.objects.filter(title__startswith=load.LOAD_CASE).count() == 2
    jobs = load.notes_ready(needed=40, rng=random.Random(1))
    assert len(jobs) >= 40
    # When two teachers share for two seconds through the live server
    result = load.run_load(
        base=live_server.url,
        jobs=jobs,
        clients=2,
        seconds=2,
        processes={"PostgreSQL": load.postmaster_pid()},
    )
    # Then every answer was 201 "shared" under the youth's school rule, to both other helpers
    assert result.shared > 0
    assert result.errors == 0, result.answers
    shared = Disclosure.objects.filter(entry__case__title__startswith=load.LOAD_CASE)
    assert shared.count() == 2 * result.shared
    assert set(shared.values_list("basis", flat=True)) == {"agreement"}
    # and the worker delivered the three notifications of each share, each share measured
    assert result.undelivered == 0
    assert len(result.latency_ms) == result.shared
    assert all(0 < ms < 60_000 for ms in result.latency_ms)
    # and the CPU the database and the client used was measured
    assert result.cpu_seconds["PostgreSQL"] > 0
    assert result.cpu_seconds["client"] > 0
    assert "CPU ms per share: client" in load.cpu_line(result)
    # and the teachers' tokens were revoked after the run
    from knox.models import AuthToken

    assert not AuthToken.objects.filter(user_id__in={job.teacher for job in jobs}).exists()
    # and the next run's notes are the ones nobody received yet
    assert {job.entry for job in load.notes_ready(needed=1, rng=random.Random(1))}.isdisjoint(
        shared.values_list("entry_id", flat=True)
    )


@pytest.mark.django_db
def test_latency_runs_to_the_last_delivery_of_a_share_and_counts_the_undelivered():
    # Given two answered shares: one whose three notifications were delivered 40, 90 and
    # 120 ms after its request started, and one with a notification not delivered yet
    started = timezone.now()
    for ms in (40, 90, 120):
        NotificationFactory(
            kind=consent_notifications.ENTRY_RECEIVED.key,
            entry_id=11,
            delivered_at=started + timedelta(milliseconds=ms),
        )
    NotificationFactory(kind=consent_notifications.ENTRY_RECEIVED.key, entry_id=12)
    NotificationFactory(
        kind=consent_notifications.ENTRY_SHARED.key,
        entry_id=12,
        delivered_at=started + timedelta(milliseconds=10),
    )
    # (each request answered after 30 ms)
    at = started.timestamp()
    result = load.LoadResult(seconds=20, started=[(11, at, 30.0), (12, at, 30.0)])
    # When the latency is measured without waiting
    load.notification_latency(result, wait=0)
    # Then the first share took until its last delivery, the second counts as undelivered
    assert result.latency_ms == [pytest.approx(120, abs=0.01)]
    assert result.after_answer_ms == [pytest.approx(90, abs=0.01)]
    assert result.undelivered == 1
    # and both shares started in the first of the run's two 10-second windows
    assert result.windows == [0.2, 0.0]
    assert Notification.objects.count() == 5


def test_any_answer_but_201_is_an_error_in_the_report():
    result = load.LoadResult(seconds=10)
    result.answers.update({201: 30, 202: 1, 500: 2, "ClientOSError": 1})
    result.load_average = (1.0, 2.0, 3.0)
    assert (result.shared, result.errors) == (30, 4)
    text = load.report(result, clients=4, workers="5 sync workers")
    assert "shares/s 3.0" in text
    assert "errors 4" in text
    assert "load average 1.0 2.0 3.0" in text


def test_the_cpu_of_a_process_tree_counts_its_children_that_ended():
    # Given this process before and after a child that burnt ~0.3 s of CPU and ended
    before = load.tree_cpu_seconds(os.getpid())
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass",
        ],
        check=True,
    )
    # Then the tree's CPU grew by the child's at least
    assert load.tree_cpu_seconds(os.getpid()) - before >= 0.25


def test_a_service_of_the_load_runs_in_a_session_of_its_own(tmp_path):
    # When the load starts a service (here one that prints its session and process ids)
    service = load.start_service(
        [sys.executable, "-c", "import os; print(os.getsid(0), os.getpid())"],
        env=dict(os.environ),
        log=tmp_path / "service.log",
    )
    assert service.wait(timeout=30) == 0
    # Then it led a new session (a CPU group of its own, as a container or a systemd unit), not
    # this process's, and wrote to its log
    session, pid = map(int, (tmp_path / "service.log").read_text().split())
    assert session == pid == service.pid
    assert session != os.getsid(0)
