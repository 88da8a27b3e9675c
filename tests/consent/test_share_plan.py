"""The share's reads are prepared once a connection (coordination.statements) and planned once
too: PostgreSQL's generic plan, made without the parameters' values (settings:
plan_cache_mode), not a plan for the values on every call (issue #18 item 3: the view's team
check was planned anew on every share, for ten times its run). The read under the case lock
(consent.selectors.entry_to_share) must still ask "has a disclosure of this case run out?" from
the few time-limited disclosures, not probe every entry of the case (that was the case's size
in buffers on every share)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Entry
from cases.selectors import team_users_among
from consent.models import Disclosure
from consent.selectors import entry_to_share
from coordination.models import User

from .helpers import write_entry

pytestmark = pytest.mark.django_db


def prepared_name(sql: str) -> str:
    return sql.removeprefix("EXECUTE ").split("(", 1)[0]


def the_execute(read: CaptureQueriesContext) -> str:
    (execute,) = [q["sql"] for q in read.captured_queries if q["sql"].startswith("EXECUTE ")]
    return execute


def plan_buffers(sql: str) -> int:
    """The buffers the connection's plan of the statement touches to run `sql` (an EXECUTE)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        (explained,) = cursor.fetchone()
    plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


def buffers_of_the_read(nurse, note) -> int:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        # What PostgreSQL knows of the tables when it plans: the disclosures' ends mostly unset.
        cursor.execute("ANALYZE cases_entry, consent_disclosure")
    with CaptureQueriesContext(connection) as read:
        assert entry_to_share(user=nurse, entry_id=note.pk).entry == note
    return plan_buffers(the_execute(read))


def test_the_check_of_what_ran_out_does_not_grow_with_the_cases_entries(demo):
    nurse = demo["helsesykepleier"]
    note = write_entry(demo.sara_case, nurse, category="school", title="Prøveangst")
    few = buffers_of_the_read(nurse, note)
    # When the case has 300 entries more, each shared with ten people until further notice
    entries = Entry.objects.bulk_create(
        Entry(case=demo.sara_case, author=nurse, kind="note", category="school", title=f"n{n}")
        for n in range(300)
    )
    people = User.objects.bulk_create(User(username=f"mottaker{n}") for n in range(10))
    Disclosure.objects.bulk_create(
        Disclosure(
            entry=entry,
            recipient=person,
            basis=Disclosure.Basis.AGREEMENT,
            granted_by=nurse,
            granted_at=timezone.now(),
        )
        for entry in entries
        for person in people
    )
    many = buffers_of_the_read(nurse, note)
    # Then the read touches about as many buffers as before (the plan that probed each entry
    # touched ~40 more here)
    assert many - few < 20, (few, many)


def test_the_share_views_team_check_and_the_read_under_the_lock_are_planned_once(demo):
    nurse, teacher, bup = demo["helsesykepleier"], demo["laerer"], demo["bup"]
    note = write_entry(demo.sara_case, nurse, category="school", title="Prøveangst")
    # When both are run more often than PostgreSQL's default tries plans for the values (5)
    for _ in range(7):
        with CaptureQueriesContext(connection) as check:
            assert team_users_among({teacher.pk, bup.pk}, case=demo.sara_case)
        with CaptureQueriesContext(connection) as read:
            assert entry_to_share(user=nurse, entry_id=note.pk).entry == note
    # Then neither was planned for its values: one generic plan each, used every time
    names = [prepared_name(the_execute(check)), prepared_name(the_execute(read))]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT custom_plans FROM pg_prepared_statements WHERE name = ANY(%s)", [names]
        )
        assert [custom for (custom,) in cursor.fetchall()] == [0, 0]
