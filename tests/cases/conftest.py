from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command

from cases.demo import JONAS_CASE, SARA_CASE
from cases.models import Case
from coordination.models import User
from tests.conftest import seed_demo
from tests.factories import PASSWORD


@dataclass
class Demo:
    """The demo municipality of docs/architecture.md §10, seeded exactly as `make run` does."""

    users: dict[str, User]
    sara_case: Case
    jonas_case: Case

    def __getitem__(self, username: str) -> User:
        return self.users[username]


def seed(settings) -> Demo:  # type: ignore[no-untyped-def]
    """seed_demo itself: for the tests of the seed."""
    settings.SAMMEN_DEMO_PASSWORD = PASSWORD
    call_command("seed_demo", stdout=StringIO())
    return demo_read()


def seeded(settings) -> Demo:  # type: ignore[no-untyped-def]
    """The demo as `seed` leaves it, for a test that needs the demo and not the seed: restored
    from the test template's record when it holds one for today (tests/conftest.py seed_demo: a
    few statements instead of the seed's ~1,900 and ~2.5 s of CPU), also in a transactional
    test, whose flush then sets the tables back as after a seed."""
    settings.SAMMEN_DEMO_PASSWORD = PASSWORD
    seed_demo()
    return demo_read()


def demo_read() -> Demo:
    """The seeded municipality, as fresh objects: a test may change them without touching the
    next test's."""
    return Demo(
        users={user.username: user for user in User.objects.all()},
        sara_case=Case.objects.get(title=SARA_CASE),
        jonas_case=Case.objects.get(title=JONAS_CASE),
    )


@pytest.fixture
def demo(demo_once, db, settings) -> Demo:
    """Seeded once for a run of consecutive tests that ask for it (tests/conftest.py, demo_once),
    rolled back to after each; seeded in the test's own transaction where that cannot be."""
    if demo_once.seeded:
        settings.SAMMEN_DEMO_PASSWORD = PASSWORD
        return demo_read()
    return seeded(settings)
