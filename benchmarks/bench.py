"""`make bench`: each hot read through the real views, against the same SQL run bare.

On the benchmark municipality of benchmarks/municipality.py (database `sammen_bench`, built on
the first run and reused after, plus one large case of 500 entries and 10,000 opens), for each
read and in one process: p50/p95 of the call in-process (middleware, view, serializer or
template, rendering; API reads through DRF's APIClient with force_authenticate, pages through
Django's test Client with a session), p50/p95 of re-running exactly the SQL statements that
call issued (captured with CaptureQueriesContext) on a raw psycopg2 cursor with every row
fetched, and the ratio of the two medians. The reads take turns (interleaved, in a random order
each round, a random subject each time) so that a busy machine weighs on all of them alike.
Each call runs in a transaction rolled back afterwards, so opening an entry logs nothing that
stays. Last, the peak Python memory of one call of each read (tracemalloc, separate calls: it
slows what it traces).

    make bench                       # or: .venv/bin/python -m benchmarks.bench --samples 200
"""

import argparse
import logging
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.municipality import (
    BENCH_DATABASE,
    LARGE_CASE,
    build,
    build_large_case,
    percentile,
)

MEMORY_CALLS = 5


@dataclass
class Read:
    """One read under measure: `pick` chooses a subject and answers (client, url)."""

    name: str
    pick: Callable[[random.Random], tuple[Any, str]]
    api: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    statements: set[int] = field(default_factory=set)
    peak_bytes: int = 0


class Clients:
    """One logged-in client per person, made on first use (its session row stays)."""

    def __init__(self) -> None:
        self._api: dict[int, Any] = {}
        self._page: dict[int, Any] = {}

    def api(self, user: Any) -> Any:
        from rest_framework.test import APIClient

        if user.pk not in self._api:
            client = APIClient(SERVER_NAME="localhost")
            client.force_authenticate(user)
            self._api[user.pk] = client
        return self._api[user.pk]

    def page(self, user: Any) -> Any:
        from django.test import Client

        if user.pk not in self._page:
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            self._page[user.pk] = client
        return self._page[user.pk]


def reads(rng: random.Random) -> list[Read]:
    """The reads of issue 18 and the subjects each is measured for."""
    from django.db import connection

    from cases.models import AccessEvent, Case, Participant
    from coordination.models import User

    clients = Clients()
    users = {user.pk: user for user in User.objects.filter(username__startswith="b-")}
    helper_rows = list(
        Participant.objects.active().filter(role="helper").values_list("case_id", "user_id")
    )
    large = Case.objects.get(title=LARGE_CASE)
    small_cases = list(
        Case.objects.exclude(pk=large.pk).values_list("pk", "youth_id").order_by("pk")
    )
    coordinators = sorted(
        set(Participant.objects.filter(role="ungdomshjelper").values_list("user_id", flat=True))
    )
    # Entries helpers may open: their own and those shared with them, drawn in SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.user_id, p.content_object_id FROM cases_entryuserobjectpermission p"
            " JOIN coordination_user u ON u.id = p.user_id"
            " WHERE u.username LIKE 'b-helper%%' ORDER BY random() LIMIT 5000"
        )
        helper_entries = cursor.fetchall()
    pages = -(-AccessEvent.objects.filter(entry__case=large).count() // 25)

    def entry_list(rng: random.Random) -> tuple[Any, str]:
        case_id, user_id = rng.choice(helper_rows)
        return clients.api(users[user_id]), f"/api/v1/cases/{case_id}/entries/"

    def entry_open(rng: random.Random) -> tuple[Any, str]:
        user_id, entry_id = rng.choice(helper_entries)
        return clients.api(users[user_id]), f"/api/v1/entries/{entry_id}/"

    def who_knows_what_small(rng: random.Random) -> tuple[Any, str]:
        case_id, youth_id = rng.choice(small_cases)
        return clients.api(users[youth_id]), f"/api/v1/cases/{case_id}/who-knows-what/"

    def who_knows_what_large(rng: random.Random) -> tuple[Any, str]:
        return clients.api(users[large.youth_id]), f"/api/v1/cases/{large.pk}/who-knows-what/"

    def who_knows_what_page(rng: random.Random) -> tuple[Any, str]:
        return clients.page(users[large.youth_id]), f"/cases/{large.pk}/who-knows-what/"

    def youth_home(rng: random.Random) -> tuple[Any, str]:
        _, youth_id = rng.choice(small_cases)
        return clients.page(users[youth_id]), "/"

    def overview(rng: random.Random) -> tuple[Any, str]:
        return clients.page(users[rng.choice(coordinators)]), "/ungdomshjelper/"

    def access_log(rng: random.Random) -> tuple[Any, str]:
        page = rng.randint(1, pages)
        return (
            clients.api(users[large.youth_id]),
            f"/api/v1/cases/{large.pk}/access-log/?page={page}",
        )

    return [
        Read("entry list (helper, API)", entry_list),
        Read("entry open (helper, API)", entry_open),
        Read("who-knows-what ~50 entries (API)", who_knows_what_small),
        Read("who-knows-what 500 entries (API)", who_knows_what_large),
        Read("who-knows-what 500 entries page", who_knows_what_page),
        Read("youth's home page", youth_home),
        Read("ungdomshjelper overview page", overview),
        Read(f"access log, 10,000 opens, 1 of {pages} pages (API)", access_log),
    ]


def call(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: the benchmark data is not right")
    return response


def replay(statements: list[str]) -> None:
    """The statements once more on the raw database connection, every row fetched: the time
    the database and the round trips take, and nothing of Python but the driver."""
    from django.db import connection

    with connection.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()


def sample(read: Read, rng: random.Random) -> None:
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    client, url = read.pick(rng)
    # The query log is a deque of 9,000: once full, a capture would see no new statement.
    reset_queries()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call(client, url)
            read.api.append((time.perf_counter() - started) * 1000)
        statements = [query["sql"] for query in captured.captured_queries]
        if not statements:
            raise SystemExit(f"{url}: no SQL statement captured, so no ratio")
        started = time.perf_counter()
        replay(statements)
        read.sql.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    read.statements.add(len(statements))


def peak_memory(read: Read, rng: random.Random) -> None:
    from django.db import transaction

    tracemalloc.start()
    try:
        for _ in range(MEMORY_CALLS):
            client, url = read.pick(rng)
            with transaction.atomic():
                tracemalloc.reset_peak()
                call(client, url)
                read.peak_bytes = max(read.peak_bytes, tracemalloc.get_traced_memory()[1])
                transaction.set_rollback(True)
    finally:
        tracemalloc.stop()


def report(measured: list[Read], samples: int) -> str:
    lines = [
        f"{'read':<46}{'call p50':>10}{'p95':>9}{'SQL p50':>10}{'p95':>9}{'ratio':>7}"
        f"{'stmts':>7}{'peak':>8}",
        f"{'':<46}{'ms':>10}{'ms':>9}{'ms':>10}{'ms':>9}{'':>7}{'':>7}{'MiB':>8}",
    ]
    for read in measured:
        api, sql = statistics.median(read.api), statistics.median(read.sql)
        counts = "/".join(str(count) for count in sorted(read.statements))
        lines.append(
            f"{read.name:<46}{api:>10.1f}{percentile(read.api, 95):>9.1f}{sql:>10.2f}"
            f"{percentile(read.sql, 95):>9.2f}{api / sql:>6.1f}x{counts:>7}"
            f"{read.peak_bytes / 2**20:>8.2f}"
        )
    lines.append(
        f"({samples} samples a read, interleaved; ratio = call p50 / SQL p50; peak = the "
        f"largest of {MEMORY_CALLS} calls' Python allocations, tracemalloc)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=200, help="per read (at least 100)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--only", action="append", default=[], help="measure only reads whose name contains this"
    )
    parser.add_argument(
        "--small",
        action="store_true",
        help="a municipality of 100 cases / 5,000 entries in its own database (quick loops)",
    )
    args = parser.parse_args()
    if args.samples < 100:
        parser.error("--samples: at least 100, or the p95 is one or two calls")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")
    from benchmarks.municipality import use_bench_database

    use_bench_database(f"{BENCH_DATABASE}_small" if args.small else BENCH_DATABASE)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from cases.models import Case

    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        if args.small:
            build(100, 5_000, 15_000, args.seed)
        else:
            build(2000, 100_000, 300_000, args.seed)
    if not Case.objects.filter(title=LARGE_CASE).exists():
        build_large_case(entries=500, access_events=10_000, seed=args.seed)
    # The throttles stay on (a Redis round trip a call, as in production) at rates that one
    # person called 200 times a minute does not reach.
    settings.SAMMEN_THROTTLE_RATES = dict.fromkeys(settings.SAMMEN_THROTTLE_RATES, "1000000/min")
    # Each sample rolls back the session save of SESSION_SAVE_EVERY_REQUEST, so a page client's
    # session would expire SAMMEN_SESSION_IDLE_MINUTES after its login, mid-run on a slow machine.
    settings.SESSION_COOKIE_AGE = 24 * 60 * 60

    # django-axes logs every force_login of a page client; the table is the output.
    logging.getLogger("axes").setLevel(logging.WARNING)
    rng = random.Random(args.seed)
    measured = [
        read for read in reads(rng) if not args.only or any(part in read.name for part in args.only)
    ]
    if not measured:
        parser.error("--only: no read's name contains that")
    for read in measured:  # first calls fill per-process caches (content types, templates)
        for _ in range(3):
            sample(read, rng)
        read.api.clear()
        read.sql.clear()
    for _ in range(args.samples):
        for read in rng.sample(measured, len(measured)):
            sample(read, rng)
    for read in measured:
        peak_memory(read, rng)
    print(report(measured, args.samples))


if __name__ == "__main__":
    main()
