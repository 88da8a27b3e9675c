"""Builds a municipality of 2,000 cases / 100,000 entries / 300,000 disclosures in its own
database (bulk inserts) and reports p50/p95 of the entry list, opening an entry and
who-knows-what, through the real API views, plus EXPLAIN of the permission queries.

    source scripts/env.sh && scripts/services.sh start
    .venv/bin/python -m benchmarks.municipality            # builds once into sammen_bench, measures
    .venv/bin/python -m benchmarks.municipality --rebuild  # drops and rebuilds the data
"""

import argparse
import os
import random
import statistics
import sys
import time
from urllib.parse import urlparse, urlunparse

BENCH_DATABASE = "sammen_bench"


def use_bench_database() -> None:
    import psycopg2

    url = urlparse(os.environ["DATABASE_URL"])
    bench = url._replace(path=f"/{BENCH_DATABASE}")
    os.environ["DATABASE_URL"] = urlunparse(bench)
    admin = psycopg2.connect(
        host=url.hostname,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    admin.close()


def build(n_cases: int, n_entries: int, n_disclosures: int, seed: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import AccessEvent, Case, Entry, EntryUserObjectPermission, Participant
    from cases.permissions import view_entry_permission
    from consent.models import Disclosure
    from coordination.models import Guardianship, User
    from services_registry.models import Organization, Service

    rng = random.Random(seed)
    now = timezone.now()
    batch = 5000
    password = make_password(None)
    started = time.monotonic()
    with transaction.atomic():
        org = Organization.objects.create(name="Bench kommune")
        services = Service.objects.bulk_create(
            [Service(organization=org, name=f"Tjeneste {n}") for n in range(20)]
        )
        youths = User.objects.bulk_create(
            [
                User(
                    username=f"b-youth{n}",
                    password=password,
                    birth_date=now.date().replace(year=now.year - 16 + (n % 5)),
                )
                for n in range(n_cases)
            ],
            batch_size=batch,
        )
        guardians = User.objects.bulk_create(
            [User(username=f"b-guardian{n}", password=password) for n in range(n_cases)],
            batch_size=batch,
        )
        # Only registered guardians are guardians on a case (docs/architecture.md §2).
        Guardianship.objects.bulk_create(
            [
                Guardianship(youth=youths[n], guardian=guardians[n], reason="Folkeregisteret")
                for n in range(n_cases)
            ],
            batch_size=batch,
        )
        helpers = User.objects.bulk_create(
            [User(username=f"b-helper{n}", password=password) for n in range(600)], batch_size=batch
        )
        coordinators = User.objects.bulk_create(
            [User(username=f"b-coordinator{n}", password=password) for n in range(100)],
            batch_size=batch,
        )
        cases = Case.objects.bulk_create(
            [Case(title=f"Sak {n}", youth=youths[n], created=now) for n in range(n_cases)],
            batch_size=batch,
        )
        participants = []
        team_of: dict[int, list[int]] = {}
        helpers_of: dict[int, list[int]] = {}
        for n, case in enumerate(cases):
            case_helpers = rng.sample(helpers, 4)
            coordinator = rng.choice(coordinators)
            participants += [
                Participant(case=case, user=youths[n], role="youth", joined=now),
                Participant(case=case, user=guardians[n], role="guardian", joined=now),
                Participant(case=case, user=coordinator, role="ungdomshjelper", joined=now),
            ]
            participants += [
                Participant(
                    case=case, user=h, role="helper", service=rng.choice(services), joined=now
                )
                for h in case_helpers
            ]
            helpers_of[case.pk] = [h.pk for h in case_helpers]
            team_of[case.pk] = [guardians[n].pk, coordinator.pk] + helpers_of[case.pk]
        Participant.objects.bulk_create(participants, batch_size=batch)
        per_case = n_entries // n_cases
        categories = ["health", "mental_health", "school", "child_welfare", "general", "family"]
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    case=case,
                    kind="note",
                    category=rng.choice(categories),
                    title=f"Notat {n}",
                    body="Tekst " * 40,
                    author_id=rng.choice(helpers_of[case.pk]),
                    created=now,
                )
                for case in cases
                for n in range(per_case)
            ],
            batch_size=batch,
        )
        permission = view_entry_permission()
        youth_of = {case.pk: case.youth_id for case in cases}
        perms = []
        for entry in entries:
            perms.append((entry.pk, entry.author_id))
            perms.append((entry.pk, youth_of[entry.case_id]))
        per_entry = n_disclosures // len(entries)
        disclosures = []
        for entry in entries:
            candidates = [u for u in team_of[entry.case_id] if u != entry.author_id]
            for recipient in rng.sample(candidates, per_entry):
                withdrawn = rng.random() < 0.1
                disclosures.append(
                    Disclosure(
                        entry=entry,
                        recipient_id=recipient,
                        basis=rng.choice(["agreement", "consent"]),
                        granted_by_id=entry.author_id,
                        granted_at=now,
                        withdrawn_at=now if withdrawn else None,
                        withdrawn_by_id=youth_of[entry.case_id] if withdrawn else None,
                        end_reason="withdrawn" if withdrawn else "",
                    )
                )
                if not withdrawn:
                    perms.append((entry.pk, recipient))
        Disclosure.objects.bulk_create(disclosures, batch_size=batch)
        EntryUserObjectPermission.objects.bulk_create(
            [
                EntryUserObjectPermission(content_object_id=e, user_id=u, permission=permission)
                for e, u in perms
            ],
            batch_size=batch,
        )
        AccessEvent.objects.bulk_create(
            [
                AccessEvent(entry_id=e, user_id=u, via="api", at=now)
                for e, u in rng.sample(perms, min(len(perms), n_entries))
            ],
            batch_size=batch,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {len(cases)} cases, {len(entries)} entries, {len(disclosures)} disclosures, "
        f"{len(perms)} view_entry rows in {time.monotonic() - started:.0f} s"
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(samples: int, seed: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from cases.models import Case, Entry, Participant
    from cases.selectors import entries_for_case, entries_visible
    from coordination.models import User

    rng = random.Random(seed)
    helper_rows = list(
        Participant.objects.active().filter(role="helper").values_list("case_id", "user_id")
    )
    case_ids = list(Case.objects.values_list("pk", flat=True))
    users = {u.pk: u for u in User.objects.filter(username__startswith="b-")}

    def timed(client: APIClient, url: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(queries)

    results: dict[str, list[float]] = {"entry list": [], "entry open": [], "who-knows-what": []}
    query_counts: dict[str, set[int]] = {key: set() for key in results}
    for _ in range(samples):
        case_id, user_id = rng.choice(helper_rows)
        client = APIClient(SERVER_NAME="localhost")
        client.force_authenticate(users[user_id])
        elapsed, count = timed(client, f"/api/v1/cases/{case_id}/entries/")
        results["entry list"].append(elapsed)
        query_counts["entry list"].add(count)
        visible = list(
            entries_for_case(user=users[user_id], case=Case(pk=case_id)).values_list(
                "pk", flat=True
            )
        )
        elapsed, count = timed(client, f"/api/v1/entries/{rng.choice(visible)}/")
        results["entry open"].append(elapsed)
        query_counts["entry open"].add(count)
        case = Case.objects.get(pk=rng.choice(case_ids))
        client.force_authenticate(users[case.youth_id])
        elapsed, count = timed(client, f"/api/v1/cases/{case.pk}/who-knows-what/")
        results["who-knows-what"].append(elapsed)
        query_counts["who-knows-what"].add(count)
    print(f"\n{'operation':<16}{'p50 ms':>9}{'p95 ms':>9}   queries   ({samples} samples)")
    for name, values in results.items():
        print(
            f"{name:<16}{statistics.median(values):>9.1f}{percentile(values, 95):>9.1f}"
            f"   {sorted(query_counts[name])}"
        )

    # EXPLAIN of the permission-filtered reads for one helper.
    case_id, user_id = helper_rows[0]
    user = users[user_id]
    entry_id = entries_for_case(user=user, case=Case(pk=case_id)).values_list("pk", flat=True)[0]
    plans = {
        "entry list": entries_for_case(user=user, case=Case(pk=case_id))[:25].explain(analyze=True),
        # the queryset access_entry runs
        "entry open": entries_visible(
            user=user,
            queryset=Entry.objects.filter(pk=entry_id).select_related("author", "case__youth"),
        ).explain(analyze=True),
    }
    for name, plan in plans.items():
        print(f"\nEXPLAIN ANALYZE {name}:\n{plan}")
        if "Seq Scan on cases_entryuserobjectpermission" in plan:
            print("!! sequential scan on the permission table", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--disclosures", type=int, default=300_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")
    use_bench_database()
    import django

    django.setup()
    from django.core.management import call_command

    from cases.models import Case

    if args.rebuild:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        build(args.cases, args.entries, args.disclosures, args.seed)
    measure(args.samples, args.seed)


if __name__ == "__main__":
    main()
