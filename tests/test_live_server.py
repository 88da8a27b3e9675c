"""The browser tests' live server (tests/live_server.py) serves request after request on the
database connection it keeps, as a production worker does, and closes it when it stops."""

from urllib.request import Request, urlopen

import pytest
from django.db import connection

from tests.live_server import kept_connections_live_server
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db

SESSION = {"Cookie": "sessionid=" + "x" * 32}


def server_sessions(before: set[int]) -> set[int]:
    """The PostgreSQL sessions on the test database that are neither this test's own nor among
    `before`, read afresh (inside a transaction PostgreSQL answers from a snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()} - before


def test_one_connection_serves_every_request_and_closes_when_the_server_stops():
    before = server_sessions(set())
    server = kept_connections_live_server("localhost")
    seen = []
    try:
        for _ in range(3):
            # Signed out, but the session behind the cookie is looked for in the database.
            with urlopen(Request(f"{server.url}/accounts/login/", headers=SESSION)) as response:
                assert response.status == 200
            seen.append(server_sessions(before))
    finally:
        server.stop()
    assert len(seen[0]) == 1 and seen == [seen[0]] * 3, seen
    assert wait_until(lambda: not server_sessions(before), timeout=10)
