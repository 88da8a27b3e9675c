import functools
import gc
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import worker_process_init
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.test import TransactionTestCase
from django.test.utils import override_settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisSideeffectWarning
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import validate_django_db
from rest_framework.test import APIClient

from coordination.celery import _keep_connections
from coordination.celery import app as celery_app

from .db_reset import TableSnapshot
from .demo_template import DEMO_COPY_SCHEMA, adopt_seeded, restore_with_password
from .factories import UserFactory

# Redis has databases 0-15 unless configured otherwise.
REDIS_DATABASES = 16


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Under pytest-xdist each worker gets its own Redis database, as pytest-django gives it its
    own PostgreSQL database (test_sammen_gw0, test_sammen_gw1): the real Celery worker of one
    pytest process must never take a task that another enqueued, which names rows of the other's
    database. Worker gwN uses the database of REDIS_URL plus N (1 and 2 under scripts/test.sh).

    pytest-django has loaded the settings before any conftest, so they are changed in place: the
    Celery app reads CELERY_BROKER_URL from them when first used (checked below), and the
    environment carries the URL to the processes the tests start (a Celery worker, manage.py).
    """
    _keep_this_process_connections_as_configured()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        if getattr(config.option, "numprocesses", None):
            _write_unicode_tables()
        return
    parts = urlsplit(settings.REDIS_URL)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(f"xdist worker {worker} would need Redis database {database}")
    url = parts._replace(path=f"/{database}").geturl()
    os.environ["REDIS_URL"] = settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    # The throttles' counters too: two workers' tests share 127.0.0.1 and user ids.
    settings.CACHES["default"]["LOCATION"] = url
    assert celery_app.conf.broker_url == url, "the Celery app read its broker URL too early"


def _keep_this_process_connections_as_configured() -> None:
    """The Celery workers the tests start in a thread of this process (start_worker's solo pool)
    send worker_process_init as a pool process does, and coordination.celery's handler then set
    CONN_MAX_AGE 60 in this process's settings for every later test: connections of the
    worker's and the live server's threads outlived their threads, and dropping the test
    database at the end waited PostgreSQL's 5 s for them and failed ("is being accessed by other
    users"). A worker process of its own (test_worker_connection.py) still keeps its connection."""
    worker_process_init.disconnect(_keep_connections)


def _write_unicode_tables() -> None:
    """Hypothesis' Unicode tables, which schemathesis' strings draw from (the UTF-8 one ~1.5 s of
    CPU), computed by pytest-xdist's controller before it starts the workers. It writes them to
    .hypothesis/unicode_data, where every worker then reads them; on a fresh clone each worker
    computed them itself."""
    with warnings.catch_warnings():
        # Hypothesis warns of slow work while plugins load: here it is the point.
        warnings.simplefilter("ignore", HypothesisSideeffectWarning)
        st.characters(codec="utf-8").validate()


def pytest_runtest_setup(item):
    # A serial test stops Redis, which every worker uses: scripts/test.sh runs them alone.
    if item.get_closest_marker("serial") and os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.fail("a `serial` test must not run under pytest-xdist (-n 0)", pytrace=False)


# scripts/test.sh runs pytest twice, the second time for the few `serial` tests: collecting the
# whole suite again for them cost ~20 s (importing every module, the schema-driven parameters).
# The first run writes the modules that hold serial tests (SAMMEN_SERIAL_MODULES_OUT, a
# directory: one file a process that collected), and the second collects only those
# (SAMMEN_SERIAL_MODULES, the file test.sh made of them).
_serial_modules: set[str] = set()


def pytest_deselected(items: list[pytest.Item]) -> None:
    _serial_modules.update(str(item.path) for item in items if item.get_closest_marker("serial"))


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[None]:
    """Collection (every test module imported, the OpenAPI schema loaded, every item made)
    builds objects that live until the end, and the cyclic garbage collector walked them over and
    over while they were made: a quarter of the CPU of collecting the suite in a fresh clone, a
    seventh once the bytecode is written. It is off while collecting; then what was built goes
    into the permanent generation, which the collections during the tests no longer walk."""
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()
        gc.collect()
        gc.freeze()


def pytest_collection_finish(session: pytest.Session) -> None:
    directory = os.environ.get("SAMMEN_SERIAL_MODULES_OUT")
    if not directory:
        return
    _serial_modules.update(
        str(item.path) for item in session.items if item.get_closest_marker("serial")
    )
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.path.join(directory, name), "w") as out:
        out.writelines(f"{module}\n" for module in sorted(_serial_modules))


@functools.cache
def _modules_listed(listing: str) -> frozenset[str]:
    with open(listing) as modules:
        return frozenset(modules.read().splitlines())


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    listing = os.environ.get("SAMMEN_SERIAL_MODULES")
    if not listing or collection_path.suffix != ".py" or collection_path.name == "conftest.py":
        return None
    if str(collection_path) in _modules_listed(listing):
        return None
    return True


# --- the reset after a transactional test -------------------------------------------------------

# Where the state Django's flush leaves is recorded (tests/db_reset.py).
FLUSHED_SCHEMA = "test_flushed"
_flushed: dict[str, TableSnapshot] = {}
_django_fixture_teardown = TransactionTestCase._fixture_teardown


def flushed_snapshot(alias: str) -> TableSnapshot:
    """The record of what Django's flush leaves in the database `alias` (every table empty but
    the content types, permissions and groups post_migrate makes), taken at its first use."""
    snapshot = _flushed.get(alias)
    if snapshot is None:
        snapshot = TableSnapshot(connections[alias], FLUSHED_SCHEMA)
        _flushed[alias] = snapshot
    return snapshot


def _fixture_teardown(test_case: TransactionTestCase) -> None:
    """TransactionTestCase's flush after a transactional test (pytest-django's and the browser
    tests'), made cheap: the first one of the process flushes and records what the flush left,
    every later one restores that record, emptying or refilling only the tables a test changed.
    The next test sees the same rows (the content types and permissions keep their ids instead of
    getting new ones). Other options (available_apps, serialized_rollback) flush as Django does."""
    if test_case.available_apps is not None or test_case.serialized_rollback:
        _django_fixture_teardown(test_case)
        return
    snapshots = [
        flushed_snapshot(alias) for alias in test_case._databases_names(include_mirrors=False)
    ]
    if not all(snapshot.taken for snapshot in snapshots):
        _django_fixture_teardown(test_case)
    for snapshot in snapshots:
        if snapshot.taken:
            snapshot.restore()
        else:
            snapshot.take()
    # As post_migrate after a flush: a test that changed content types cached them.
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True, scope="session")
def _cheap_flush() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", _fixture_teardown)
        yield


@pytest.fixture(autouse=True, scope="session")
def _test_settings(django_test_environment, tmp_path_factory) -> Iterator[Path]:
    """The settings every test has, set once a process: set per test (pytest-django's `settings`,
    and a `tmp_path` for the SMS file) they cost ~1.4 ms of CPU a test, 5 s a suite run. A test
    changes them with `settings` as before, which puts them back after it.

    - Real password hashing costs ~0.3 s a user; nothing here tests the hasher.
    - Throttling stays on, counted in the real Redis, with rates no test reaches by accident: the
      whole suite calls from 127.0.0.1 as a few personas. tests/coordination/test_throttling.py
      sets the real rates back where it tests them.
    - In DEBUG an SMS is a line in a file; a test's never lands in the shared .data/. The file is
      this process' and holds every test's: a test that reads it asks for `sms_file`."""
    sms = tmp_path_factory.getbasetemp() / "sms.jsonl"
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SAMMEN_THROTTLE_RATES=dict.fromkeys(settings.SAMMEN_THROTTLE_RATES, "100000/min"),
        SAMMEN_SMS_FILE_PATH=str(sms),
    ):
        yield sms


@pytest.fixture
def sms_file(settings, tmp_path) -> Path:
    """The file SMS are written to, the test's own."""
    settings.SAMMEN_SMS_BACKEND = "coordination.sms.FileSmsBackend"
    settings.SAMMEN_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the real Redis.

    Tasks see committed data only, hence transactional_db.
    """
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    # Tasks left in the queue by earlier tests point at rows that were rolled back.
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


# --- the demo municipality, seeded once for a run of tests ---------------------------------------


class SeededOnce:
    """Data seeded once and kept in an outer transaction that is never committed.

    Each test's own transaction (pytest-django's, as Django's TestCase) is then a savepoint
    inside it, rolled back after the test: every test starts from the freshly seeded data, as
    with Django's TestCase.setUpTestData. The outer transaction is rolled back, and the data
    gone, before any test that did not ask for it, so nothing else ever sees it.

    A layer (`base` given) is seeded on top of its base, in a transaction inside the base's, for
    the tests of one module that all need the same objects the base lacks; it is rolled back
    before any test that does not ask for it, and always before its base. `value` is what the
    seed returned.
    """

    def __init__(
        self,
        blocker: DjangoDbBlocker,
        seed: Callable[[], object],
        base: "SeededOnce | None" = None,
    ) -> None:
        self._blocker = blocker
        self._seed = seed
        self._base = base
        self._atomic: transaction.Atomic | None = None
        self.value: object = None

    @property
    def seeded(self) -> bool:
        return self._atomic is not None

    def enter(self) -> None:
        if self._atomic is not None:
            return
        if self._base is not None:
            self._base.enter()
        with self._blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            try:
                self.value = self._seed()
                check_seeded_constraints()
            except BaseException:
                self.leave()
                raise

    def or_seed_here(self) -> None:
        """For a test that cannot have it once (a transactional test): seeds in the test's own
        transaction."""
        if self._atomic is None:
            self._seed()

    def leave(self) -> None:
        if self._atomic is None:
            return
        atomic, self._atomic = self._atomic, None
        self.value = None
        if transaction.get_connection().atomic_blocks[-1:] != [atomic]:
            raise RuntimeError(
                "A transaction begun inside the seeded demo's is still open: a fixture broader "
                "than a test, or a layer not left first, opened it while the demo was seeded."
            )
        with self._blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        # The content types' ids are those before the seed again (the demo restored from the
        # template's record brings its own).
        ContentType.objects.clear_cache()


def seeded_once(
    blocker: DjangoDbBlocker, seed: Callable[[], object], base: SeededOnce | None = None
) -> Iterator[SeededOnce]:
    """A session fixture's SeededOnce, seeded when a test first asks for it and left at the end
    of the run if no test left it before."""
    layer = SeededOnce(blocker, seed, base=base)
    yield layer
    layer.leave()


def check_seeded_constraints() -> None:
    """Checks the deferred foreign keys of what was just seeded into a transaction that stays
    open, once. Otherwise every test inside it pays for them again: Django's TestCase checks
    constraints before it rolls back the test's savepoint, and PostgreSQL queues again the checks
    a rolled-back savepoint fired, so each test's teardown re-checked every seeded row (~10 ms)."""
    transaction.get_connection().check_constraints()


@functools.cache
def _demo_record() -> TableSnapshot | None:
    """The seeded demo the test database's template holds (tests/demo_template.py), adopted once
    a process; None when it holds none seeded for today."""
    snapshot = TableSnapshot(connections["default"], DEMO_COPY_SCHEMA)
    return snapshot if adopt_seeded(snapshot) else None


def seed_demo() -> None:
    """The demo in the current transaction: the test template's record restored when it holds
    one seeded for today, else seeded (demo_once; the schemathesis module's own)."""
    from tests.cases.conftest import seed
    from tests.factories import PASSWORD

    # The settings every test has (`_test_settings` above): the demo's passwords are hashed
    # as the tests check them, and an SMS the seed sends lands in no test's file.
    with override_settings(
        SAMMEN_DEMO_PASSWORD=PASSWORD,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SAMMEN_SMS_FILE_PATH=os.devnull,
    ):
        record = _demo_record()
        if record is None:
            seed(settings)
        else:
            restore_with_password(record, PASSWORD)


@pytest.fixture(scope="session")
def demo_once(django_db_setup, django_db_blocker) -> Iterator[SeededOnce]:
    """The demo municipality of tests/cases/conftest.py (its `demo` fixture asks for this)."""
    demo = SeededOnce(django_db_blocker, seed_demo)
    yield demo
    demo.leave()


# The session fixtures that yield a SeededOnce, each layer after its base: the demo, the
# hostile-input crawl's objects on top of it (tests/coordination/test_hostile_input.py), and the
# home page's messages and meetings on top of it (tests/voice/test_home_compiled.py); the demo
# catalogue alone (tests/services_registry/conftest.py); the overview's busy cases alone
# (tests/voice/test_overview_compiled.py).
SEEDED_ONCE = (
    "demo_once",
    "hostile_demo_once",
    "home_messages_once",
    "home_meetings_once",
    "catalogue_once",
    "overview_busy_once",
)


def _wants_seeded_once(item: pytest.Item, name: str) -> bool:
    """Whether the test asks for the SeededOnce fixture `name` and pytest-django runs it in a
    transaction it rolls back (its rule): a transactional test commits, and its flush would empty
    the outer transaction, so it seeds its own."""
    names = getattr(item, "fixturenames", ())
    if name not in names:
        return False
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional, reset_sequences, databases, serialized_rollback, available_apps = (
            validate_django_db(marker)
        )
        if transactional or reset_sequences or serialized_rollback or databases:
            return False
        if available_apps is not None:
            return False
    return not any(
        fixture in names
        for fixture in (
            "transactional_db",
            "live_server",
            "django_db_reset_sequences",
            "django_db_serialized_rollback",
        )
    )


@pytest.fixture
def _demo_once_enter(request: pytest.FixtureRequest) -> None:
    # Before the test's own transaction begins, which is then a savepoint inside the seeded one.
    for name in SEEDED_ONCE:
        if _wants_seeded_once(request.node, name):
            request.getfixturevalue(name).enter()


@pytest.fixture
def _django_db_helper(_demo_once_enter, _django_db_helper):
    """pytest-django's fixture that begins each test's transaction (db, transactional_db and the
    django_db marker all go through it), overridden only to come after _demo_once_enter."""
    return _django_db_helper


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # After the test's fixtures are gone and before the next test's (module fixtures included)
    # are set up: the seeded demo stays only for a next test that asks for it.
    yield
    for name in reversed(SEEDED_ONCE):
        if nextitem is None or not _wants_seeded_once(nextitem, name):
            seeded = getattr(item, "funcargs", {}).get(name)
            if seeded is not None:
                seeded.leave()
