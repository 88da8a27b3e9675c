"""The share load test of `make bench` (issue 18 item 3): the production server under many
teachers sharing school notes, through the real Celery worker.

- `seed_load`: once per benchmark database, Sara-like cases in bulk: a youth, a guardian, a
  teacher (the school), a nurse (school health) and a BUP psychologist as helpers, an
  ungdomshjelper, and the youth's two standing rules (`school` -> every helper, `general` -> the
  ungdomshjelper). `notes_ready` tops up the teachers' unshared school notes before each run.
- `Servers`: gunicorn as deployed (gunicorn.conf.py, DEBUG off) and the Celery worker as
  docker-compose runs it, on loopback on SAMMEN_WEB_PORT, against the benchmark database; the
  API's throttle rates raised for this run only. Each is a service of its own, as deployed
  (`start_service`). Stopped afterwards by their own process ids.
- `run_load`: `clients` concurrent API clients (asyncio, aiohttp, one keep-alive connection
  each), each a teacher with a token issued as `POST /api/v1/auth/token/` issues it
  (`api_token_for`), sharing one note after another with the case's two other helpers for
  `seconds`: a standing rule covers them, so each answer must be 201 "shared". Any other answer
  (a 202 too: the rule did not cover them), or none, is an error.
- Notification latency: a share writes three outbox rows (the youth's `entry_shared`, each
  recipient's `entry_received`) in its transaction; the worker delivers each and stamps
  `delivered_at`. A share's latency runs from the client's clock just before it sends the
  request to the last of its three `delivered_at` (the worker's clock: same machine).
- CPU per share: the CPU time the web server's, the worker's and PostgreSQL's processes and the
  client used during the run, per share (`tree_cpu_seconds`): what a share costs whatever else
  the machine runs, and the ceiling that sets on 2 cores.
- `profile_share`: one share at a time in this process through the real view and token
  authentication, each SQL statement timed and sorted into the share's steps.
"""

import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks.municipality import _team, percentile
from scripts.production_env import production_env

LOAD_CASE = "Last-sak"  # title prefix of the load's cases
ROOT = Path(__file__).resolve().parent.parent
GOAL_SHARES_PER_SECOND = 200
GOAL_NOTIFICATION_P95_MS = 250


@dataclass
class Job:
    """One share to make: the teacher's note and the two helpers it goes to."""

    teacher: int
    entry: int
    recipients: list[int]


@dataclass
class LoadResult:
    seconds: float
    # Each answered share: (entry id, wall clock at the request's start, request ms)
    started: list[tuple[int, float, float]] = field(default_factory=list)
    answers: Counter = field(default_factory=Counter)  # status, or the exception's name
    latency_ms: list[float] = field(default_factory=list)
    after_answer_ms: list[float] = field(default_factory=list)  # latency less the request
    undelivered: int = 0
    windows: list[float] = field(default_factory=list)  # shares/s in each 10 s
    # CPU seconds used during the run: "web", "worker", "PostgreSQL" (process trees), "client"
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    load_average: tuple[float, ...] = ()

    @property
    def shared(self) -> int:
        return self.answers[201]

    @property
    def errors(self) -> int:
        return sum(self.answers.values()) - self.shared


def seed_load(*, cases: int) -> None:
    """`cases` Sara-like cases, in bulk, once: the people, the team and the two standing rules.
    Their notes come from `notes_ready`."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Participant
    from consent.models import SharingRule
    from coordination.models import Guardianship, User
    from services_registry.models import Organization, Service

    if Case.objects.filter(title__startswith=LOAD_CASE).exists():
        return
    now = timezone.now()
    password = make_password(None)
    with transaction.atomic():
        org = Organization.objects.create(name="Last kommune")
        school, health, bup = Service.objects.bulk_create(
            [Service(organization=org, name=name) for name in ("Skolen", "Helsesøster", "BUP")]
        )
        people = {
            role: User.objects.bulk_create(
                [
                    User(
                        username=f"l-{role}{n}",
                        password=password,
                        birth_date=now.date().replace(year=now.year - 16)
                        if role == "youth"
                        else None,
                    )
                    for n in range(cases)
                ],
                batch_size=5000,
            )
            for role in ("youth", "guardian", "teacher", "nurse", "bup", "coordinator")
        }
        Guardianship.objects.bulk_create(
            [
                Guardianship(youth=youth, guardian=guardian, reason="Folkeregisteret")
                for youth, guardian in zip(people["youth"], people["guardian"], strict=True)
            ]
        )
        made = Case.objects.bulk_create(
            [
                Case(title=f"{LOAD_CASE} {n}", youth=people["youth"][n], created=now)
                for n in range(cases)
            ]
        )
        teams: list[Participant] = []
        rules: list[SharingRule] = []
        for n, case in enumerate(made):
            youth, coordinator = people["youth"][n], people["coordinator"][n]
            teams += _team(
                case,
                youth=youth,
                guardian=people["guardian"][n],
                coordinator=coordinator,
                helpers=[
                    (people["teacher"][n], school),
                    (people["nurse"][n], health),
                    (people["bup"][n], bup),
                ],
            )
            rules += [
                SharingRule(
                    case=case, category="school", recipient_role="helper", created_by=youth
                ),
                SharingRule(
                    case=case, category="general", recipient_user=coordinator, created_by=youth
                ),
            ]
        Participant.objects.bulk_create(teams, batch_size=5000)
        SharingRule.objects.bulk_create(rules, batch_size=5000)


def notes_ready(*, needed: int, rng: Any) -> list[Job]:
    """At least `needed` school notes by the load's teachers that nobody has received yet
    (written here in bulk when there are fewer, with the author's and the youth's view_entry
    rows as entry_create makes them), as shares to make, in a random order."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, Entry, EntryUserObjectPermission, Participant
    from cases.permissions import view_entry_permission

    def unshared() -> list[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.id, e.author_id FROM cases_entry e JOIN cases_case c ON c.id = e.case_id"
                " WHERE c.title LIKE %s AND NOT EXISTS"
                " (SELECT 1 FROM consent_disclosure d WHERE d.entry_id = e.id)",
                [f"{LOAD_CASE} %"],
            )
            return cursor.fetchall()

    notes = unshared()
    if len(notes) < needed:
        cases = list(Case.objects.filter(title__startswith=LOAD_CASE).order_by("pk"))
        teacher = dict(
            Participant.objects.filter(case__in=cases, service__name="Skolen").values_list(
                "case_id", "user_id"
            )
        )
        now = timezone.now()
        per_case = -(-(needed - len(notes)) // len(cases))
        with transaction.atomic():
            written = Entry.objects.bulk_create(
                [
                    Entry(
                        case=case,
                        kind="note",
                        category="school",
                        title=f"Skolenotat {n}",
                        body="Tilrettelegging ved prøver. " * 10,
                        author_id=teacher[case.pk],
                        created=now,
                    )
                    for case in cases
                    for n in range(per_case)
                ],
                batch_size=5000,
            )
            youth = {case.pk: case.youth_id for case in cases}
            permission = view_entry_permission()
            EntryUserObjectPermission.objects.bulk_create(
                [
                    EntryUserObjectPermission(
                        content_object_id=entry.pk, user_id=user_id, permission=permission
                    )
                    for entry in written
                    for user_id in (entry.author_id, youth[entry.case_id])
                ],
                batch_size=5000,
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_entry, guardian_userobjectpermission")
        notes = unshared()
    helpers: dict[int, list[int]] = {}
    for case_id, user_id in Participant.objects.filter(
        case__title__startswith=LOAD_CASE, role="helper"
    ).values_list("case_id", "user_id"):
        helpers.setdefault(case_id, []).append(user_id)
    case_of = dict(Entry.objects.filter(pk__in=[e for e, _ in notes]).values_list("pk", "case_id"))
    jobs = [
        Job(teacher, entry, sorted(set(helpers[case_of[entry]]) - {teacher}))
        for entry, teacher in notes
    ]
    rng.shuffle(jobs)
    return jobs


def tokens_issue(user_ids: set[int]) -> dict[int, str]:
    """An API token for each person, issued by the service the token exchange uses."""
    from coordination.models import User
    from coordination.services import api_token_for

    return {user.pk: api_token_for(user=user) for user in User.objects.filter(pk__in=user_ids)}


def tokens_revoke(user_ids: set[int]) -> None:
    from knox.models import AuthToken

    from coordination.services import api_token_revoke

    for token in AuthToken.objects.filter(user_id__in=user_ids):
        api_token_revoke(token=token)


def start_service(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`command` started as a service of its own: in a new session, as docker-compose runs web
    and worker in containers of their own and systemd each unit in its own control group. The
    kernel shares the CPU fairly between such groups first (with autogroup, as here, a session
    is one), so under load the worker's few short tasks get their turn next to 5 busy web
    workers. Started from this process's session instead, the worker was one process among
    the web's in a single group: with 16 clients its deliveries waited p50 0.5-1.5 s for the
    CPU after the answer, 10-17 ms in a session of its own (benchmarks/README.md)."""
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


class Servers:
    """gunicorn (gunicorn.conf.py, as the Docker image runs it) and the Celery worker (as
    docker-compose runs it), DEBUG off, on loopback on `port`, against `database_url`."""

    def __init__(self, *, database_url: str, port: int, log_dir: Path) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_dir = log_dir
        static = Path(tempfile.mkdtemp(prefix="sammen-bench-static-"))
        self.env = (
            os.environ
            | production_env(base_url=self.base)
            | {
                "DATABASE_URL": database_url,
                "STATIC_ROOT": str(static),
                "LOG_LEVEL": "WARNING",
                # For this run only: the teachers share far more than a person may a minute.
                "SAMMEN_THROTTLE_USER": "10000000/min",
                "SAMMEN_THROTTLE_ANON": "10000000/min",
            }
        )
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        # Another server on the port (`make run`'s) would answer for ours, on other data.
        with socket.socket() as probe:
            # As gunicorn binds: the last run's closed connections (TIME_WAIT) do not count.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError:
                raise SystemExit(
                    f"port {self.port} is in use: set SAMMEN_WEB_PORT to a free one"
                ) from None
        self.log_dir.mkdir(parents=True, exist_ok=True)
        commands = {
            "gunicorn": [
                str(ROOT / ".venv/bin/gunicorn"),
                "coordination.wsgi",
                "--bind",
                self.base.removeprefix("http://"),
            ],
            "celery": [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "coordination",
                "worker",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
        }
        for name, command in commands.items():
            self.processes.append(
                start_service(command, env=self.env, log=self.log_dir / f"{name}.log")
            )
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(
                        f"{self.base}/health/", headers={"X-Forwarded-Proto": "https"}
                    ),
                    timeout=5,
                ):
                    return
            except OSError as error:
                if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                    self.stop()
                    raise SystemExit(
                        f"the servers did not start ({error}): see {self.log_dir}"
                    ) from error
                time.sleep(0.5)

    def pids(self) -> dict[str, int]:
        """The gunicorn master and the Celery worker's main process (each with its children)."""
        return {"web": self.processes[0].pid, "worker": self.processes[1].pid}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    @contextmanager
    def running(self) -> Iterator["Servers"]:
        # A TERM (a timeout, a CI job cancelled) stops the servers too, as Ctrl-C does.
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
        self.start()
        try:
            yield self
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, previous)


async def _share_loop(
    session: Any,
    base: str,
    jobs: list[Job],
    tokens: dict[int, str],
    deadline: float,
    result: LoadResult,
) -> None:
    while jobs and time.monotonic() < deadline:
        job = jobs.pop()
        started_wall, started = time.time(), time.perf_counter()
        try:
            async with session.post(
                f"{base}/api/v1/entries/{job.entry}/share/",
                json={"recipients": job.recipients},
                headers={
                    "Authorization": f"Token {tokens[job.teacher]}",
                    # As behind the TLS proxy of an installation (SECURE_SSL_REDIRECT is on).
                    "X-Forwarded-Proto": "https",
                },
            ) as response:
                await response.read()
                answer: int | str = response.status
        except Exception as error:  # a refused or broken connection is an error of the run
            answer = type(error).__name__
        result.answers[answer] += 1
        if answer == 201:
            result.started.append((job.entry, started_wall, (time.perf_counter() - started) * 1000))


async def _load(
    base: str, jobs: list[Job], tokens: dict[int, str], clients: int, seconds: float
) -> LoadResult:
    import aiohttp

    result = LoadResult(seconds=seconds)
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        began = time.monotonic()
        deadline = began + seconds
        await asyncio.gather(
            *(_share_loop(session, base, jobs, tokens, deadline, result) for _ in range(clients))
        )
        result.seconds = time.monotonic() - began
    return result


def run_load(
    *, base: str, jobs: list[Job], clients: int, seconds: float, processes: dict[str, int]
) -> LoadResult:
    """`clients` teachers at once for `seconds`, then waits (at most 60 s) for the worker to
    deliver every notification of the shares that were answered 201, and measures; with the
    CPU time each of `processes` (name: pid, with its children) and this client used."""
    teachers = {job.teacher for job in jobs}
    tokens = tokens_issue(teachers)
    cpu_before = {name: tree_cpu_seconds(pid) for name, pid in processes.items()}
    client_before = time.process_time()
    try:
        result = asyncio.run(_load(base, jobs, tokens, clients, seconds))
        result.cpu_seconds["client"] = time.process_time() - client_before
        result.load_average = os.getloadavg()
    finally:
        tokens_revoke(teachers)
    notification_latency(result)
    for name, pid in processes.items():
        result.cpu_seconds[name] = tree_cpu_seconds(pid) - cpu_before[name]
    return result


def postmaster_pid() -> int:
    """PostgreSQL's main process: the parent of this connection's backend."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) that process `pid` and its descendants have used, those
    still running and those that ended (/proc: a reaped child's time is in its parent's)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After the command name in parentheses: state, ppid, ...
            children.setdefault(int(stat.read_text().rsplit(")", 1)[1].split()[1]), []).append(
                int(stat.parent.name)
            )
        except (OSError, IndexError, ValueError):  # ended meanwhile
            continue

    def used(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), 11-14 after the name
        own = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        return own + sum(used(child) for child in children.get(pid, []))

    return used(pid)


def notification_latency(result: LoadResult, *, wait: float = 60) -> None:
    """Each answered share's latency: from its request's start to the last delivered_at of the
    notifications it wrote; shares whose notifications are not all delivered within `wait`
    seconds after the run count as undelivered. Also the shares/s of each 10 s of the run."""
    from django.db.models import Count, Max

    from coordination.models import Notification

    started = {entry: at for entry, at, _ in result.started}
    request_ms = {entry: ms for entry, _, ms in result.started}
    rows: list[dict] = []
    deadline = time.monotonic() + wait
    while True:
        rows = list(
            Notification.objects.filter(entry_id__in=started)
            .values("entry_id")
            .annotate(count=Count("id"), delivered=Count("delivered_at"), last=Max("delivered_at"))
        )
        done = [row for row in rows if row["delivered"] == row["count"]]
        if len(done) == len(started) or time.monotonic() > deadline:
            break
        time.sleep(1)
    result.latency_ms = [
        (row["last"].timestamp() - started[row["entry_id"]]) * 1000 for row in done
    ]
    result.after_answer_ms = [
        ms - request_ms[row["entry_id"]] for row, ms in zip(done, result.latency_ms, strict=True)
    ]
    result.undelivered = len(started) - len(done)
    first = min(started.values(), default=0.0)
    windows = Counter(int((at - first) // 10) for at in started.values())
    result.windows = [windows[n] / 10 for n in range(int(result.seconds // 10))]


def report(result: LoadResult, *, clients: int, workers: str) -> str:
    rate = result.shared / result.seconds if result.seconds else 0.0
    latency = result.latency_ms or [float("nan")]
    request = [ms for _, _, ms in result.started] or [float("nan")]
    after = result.after_answer_ms or [float("nan")]
    answers = ", ".join(f"{status}: {n}" for status, n in sorted(result.answers.items(), key=str))
    windows = " ".join(f"{w:.0f}" for w in result.windows)
    load = " ".join(f"{value:.1f}" for value in result.load_average)
    return "\n".join(
        [
            f"shares under load: gunicorn ({workers}) + Celery worker (2), {clients} clients, "
            f"{result.seconds:.0f} s, load average {load}",
            f"  shares/s {rate:.1f} (goal >= {GOAL_SHARES_PER_SECOND}); each 10 s: {windows}",
            f"  errors {result.errors} (goal 0); answers: {answers}",
            f"  request p50 {statistics.median(request):.1f} ms, "
            f"p95 {percentile(request, 95):.1f} ms",
            f"  share -> notification delivered p50 {statistics.median(latency):.1f} ms, "
            f"p95 {percentile(latency, 95):.1f} ms (goal <= {GOAL_NOTIFICATION_P95_MS}); "
            f"undelivered {result.undelivered}",
            f"    of which after the answer (commit, broker, worker pick-up and delivery) "
            f"p50 {statistics.median(after):.1f} ms, p95 {percentile(after, 95):.1f} ms",
            cpu_line(result),
        ]
    )


def cpu_line(result: LoadResult) -> str:
    """CPU milliseconds a share cost each process, whatever else the machine ran meanwhile, and
    the ceiling they set on 2 cores."""
    if not result.shared or not result.cpu_seconds:
        return "  CPU per share: not measured"
    per_share = {name: s * 1000 / result.shared for name, s in result.cpu_seconds.items()}
    parts = ", ".join(f"{name} {ms:.1f}" for name, ms in per_share.items())
    total = sum(per_share.values())
    return (
        f"  CPU ms per share: {parts}; together {total:.1f} ms, a ceiling of "
        f"{2000 / total:.0f} shares/s on 2 cores"
    )


# --- One share, step by step -------------------------------------------------------------

# The share's SQL statements by step, first match wins (the statements as Django writes them).
STEPS = [
    (
        "auth (token)",
        re.compile(r'"knox_authtoken"|^SELECT .* FROM "coordination_user" WHERE', re.S),
    ),
    ("case lock", re.compile(r'FROM "cases_case".*FOR NO KEY UPDATE', re.S)),
    ("audit lock wait", re.compile(r"pg_advisory_xact_lock")),
    ("audit append", re.compile(r'"coordination_auditevent"')),
    # entries_visible (cases.selectors.access_entry): the view's check, and again under the lock
    ("access check (entry)", re.compile(r'^SELECT .* FROM "cases_entry" ', re.S)),
    (
        "permission rows",
        re.compile(r'INSERT INTO "cases_entryuserobjectpermission"|FROM "auth_permission"'),
    ),
    ("disclosures", re.compile(r'INSERT INTO "consent_disclosure"')),
    ("outbox", re.compile(r'"coordination_notification"')),
    ("commit", re.compile(r"^COMMIT$")),
]


@dataclass
class ShareProfile:
    steps: dict[str, list[float]] = field(default_factory=dict)
    statements: list[int] = field(default_factory=list)
    total: list[float] = field(default_factory=list)


def profile_share(jobs: list[Job], *, shares: int) -> ShareProfile:
    """`shares` shares one after another in this process through the real view, with token
    authentication and the throttles, each committed; every SQL statement timed and put under
    its step, the rest of the call under "Python and Redis"."""
    from django.db import connection, reset_queries
    from rest_framework.test import APIClient

    profile = ShareProfile()
    picked = [jobs.pop() for _ in range(min(shares, len(jobs)))]
    teachers = {job.teacher for job in picked}
    tokens = tokens_issue(teachers)
    # One client for all: a client loads the middleware on its first call (WhiteNoise reads
    # every static file's metadata then, ~50 ms), which a server worker does once, not per share.
    client = APIClient(SERVER_NAME="localhost", HTTP_X_FORWARDED_PROTO="https")
    try:
        for job in picked:
            client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[job.teacher]}")
            timed: list[tuple[str, float]] = []

            def timer(execute, sql, params, many, context, timed=timed):  # type: ignore[no-untyped-def]
                began = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    timed.append((sql, (time.perf_counter() - began) * 1000))

            def commit(commit=connection._commit, timed=timed):  # type: ignore[no-untyped-def]
                began = time.perf_counter()  # COMMIT is not a statement Django executes
                try:
                    return commit()
                finally:
                    timed.append(("COMMIT", (time.perf_counter() - began) * 1000))

            reset_queries()
            began = time.perf_counter()
            with (
                connection.execute_wrapper(timer),
                mock.patch.object(connection, "_commit", commit),
            ):
                response = client.post(
                    f"/api/v1/entries/{job.entry}/share/",
                    {"recipients": job.recipients},
                    format="json",
                )
            total = (time.perf_counter() - began) * 1000
            if response.status_code != 201:
                raise SystemExit(f"a profiled share answered {response.status_code}")
            steps: dict[str, float] = Counter()
            for sql, ms in timed:
                steps[_step(sql)] += ms
            steps["Python and Redis"] = total - sum(ms for _, ms in timed)
            for step, ms in steps.items():
                profile.steps.setdefault(step, []).append(ms)
            profile.statements.append(len(timed))
            profile.total.append(total)
    finally:
        tokens_revoke(teachers)
    return profile


def _step(sql: str) -> str:
    from coordination.statements import statement_text

    # A compiled read sends EXECUTE of the text it prepared (coordination.statements).
    sql = statement_text(sql)
    for name, pattern in STEPS:
        if pattern.search(sql):
            return name
    return "other SQL (rules, team, checks)"


def profile_report(profile: ShareProfile) -> str:
    n = len(profile.total)
    lines = [
        f"one share, step by step ({n} shares one after another in-process, token auth, "
        f"{'/'.join(map(str, sorted(set(profile.statements))))} statements):",
        f"  {'step':<34}{'p50 ms':>9}{'p95 ms':>9}",
    ]
    order = [name for name, _ in STEPS] + ["other SQL (rules, team, checks)", "Python and Redis"]
    for name in order:
        # A step a share did not reach counts as 0 ms for that share.
        values = profile.steps.get(name, []) + [0.0] * (n - len(profile.steps.get(name, [])))
        if values:
            lines.append(
                f"  {name:<34}{statistics.median(values):>9.2f}{percentile(values, 95):>9.2f}"
            )
    lines.append(
        f"  {'whole call':<34}{statistics.median(profile.total):>9.2f}"
        f"{percentile(profile.total, 95):>9.2f}"
    )
    return "\n".join(lines)


def gunicorn_workers(env: dict[str, str]) -> str:
    """The worker count and class gunicorn.conf.py gives in this environment."""
    import multiprocessing

    count = env.get("WEB_CONCURRENCY") or str(2 * multiprocessing.cpu_count() + 1)
    return f"{count} sync workers"


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
