"""`make bench`: each hot read through the real views, against the same SQL run bare.

On the benchmark municipality of benchmarks/municipality.py (database `sammen_bench`, built on
the first run and reused after, plus one large case of 500 entries and 10,000 opens and the
finder's catalogue of 5,000 services of benchmarks/catalogue.py), for each
read and in one process: p50/p95 of the call in-process (middleware, view, serializer or
template, rendering; API reads through DRF's APIClient with force_authenticate, pages through
Django's test Client with a session), p50/p95 of re-running exactly the SQL statements that
call issued (captured with CaptureQueriesContext) on a raw psycopg2 cursor with every row
fetched, and the ratio of the two medians. The reads take turns (interleaved, in a random order
each round, a random subject each time) so that a busy machine weighs on all of them alike.
Each call runs in a transaction rolled back afterwards, so opening an entry logs nothing that
stays. Last, the peak Python memory of one call of each read (tracemalloc, separate calls: it
slows what it traces).

It measures the production configuration, not scripts/env.sh's development one: DEBUG off
(no debug cursor logging every statement, no browsable API renderer, WhiteNoise in the
middleware), HTTPS as behind the proxy (X-Forwarded-Proto, so the SSL redirect and HSTS
apply), and the timed call runs without CaptureQueriesContext: the statements are captured on
a twin call in a savepoint rolled back just before (production_environment, sample).

    make bench                       # or: .venv/bin/python -m benchmarks.bench --samples 200
"""

import argparse
import gc
import logging
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.catalogue import SEARCHES, build_catalogue
from benchmarks.municipality import (
    BENCH_DATABASE,
    LARGE_CASE,
    LIST_CASES,
    build,
    build_large_case,
    build_list_cases,
    percentile,
)
from scripts.production_env import production_env

MEMORY_CALLS = 5
CATALOGUE_SERVICES = 5000
# What a client sees behind the TLS proxy (settings.SECURE_PROXY_SSL_HEADER).
HTTPS = {"SERVER_NAME": "localhost", "HTTP_X_FORWARDED_PROTO": "https"}
LOAD_NAME = "shares under load (gunicorn + Celery)"
WARM_UP_SECONDS = 5


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
    """One client per person, made on first use. An API client is authenticated without a
    session; a page client is signed in anew inside each call's transaction (sign_in), which is
    rolled back with the call: its session, the stamp of the person's visit that the login
    makes ("new since your last visit"), their last_login and django-axes' log of the login
    never reach the benchmark database, so no run moves what the next one measures."""

    def __init__(self) -> None:
        self._api: dict[int, Any] = {}
        self._page: dict[int, Any] = {}

    def api(self, user: Any) -> Any:
        from rest_framework.test import APIClient

        if user.pk not in self._api:
            client = APIClient(**HTTPS)
            client.force_authenticate(user)
            self._api[user.pk] = client
        return self._api[user.pk]

    def page(self, user: Any) -> Any:
        from django.test import Client

        if user.pk not in self._page:
            client = Client(**HTTPS)
            client.bench_user = user
            self._page[user.pk] = client
        return self._page[user.pk]

    def anonymous(self) -> tuple[Any, Any]:
        """A visitor who is not logged in: (API client, page client)."""
        from django.test import Client
        from rest_framework.test import APIClient

        return APIClient(**HTTPS), Client(**HTTPS)


def reads(rng: random.Random) -> list[Read]:
    """The reads of issue 18 and the subjects each is measured for."""
    from django.db import connection

    from cases.models import AccessEvent, Case, Participant
    from coordination.models import User

    clients = Clients()
    users = {user.pk: user for user in User.objects.filter(username__startswith="b-")}
    # The municipality's people (b-...) on its own cases: not the share load's people
    # (benchmarks/load.py, l-...) nor the cases of the lists (build_list_cases).
    participants = Participant.objects.filter(user__username__startswith="b-").exclude(
        case__title__startswith=LIST_CASES
    )
    helper_rows = list(
        participants.active().filter(role="helper").values_list("case_id", "user_id")
    )
    large = Case.objects.get(title=LARGE_CASE)
    small_cases = list(
        Case.objects.filter(youth__username__startswith="b-")
        .exclude(pk=large.pk)
        .exclude(title__startswith=LIST_CASES)
        .values_list("pk", "youth_id")
        .order_by("pk")
    )
    coordinators = sorted(
        set(participants.filter(role="ungdomshjelper").values_list("user_id", flat=True))
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

    def case_list(rng: random.Random) -> tuple[Any, str]:
        _, user_id = rng.choice(helper_rows)
        return clients.api(users[user_id]), "/api/v1/cases/"

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

    visitor_api, visitor_page = clients.anonymous()

    def finder_query(rng: random.Random) -> str:
        search = rng.choice(SEARCHES)
        return urlencode({key: "on" if value is True else value for key, value in search.items()})

    def finder_search(rng: random.Random) -> tuple[Any, str]:
        return visitor_api, f"/api/v1/services/?{finder_query(rng)}"

    def finder_page(rng: random.Random) -> tuple[Any, str]:
        return visitor_page, f"/services/?{finder_query(rng)}"

    return [
        Read("entry list (helper, API)", entry_list),
        Read("entry open (helper, API)", entry_open),
        Read("who-knows-what ~50 entries (API)", who_knows_what_small),
        Read("who-knows-what 500 entries (API)", who_knows_what_large),
        Read("who-knows-what 500 entries page", who_knows_what_page),
        Read("youth's home page", youth_home),
        Read("ungdomshjelper overview page", overview),
        Read(f"access log, 10,000 opens, 1 of {pages} pages (API)", access_log),
        Read(f"finder search, {CATALOGUE_SERVICES:,} services (API)", finder_search),
        Read(f"finder page /services/, {CATALOGUE_SERVICES:,} services", finder_page),
        Read("case list (helper, API)", case_list),
        *list_reads(clients, users),
    ]


def list_reads(clients: Clients, users: dict[int, Any]) -> list[Read]:
    """The lists of #10-#13 (issue 18 item 2, last clause), on the cases of build_list_cases,
    each for the people who read it there."""
    from cases.models import Case, Participant
    from consent.models import ConsentRequest
    from referrals.models import Referral
    from services_registry.models import ServiceStaff

    cases = list(Case.objects.filter(title__startswith=LIST_CASES).values_list("pk", "youth_id"))
    team = list(
        Participant.objects.active()
        .filter(case__title__startswith=LIST_CASES)
        .values_list("case_id", "user_id", "role")
    )
    coordinators = [(c, u) for c, u, role in team if role == "ungdomshjelper"]
    everyone = sorted({user_id for _, user_id, _ in team})
    referrers = sorted(set(Referral.objects.values_list("created_by_id", flat=True)))
    intake = sorted(
        set(ServiceStaff.objects.filter(receives_referrals=True).values_list("user_id", flat=True))
    )
    deciders = sorted(
        set(
            ConsentRequest.deciders.through.objects.filter(
                consentrequest__status="pending"
            ).values_list("user_id", flat=True)
        )
    )

    def on_case(rows: list[tuple[int, int]], path: str) -> Callable[[random.Random], Any]:
        def pick(rng: random.Random) -> tuple[Any, str]:
            case_id, user_id = rng.choice(rows)
            return clients.api(users[user_id]), f"/api/v1/cases/{case_id}/{path}/"

        return pick

    def of(people: list[int], url: str) -> Callable[[random.Random], Any]:
        def pick(rng: random.Random) -> tuple[Any, str]:
            return clients.api(users[rng.choice(people)]), url

        return pick

    return [
        Read("invitations (ungdomshjelper, API)", on_case(coordinators, "invitations")),
        Read("referrals sent (helper, API)", of(referrers, "/api/v1/referrals/?box=sent")),
        Read("referrals received (intake, API)", of(intake, "/api/v1/referrals/?box=received")),
        Read("blocks (youth, API)", on_case(cases, "blocks")),
        Read("rooms (youth, API)", on_case(cases, "rooms")),
        Read("notifications (API)", of(everyone, "/api/v1/notifications/")),
        Read("consent requests (decider, API)", of(deciders, "/api/v1/consent-requests/")),
        Read("meetings (youth, API)", on_case(cases, "meetings")),
        Read("messages (youth, API)", on_case(cases, "messages")),
    ]


def sign_in(client: Any) -> None:
    """A page client's login (Clients.page), inside the caller's transaction, before the calls
    it makes there: rolled back with them."""
    user = getattr(client, "bench_user", None)
    if user is not None:
        client.force_login(user)


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
    """One subject: its statements captured on a call rolled back to a savepoint, then the
    call timed as production runs it (no debug cursor), then the statements replayed."""
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    client, url = read.pick(rng)
    # The query log is a deque of 9,000: once full, a capture would see no new statement.
    reset_queries()
    with transaction.atomic():
        sign_in(client)
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            call(client, url)
            transaction.set_rollback(True)
        statements = [query["sql"] for query in captured.captured_queries]
        if not statements:
            raise SystemExit(f"{url}: no SQL statement captured, so no ratio")
        started = time.perf_counter()
        call(client, url)
        read.api.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        replay(statements)
        read.sql.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    read.statements.add(len(statements))


def peak_memory(read: Read, rng: random.Random) -> None:
    from django.db import transaction

    for _ in range(MEMORY_CALLS):
        client, url = read.pick(rng)
        with transaction.atomic():
            sign_in(client)
            # A first call not traced, as in sample() and profile(): a client's first call loads
            # its handler's middleware (WhiteNoise reading every static file, ~1.3 MiB on
            # --small), which production does once a process. Traced, it was the peak of
            # whichever read drew a new client (entry open's 3.66 MiB in session 12), and what
            # it keeps counted in every later call's peak.
            call(client, url)
            tracemalloc.start()
            try:
                call(client, url)
                read.peak_bytes = max(read.peak_bytes, tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
            transaction.set_rollback(True)


def profile(read: Read, rng: random.Random, calls: int) -> None:
    """cProfile of `calls` calls of the read as sample() times them (no capture), printed by
    cumulative time: where the Python around the SQL goes."""
    import cProfile
    import pstats

    from django.db import transaction

    profiler = cProfile.Profile()
    for _ in range(calls):
        client, url = read.pick(rng)
        with transaction.atomic():
            sign_in(client)
            # A client's first call loads its handler's middleware (WhiteNoise scans every
            # static file): sample() pays it in its untimed capture call, so this does too.
            call(client, url)
            transaction.set_rollback(True)
        with transaction.atomic():
            sign_in(client)
            profiler.enable()
            call(client, url)
            profiler.disable()
            transaction.set_rollback(True)
    print(f"--- {read.name}: {calls} calls")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


def report(measured: list[Read], samples: int) -> str:
    lines = [
        f"{'read':<46}{'call p50':>10}{'p95':>9}{'SQL p50':>10}{'p95':>9}{'ratio':>7}"
        f"{'stmts':>10}{'peak':>8}",
        f"{'':<46}{'ms':>10}{'ms':>9}{'ms':>10}{'ms':>9}{'':>7}{'':>10}{'MiB':>8}",
    ]
    for read in measured:
        api, sql = statistics.median(read.api), statistics.median(read.sql)
        counts = "/".join(str(count) for count in sorted(read.statements))
        lines.append(
            f"{read.name:<46}{api:>10.1f}{percentile(read.api, 95):>9.1f}{sql:>10.2f}"
            f"{percentile(read.sql, 95):>9.2f}{api / sql:>6.1f}x{counts:>10}"
            f"{read.peak_bytes / 2**20:>8.2f}"
        )
    lines.append(
        f"({samples} samples a read, interleaved; ratio = call p50 / SQL p50; peak = the "
        f"largest of {MEMORY_CALLS} calls' Python allocations, tracemalloc)"
    )
    return "\n".join(lines)


def production_environment() -> None:
    """The settings production runs with (coordination/settings.py with DEBUG off), on the
    local services: throwaway keys (nothing signed here outlives the run), the bench host
    allowed, an HTTPS base URL. Before Django reads its settings."""
    os.environ.update(production_env(base_url=f"https://{HTTPS['SERVER_NAME']}"))
    # The pages read the static files' manifest, as production's do (collected in main()).
    root = Path(__file__).resolve().parent.parent
    os.environ["STATIC_ROOT"] = str(root / ".data" / "bench-static")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=200, help="per read (at least 100)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--only", action="append", default=[], help="measure only reads whose name contains this"
    )
    parser.add_argument("--load-seconds", type=float, default=60, help="the share load's length")
    parser.add_argument(
        "--load-clients", type=int, default=16, help="teachers sharing at once in the load"
    )
    parser.add_argument(
        "--profile-shares", type=int, default=50, help="shares profiled one after another"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="CALLS",
        help="instead of the table: a cProfile of this many calls of each read measured",
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
    production_environment()
    from benchmarks.municipality import use_bench_database

    use_bench_database(f"{BENCH_DATABASE}_small" if args.small else BENCH_DATABASE)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from cases.models import Case

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # The eager deliveries of build_list_cases log a line each; the table is the output.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    if not Case.objects.exists():
        if args.small:
            build(100, 5_000, 15_000, args.seed)
        else:
            build(2000, 100_000, 300_000, args.seed)
    if not Case.objects.filter(title=LARGE_CASE).exists():
        build_large_case(entries=500, access_events=10_000, seed=args.seed)
    build_catalogue(services=CATALOGUE_SERVICES, seed=args.seed)
    if not Case.objects.filter(title__startswith=LIST_CASES).exists():
        build_list_cases(cases=10, seed=args.seed)
    # The throttles stay on (a Redis round trip a call, as in production) at rates that one
    # person called 200 times a minute does not reach.
    settings.SAMMEN_THROTTLE_RATES = dict.fromkeys(settings.SAMMEN_THROTTLE_RATES, "1000000/min")
    # django-axes logs every force_login of a page client; the table is the output.
    logging.getLogger("axes").setLevel(logging.WARNING)
    rng = random.Random(args.seed)
    measured = [
        read for read in reads(rng) if not args.only or any(part in read.name for part in args.only)
    ]
    with_load = not args.only or any(part in LOAD_NAME for part in args.only)
    if not measured and not with_load:
        parser.error("--only: no read's name contains that")
    if args.profile:
        for read in measured:
            profile(read, rng, args.profile)
        return
    if measured:
        measure_reads(measured, rng, args.samples)
    if with_load:
        share_load(args, rng)


def measure_reads(measured: list[Read], rng: random.Random, samples: int) -> None:
    # As a gunicorn worker does once it has loaded the app (coordination/wsgi.py): what lives
    # as long as the process (here also the bench's people, clients and municipality) is frozen
    # out of the cyclic GC's full collections; the calls' caches made later are not.
    gc.collect()
    gc.freeze()
    for read in measured:  # first calls fill per-process caches (content types, templates)
        for _ in range(3):
            sample(read, rng)
        # The first calls also fill per-process caches with statements of their own (Django's
        # ContentType cache: the entry list's "3 or 4" statements); not counted.
        read.api.clear()
        read.sql.clear()
        read.statements.clear()
    for _ in range(samples):
        for read in rng.sample(measured, len(measured)):
            sample(read, rng)
    for read in measured:
        peak_memory(read, rng)
    print(report(measured, samples))


def share_load(args: argparse.Namespace, rng: random.Random) -> None:
    """The production server and the Celery worker under teachers sharing (benchmarks/load.py):
    one share profiled step by step, then the load, its errors and notification latency."""
    from django.conf import settings

    from benchmarks import load

    load.seed_load(cases=50 if args.small else 400)
    needed = (
        int(load.GOAL_SHARES_PER_SECOND * 1.25 * (args.load_seconds + WARM_UP_SECONDS))
        + args.profile_shares
    )
    jobs = load.notes_ready(needed=needed, rng=rng)
    database = settings.DATABASES["default"]
    servers = load.Servers(
        database_url=os.environ["DATABASE_URL"],
        port=int(os.environ.get("SAMMEN_WEB_PORT", "8000")),
        log_dir=Path(settings.BASE_DIR) / ".data" / "bench-servers",
    )
    print(f"\n{LOAD_NAME} on {database['NAME']}, {load.now_stamp()}")
    with servers.running():
        print(load.profile_report(load.profile_share(jobs, shares=args.profile_shares)))
        # The workers' first requests and the Celery worker's first tasks are not measured.
        processes = servers.pids() | {"PostgreSQL": load.postmaster_pid()}
        load.run_load(
            base=servers.base, jobs=jobs, clients=2, seconds=WARM_UP_SECONDS, processes={}
        )
        result = load.run_load(
            base=servers.base,
            jobs=jobs,
            clients=args.load_clients,
            seconds=args.load_seconds,
            processes=processes,
        )
    print(
        load.report(result, clients=args.load_clients, workers=load.gunicorn_workers(servers.env))
    )


if __name__ == "__main__":
    main()
