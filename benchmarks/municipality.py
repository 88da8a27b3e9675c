"""Builds a municipality of 2,000 cases / 100,000 entries / 300,000 disclosures in its own
database (bulk inserts) and prints EXPLAIN ANALYZE of the permission-filtered reads; the reads'
timings are `make bench` (benchmarks/bench.py), on the same database.

    source scripts/env.sh && scripts/services.sh start
    .venv/bin/python -m benchmarks.municipality            # builds once into sammen_bench, explains
    .venv/bin/python -m benchmarks.municipality --rebuild  # drops and rebuilds the data
"""

import argparse
import os
import random
import sys
import time
from typing import Any
from urllib.parse import urlparse, urlunparse

BENCH_DATABASE = "sammen_bench"
# The one case of 500 entries and 10,000 opens that benchmarks/bench.py adds.
LARGE_CASE = "Sak stor"
# The cases of the lists of #10-#13 (invitations, referrals, blocks, rooms, messages, meetings,
# consent requests, notifications) that benchmarks/bench.py adds, with their own people, so that
# the municipality's cases and the reads measured on them stay as they were.
LIST_CASES = "Sak liste"


def use_bench_database(name: str = BENCH_DATABASE) -> None:
    import psycopg2

    url = urlparse(os.environ["DATABASE_URL"])
    bench = url._replace(path=f"/{name}")
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
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def build(n_cases: int, n_entries: int, n_disclosures: int, seed: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Participant
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
            participants += _team(
                case,
                youth=youths[n],
                guardian=guardians[n],
                coordinator=coordinator,
                helpers=[(h, rng.choice(services)) for h in case_helpers],
            )
            helpers_of[case.pk] = [h.pk for h in case_helpers]
            team_of[case.pk] = [guardians[n].pk, coordinator.pk] + helpers_of[case.pk]
        Participant.objects.bulk_create(participants, batch_size=batch)
        entries, disclosures, perms = _entries_shared_and_opened(
            cases,
            team_of=team_of,
            helpers_of=helpers_of,
            per_case=n_entries // n_cases,
            per_entry=n_disclosures // n_entries,
            access_events=n_entries,
            rng=rng,
        )
    _built(
        f"{len(cases)} cases, {len(entries)} entries, {len(disclosures)} disclosures, "
        f"{len(perms)} view_entry rows",
        started=started,
    )


def _built(what: str, *, started: float) -> None:
    """Fresh planner statistics for what was just inserted in bulk (the reads' plans depend on
    them), then one line saying what was built and how long it took."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {what} in {time.monotonic() - started:.0f} s")


def build_large_case(*, entries: int, access_events: int, seed: int) -> None:
    """One more case, LARGE_CASE, for the reads whose cost grows with a case: `entries` entries
    (who-knows-what of a long case) and `access_events` opens (the access log's pages)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Participant
    from coordination.models import Guardianship, User
    from services_registry.models import Service

    rng = random.Random(seed)
    now = timezone.now()
    password = make_password(None)
    started = time.monotonic()
    with transaction.atomic():
        youth = User.objects.create(
            username="b-youth-large",
            password=password,
            birth_date=now.date().replace(year=now.year - 16),
        )
        guardian = User.objects.create(username="b-guardian-large", password=password)
        Guardianship.objects.create(youth=youth, guardian=guardian, reason="Folkeregisteret")
        helpers = rng.sample(list(User.objects.filter(username__startswith="b-helper")), 4)
        coordinator = User.objects.get(username="b-coordinator0")
        service = Service.objects.filter(organization__name="Bench kommune").first()
        case = Case.objects.create(title=LARGE_CASE, youth=youth, created=now)
        Participant.objects.bulk_create(
            _team(
                case,
                youth=youth,
                guardian=guardian,
                coordinator=coordinator,
                helpers=[(h, service) for h in helpers],
            )
        )
        _, disclosures, _ = _entries_shared_and_opened(
            [case],
            team_of={case.pk: [guardian.pk, coordinator.pk] + [h.pk for h in helpers]},
            helpers_of={case.pk: [h.pk for h in helpers]},
            per_case=entries,
            per_entry=3,
            access_events=access_events,
            rng=rng,
        )
    _built(
        f"{LARGE_CASE!r}: {entries} entries, {len(disclosures)} disclosures, {access_events} opens",
        started=started,
    )


def build_list_cases(*, cases: int, seed: int) -> None:
    """`cases` more cases, LIST_CASES 0..n-1, each with its own young person (16 or 13: the
    youth or the guardian decides), guardian and ungdomshjelper and 4 of 8 shared helpers, made
    through the services people use (`_list_case_fill`), so every row is one the application
    itself writes. Celery runs eagerly meanwhile: the notifications are delivered in-process
    (nobody here has e-mail or a phone) instead of queued on a broker that a worker of another
    database may read."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Participant
    from coordination.celery import app
    from coordination.models import Guardianship, User
    from services_registry.models import Organization, Service, ServiceStaff

    rng = random.Random(seed)
    now = timezone.now()
    password = make_password(None)
    started = time.monotonic()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with transaction.atomic():
            org = Organization.objects.create(name="Bench liste")
            service = Service.objects.create(organization=org, name="Tjeneste liste")
            # A case has one open referral to a service at a time: 5 services, one intake.
            intake = Service.objects.bulk_create(
                [Service(organization=org, name=f"Inntak liste {n}") for n in range(5)]
            )
            for n in range(2):
                user = User.objects.create(username=f"b-list-intake{n}", password=password)
                ServiceStaff.objects.bulk_create(
                    [ServiceStaff(service=s, user=user, receives_referrals=True) for s in intake]
                )
            helpers = [
                User.objects.create(username=f"b-list-helper{n}", password=password)
                for n in range(8)
            ]
            for n in range(cases):
                youth = User.objects.create(
                    username=f"b-list-youth{n}",
                    password=password,
                    birth_date=now.date().replace(year=now.year - (16 if n % 2 == 0 else 13)),
                )
                guardian = User.objects.create(username=f"b-list-guardian{n}", password=password)
                Guardianship.objects.create(
                    youth=youth, guardian=guardian, reason="Folkeregisteret"
                )
                coordinator = User.objects.create(
                    username=f"b-list-coordinator{n}", password=password
                )
                team = rng.sample(helpers, 4)
                case = Case.objects.create(title=f"{LIST_CASES} {n}", youth=youth, created=now)
                Participant.objects.bulk_create(
                    _team(
                        case,
                        youth=youth,
                        guardian=guardian,
                        coordinator=coordinator,
                        helpers=[(h, service) for h in team],
                    )
                )
                _list_case_fill(
                    case,
                    helpers=team,
                    coordinator=coordinator,
                    service=service,
                    intake=intake,
                    rng=rng,
                )
    finally:
        app.conf.task_always_eager = eager
    _built(f"{cases} cases {LIST_CASES!r}", started=started)


def _list_case_fill(
    case: Any,
    *,
    helpers: list,
    coordinator: Any,
    service: Any,
    intake: list,
    rng: random.Random,
) -> None:
    """On one case of build_list_cases: 30 notes by the helpers, 20 of them shared without a
    rule (consent requests; 5 approved), 10 invitations of other accounts as helpers for
    `service` (2 revoked), 8 meetings, 40 messages in the conversation, 5 rooms of 2 members
    with 10 messages each, 5 referrals, one to each `intake` service (3 without payload, sent at
    once; 2 waiting for consent), and last 2 of the helpers blocked; with the notifications all
    that tells."""
    from datetime import timedelta

    from django.utils import timezone

    from cases.services import entry_create, invitation_create, invitation_revoke
    from consent.services.blocks import block_create
    from consent.services.decisions import consent_request_approve
    from consent.services.share import share
    from coordination.models import User
    from meetings.services.meetings import meeting_create
    from referrals.services import referral_create
    from voice.rooms.services import room_create, room_message_send
    from voice.services import message_send

    youth = case.youth
    team = [*helpers, coordinator]
    notes = [
        entry_create(
            case=case,
            author=rng.choice(helpers),
            kind="note",
            category=rng.choice(["health", "school", "general", "family"]),
            title=f"Notat {n}",
            body="Tekst " * 40,
        )
        for n in range(30)
    ]
    for n, entry in enumerate(notes[:20]):
        others = [user for user in team if user.pk != entry.author_id]
        result = share(
            entry=entry,
            recipients=rng.sample(others, 2),
            actor=entry.author,
            purpose="Så vi kan følge opp sammen",
        )
        if n < 5 and result.consent_request is not None:
            request = result.consent_request
            consent_request_approve(consent_request=request, actor=request.deciders.first())
    for n in range(10):
        invitee = User.objects.create(username=f"b-list-invitee{case.pk}-{n}", password="!")
        invitation = invitation_create(
            case_id=case.pk, actor=coordinator, role="helper", user=invitee, service=service
        )
        if n in (3, 7):
            invitation_revoke(invitation_id=invitation.pk, actor=coordinator)
    soon = timezone.now() + timedelta(days=7)
    for n in range(8):
        meeting_create(
            case=case,
            actor=coordinator,
            title=f"Møte {n}",
            starts_at=soon + timedelta(days=7 * n),
            place="Helsestasjonen",
            attendees=rng.sample(helpers, 3),
        )
    for n in range(40):
        if n % 2:
            message_send(case=case, author=rng.choice(helpers), body=f"Melding {n}")
        else:
            message_send(
                case=case, author=youth, body=f"Melding {n}", recipients=rng.sample(team, 2)
            )
    for n in range(5):
        members = rng.sample(team, 2)
        room = room_create(case_id=case.pk, actor=youth, title=f"Rom {n}", members=members)
        for m in range(10):
            room_message_send(
                room_id=room.pk, author=rng.choice([youth, *members]), body=f"Rommelding {m}"
            )
    for n in range(5):
        # The payload is a note of the referrer's own (what they may open).
        payload = [notes[20 + n]] if n >= 3 else []
        referral_create(
            case_id=case.pk,
            actor=payload[0].author if payload else rng.choice(helpers),
            service_id=intake[n].pk,
            purpose=f"Henvisning {n}",
            entry_ids=[entry.pk for entry in payload],
        )
    for user in helpers[2:]:
        block_create(case_id=case.pk, actor=youth, user=user, reason="Vil ikke")


def _team(case: Any, *, youth: Any, guardian: Any, coordinator: Any, helpers: list) -> list:
    """A case's team as Participant rows: `helpers` are (user, service) pairs."""
    from cases.models import Participant

    now = case.created
    return [
        Participant(case=case, user=youth, role="youth", joined=now),
        Participant(case=case, user=guardian, role="guardian", joined=now),
        Participant(case=case, user=coordinator, role="ungdomshjelper", joined=now),
    ] + [
        Participant(case=case, user=user, role="helper", service=service, joined=now)
        for user, service in helpers
    ]


def _entries_shared_and_opened(
    cases: list,
    *,
    team_of: dict,
    helpers_of: dict,
    per_case: int,
    per_entry: int,
    access_events: int,
    rng: random.Random,
) -> tuple[list, list, list]:
    """Entries written by the cases' helpers, each shared with `per_entry` others of the team
    (10 % withdrawn again), the view_entry rows that follow, and `access_events` opens by
    people who may open (drawn again when there are more opens than such people and entries)."""
    from django.utils import timezone

    from cases.models import AccessEvent, Entry, EntryUserObjectPermission
    from cases.permissions import view_entry_permission
    from consent.models import Disclosure

    now = timezone.now()
    batch = 5000
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
    opened = (
        rng.sample(perms, access_events)
        if access_events <= len(perms)
        else rng.choices(perms, k=access_events)
    )
    AccessEvent.objects.bulk_create(
        [AccessEvent(entry_id=e, user_id=u, via="api", at=now) for e, u in opened],
        batch_size=batch,
    )
    return entries, disclosures, perms


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def explain() -> None:
    """EXPLAIN ANALYZE of the permission-filtered reads for one helper (timings: bench.py)."""
    from cases.models import Case, Entry, Participant
    from cases.selectors import entries_for_case, entries_visible
    from coordination.models import User

    case_id, user_id = (
        Participant.objects.active()
        .filter(role="helper")
        .order_by("pk")
        .values_list("case_id", "user_id")
        .first()
    )
    user = User.objects.get(pk=user_id)
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
    explain()


if __name__ == "__main__":
    main()
