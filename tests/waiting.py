"""Waiting for something a real worker does in another process."""

import time
from collections.abc import Callable

from django.db import connection

# Someone's lock request waits for a lock this session holds (pg_blocking_pids: heavyweight
# locks, advisory and row locks included).
_WAITED_ON = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))
)
"""


def wait_until(condition: Callable[[], object], timeout: float = 30.0) -> bool:
    """Polls `condition` until it is true or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def someone_waits_for_my_locks() -> bool:
    """Whether another session is blocked on a lock this thread's connection holds."""
    with connection.cursor() as cursor:
        cursor.execute(_WAITED_ON)
        return bool(cursor.fetchone()[0])
