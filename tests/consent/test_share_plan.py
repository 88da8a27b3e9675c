"""The share's reads are prepared once a connection (coordination.statements) and planned once
too: PostgreSQL's generic plan, made without the parameters' values (settings:
plan_cache_mode), not a plan for the values on every call (issue #18 item 3: the view's team
check was planned anew on every share, for ten times its run)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.selectors import team_users_among
from consent.selectors import entry_to_share

from .helpers import write_entry

pytestmark = pytest.mark.django_db


def prepared_name(sql: str) -> str:
    return sql.removeprefix("EXECUTE ").split("(", 1)[0]


def the_execute(read: CaptureQueriesContext) -> str:
    (execute,) = [q["sql"] for q in read.captured_queries if q["sql"].startswith("EXECUTE ")]
    return execute


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
