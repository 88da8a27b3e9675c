"""What the audit chain's lock costs: shares per second when N processes share at once, each on
its own case (so the case locks never meet), with the audit append as built and with it
skipped; and, as built, how long each share waits for its chain's lock and holds it (from the
lock to the end of COMMIT: the part no two audited writes on one chain can do at once, so
1 / hold is the ceiling of one chain). With one chain per case the processes here never wait for
each other's chain; with the single global chain before (issue 18) they all did, and 1 / hold
was the ceiling of the whole installation.

Runs against a throwaway database created and dropped here (never the development data):

    source scripts/env.sh && scripts/services.sh start
    .venv/bin/python benchmarks/audit_lock.py [--processes 1 2 4] [--shares 30] [--repeat 3]

Every share is a real `consent.services.share` under a standing rule (disclosure, view_entry
row, audit row, two notification rows, one transaction). Processes, not threads, so Python's
GIL does not serialise them instead. "skipped" replaces the audit append with nothing, which is
not a design, only the measure of what the chain costs. Each setting runs with the
development cluster's `synchronous_commit = off` and with `on` (PostgreSQL's default, as in
production: COMMIT waits for the WAL flush, and the chain's lock is held until then).
"""

import argparse
import importlib
import multiprocessing
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def build(cases: int, entries: int, recipients: int) -> list[dict]:
    """`cases` cases, each with a nurse who wrote `entries` school notes, `recipients` helpers
    and the youth's rule "school -> every helper", so each share is immediate. Ids only."""
    from cases.models import Participant
    from cases.services import case_create, entry_create, participant_add
    from consent.services import sharing_rule_create
    from coordination.models import User
    from services_registry.models import Organization, Service

    service = Service.objects.create(
        name="Skolen", organization=Organization.objects.create(name="Kommunen")
    )
    worlds = []
    for c in range(cases):
        youth = User.objects.create(username=f"youth{c}", birth_date=date(2008, 1, 1))
        case = case_create(title=f"Sak {c}", youth=youth)
        team = []
        for h in range(recipients + 1):
            user = User.objects.create(username=f"helper{c}-{h}")
            participant_add(
                case=case, actor=None, user=user, role=Participant.Role.HELPER, service=service
            )
            team.append(user.pk)
        sharing_rule_create(
            case=case, actor=youth, category="school", recipient_role=Participant.Role.HELPER
        )
        nurse = User.objects.get(pk=team.pop())
        notes = [
            entry_create(
                case=case, author=nurse, kind="note", category="school", title=f"N{n}", body="."
            ).pk
            for n in range(entries)
        ]
        worlds.append({"nurse": nurse.pk, "entries": notes, "recipients": team})
    return worlds


def share_all(world: dict, recipient: int, sync: str, skip: bool, start, results) -> None:
    """One process: shares each note of its case with `recipient`, after all are ready."""
    from cases.models import Entry
    from consent import services
    from coordination.models import User
    from coordination.services import AUDIT_CHAIN_LOCK, audit_append, audit_chain_lock_key

    share_module = importlib.import_module("consent.services.share")
    waits: list[float] = []
    holds: list[float] = []
    contended: list[bool] = []

    def timed_append(**kwargs):  # type: ignore[no-untyped-def]
        # The same lock audit_append then takes again (re-entrant): first tried, so that a wait
        # for another writer's chain is counted apart from a slow round trip on a busy machine.
        key = [AUDIT_CHAIN_LOCK, audit_chain_lock_key(kwargs.get("case_id"))]
        asked = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", key)
            (free,) = cursor.fetchone()
            if not free:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
        got = time.perf_counter()
        waits.append(got - asked)
        contended.append(not free)
        transaction.on_commit(lambda: holds.append(time.perf_counter() - got))
        return audit_append(**kwargs)

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [sync])
    nurse, to = User.objects.get(pk=world["nurse"]), User.objects.get(pk=recipient)
    entries = list(Entry.objects.filter(pk__in=world["entries"]))
    with mock.patch.object(share_module, "audit_append", mock.Mock() if skip else timed_append):
        start.wait()
        began = time.perf_counter()
        for entry in entries:
            services.share(entry=entry, recipients=[to], actor=nurse)
        ended = time.perf_counter()
    connection.close()
    results.put((began, ended, len(entries), waits, holds, contended))


def run(worlds: list[dict], round_: int, sync: str, skip: bool) -> tuple[float, list, list, list]:
    """Shares per second over all processes, and the chain locks' waits, holds and whether
    each append found its chain's lock taken."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(worlds)), context.Queue()
    connection.close()  # the children open their own
    processes = [
        context.Process(
            target=share_all, args=(w, w["recipients"][round_], sync, skip, start, results)
        )
        for w in worlds
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a sharing process failed ({process.exitcode})")
    began, ended = min(o[0] for o in outcomes), max(o[1] for o in outcomes)
    rate = sum(o[2] for o in outcomes) / (ended - began)
    waits, holds, contended = ([s for o in outcomes for s in o[n]] for n in (3, 4, 5))
    return rate, waits, holds, contended


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--shares", type=int, default=30, help="per process and run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting (median shown)")
    args = parser.parse_args()
    settings.DATABASES["default"]["TEST"]["NAME"] = "sammen_audit_lock_benchmark"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        runs = len(args.processes) * 2 * 2 * args.repeat
        worlds = build(max(args.processes), args.shares, runs)
        print(
            f"{'processes':>9}  {'sync commit':>11}  {'with chain':>10}  {'skipped':>10}"
            f"  {'lock wait p50/p95':>17}  {'lock held p50/p95':>17}  {'found taken':>11}"
        )
        round_ = 0
        for processes in args.processes:
            for sync in ("off", "on"):
                rates: dict[bool, list[float]] = {False: [], True: []}
                waits: list[float] = []
                holds: list[float] = []
                contended: list[bool] = []
                # Alternating, so a change in the machine's load hits both alike.
                for _ in range(args.repeat):
                    for skip in (False, True):
                        rate, run_waits, run_holds, run_contended = run(
                            worlds[:processes], round_, sync, skip
                        )
                        rates[skip].append(rate)
                        waits += run_waits
                        holds += run_holds
                        contended += run_contended
                        round_ += 1
                print(
                    f"{processes:>9}  {sync:>11}  {statistics.median(rates[False]):>7.1f}/s"
                    f"  {statistics.median(rates[True]):>7.1f}/s  {ms(waits):>17}  {ms(holds):>17}"
                    f"  {100 * sum(contended) / len(contended):>9.0f} %"
                )
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"{statistics.median(ordered) * 1000:.1f} / {p95 * 1000:.1f} ms"


if __name__ == "__main__":
    main()
