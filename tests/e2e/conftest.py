"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Nothing downloads a browser: Playwright starts the system `chromium-headless-shell` (Debian's
package of Chromium's headless shell, the browser Playwright itself runs headless tests in)
through executable_path.
"""

import os
import re
import shutil
from collections.abc import Iterator

import django.test
import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import validate_django_db
from pytest_django.live_server_helper import LiveServer

from cases.models import Case
from coordination.models import User
from tests.db_reset import TableSnapshot
from tests.demo_template import DEMO_COPY_SCHEMA, DEMO_PASSWORD, adopt_seeded, seed_and_record
from tests.live_server import kept_connections_live_server

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    """The headless shell, not `chromium --headless=new`: the same Blink and V8 of the same
    release without the desktop browser around them. `chromium` opened a window for every
    context, with a renderer of its own for the window's WebUI besides the page's and a spare:
    3 renderer processes a context against 1, and about 2.5 times the CPU for the same pages
    (session 12, interleaved in one process)."""
    executable = shutil.which("chromium-headless-shell")
    if executable is None:
        pytest.fail(
            "Debian's chromium-headless-shell is missing: run `make test` (it installs it) "
            "or apt-get"
        )
    args = list(CHROMIUM_ARGS)
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[LiveServer]:
    """pytest-django's live server, serving on kept database connections (tests/live_server.py).
    After the test databases are set up, so that it stops, closing its connections, before they
    are dropped (a connection left open made DROP DATABASE wait 5 s and fail)."""
    server = kept_connections_live_server(
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    yield server
    server.stop()


class AxeCore:
    """axe-core (the copy axe_playwright_python ships) in the browser contexts of a test.

    axe_playwright_python's Axe.run sent the whole 570 KB script through Playwright's pipes on
    every run (~0.2 s, more than the run itself on most pages) and sent back every result type
    (~50 KB of JSON, ~0.3 s). Here a context is given the script once, as an init script that
    only defines a function loading it (no cost for a page that is never checked), each checked
    document loads it on its first run, and the run returns just what the tests assert on: the
    same axe.run with the same options, and the same serious/critical filter, done in the page.

    The run leaves out the rules that can only find minor or moderate problems (26 of axe-core
    4.12's 89 default rules: region, heading-order, the landmark rules, ...): axe-core gives a
    rule's findings the rule's impact (or, for a rule without one, the highest of its failed
    checks'), so the filter would drop every finding of those rules. The same findings on each
    of the 161 documents the flows check, and 16 % less of the renderer's CPU in axe.run; most
    of what is left is color-contrast (~70 %), which stays.
    """

    # axe_playwright_python's default options for a run.
    OPTIONS = {"resultTypes": ["violations"]}
    _LOADER = f"window.__sammenLoadAxe = function () {{\n{AXE_SCRIPT}\n}};"
    _RUN = """async (options) => {
        if (typeof window.__sammenLoadAxe !== "function") {
            throw new Error("this browser context has no axe-core: give it with axe.prepare");
        }
        if (typeof window.axe === "undefined") {
            window.__sammenLoadAxe();
        }
        const reported = ["serious", "critical"];
        const impacts = ["minor", "moderate", ...reported];
        // A rule's findings take its own impact, or else the highest of its failed checks';
        // a rule or check with no known impact is run.
        const highest = (rule) => {
            if (rule.impact) return rule.impact;
            const checks = [...rule.any, ...rule.all, ...rule.none].map(
                (check) => window.axe._audit.data.checks[check.id || check] || {}
            );
            if (checks.some((check) => !impacts.includes(check.impact))) return "unknown";
            return checks.map((check) => check.impact).sort(
                (a, b) => impacts.indexOf(a) - impacts.indexOf(b)
            ).pop();
        };
        const rules = {};
        for (const rule of window.axe._audit.rules) {
            if (["minor", "moderate"].includes(highest(rule))) {
                rules[rule.id] = { enabled: false };
            }
        }
        const results = await window.axe.run({ ...options, rules });
        return results.violations
            .filter((violation) => reported.includes(violation.impact))
            .map(({ id, help, nodes }) => `${id}: ${help} (${nodes.length} nodes)`);
    }"""

    def prepare(self, context: BrowserContext) -> None:
        context.add_init_script(script=self._LOADER)

    def serious_violations(self, page: Page) -> list[str]:
        return page.evaluate(self._RUN, self.OPTIONS)


@pytest.fixture(scope="session")
def axe() -> AxeCore:
    return AxeCore()


def new_context(
    request: pytest.FixtureRequest, browser, live_server, **options: object
) -> BrowserContext:
    """A browser context on the live server, given axe-core when the test checks with it."""
    context = browser.new_context(base_url=live_server.url, **options)
    if "axe" in request.fixturenames:
        request.getfixturevalue("axe").prepare(context)
    return context


@pytest.fixture
def page(request, browser, live_server):
    context = new_context(request, browser, live_server, viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def serious_violations(axe, page):
    """axe-core's serious and critical findings on the current page, as readable strings."""
    # A click that navigates returns once the next page starts loading; axe run before its
    # document exists fails ("Cannot read properties of null (reading 'documentElement')").
    page.wait_for_load_state()
    return axe.serious_violations(page)


# The widths the flows' pages are checked at, a phone's and a desktop's (height 900).
WIDTHS = (390, 1280)


def viewport(width: int) -> dict[str, int]:
    return {"width": width, "height": 900}


def serious_violations_at_widths(axe, page) -> dict[int, list[str]]:
    """serious_violations of the current page at each of WIDTHS, by width (none: {}); the page
    is left at the first width, where the flows run.

    A flow runs once at the first width and has each page it checks resized to the others and
    checked there too, instead of running the whole flow again at each width: the pages are
    rendered on the server without knowing the width (no script reads it), so the documents
    are the same and only their layout changes, which a resize applies as a load would.
    """
    found = {}
    for width in WIDTHS:
        page.set_viewport_size(viewport(width))
        if violations := serious_violations(axe, page):
            found[width] = violations
    page.set_viewport_size(viewport(WIDTHS[0]))
    return found


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


# The backend a password sign-in records in the session: AxesStandaloneBackend, first in
# AUTHENTICATION_BACKENDS, only checks the lockout and signs nobody in.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_in(context: BrowserContext, live_server, user: User) -> None:
    """Gives the context the session of `user` signed in with a password, made on the server
    instead of through the login form, for a test whose subject is not signing in (the form,
    two-factor and OpenID sign-in have their own tests): django.contrib.auth.login through the
    test client's force_login, with the backend the form records, and the same cookie. It saves
    the login page, the form's POST and its redirect (~0.65 s a person, measured), and writes
    no sign-in audit event, which only the form's own view does.

    test_login_and_home.py checks that the session is the one the form gives."""
    client = django.test.Client()
    client.force_login(user, backend=PASSWORD_BACKEND)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [
            {
                "name": cookie.key,
                "value": cookie.value,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


# --- the demo world and its personas, shared by the flows of #4 and #5 ------------------------


# A browser test drives the live server in another thread, so its writes are committed
# (TransactionTestCase) and cannot be rolled back as the other tests' demo is (tests/conftest.py,
# demo_once). Instead the demo is seeded once and copied aside (into the test databases' template,
# demo_template.py, or else by the worker's first test that asks for it), and each test that asks
# for it gets the database set back to that copy: one transaction that empties and refills only
# the tables that differ from it, instead of the seed (~1,900 statements through the ORM) and a
# flush (TRUNCATE of every table and post_migrate) per test.


class DemoCopy:
    """The seeded demo municipality, kept in the schema e2e_demo of the worker's test database
    (tests/db_reset.py: set back by emptying and refilling only the tables a test changed)."""

    def __init__(self) -> None:
        self._snapshot = TableSnapshot(connection, DEMO_COPY_SCHEMA)

    @property
    def taken(self) -> bool:
        return self._snapshot.taken

    def adopt_seeded(self) -> None:
        """Takes the copy the template made, if it holds one seeded for today."""
        adopt_seeded(self._snapshot)

    def load(self) -> None:
        """Makes every table of the database hold exactly the seeded demo: whatever it held
        once the copy is taken; the first time, seeded on the flushed database it must be."""
        if self._snapshot.taken:
            self._snapshot.restore()
        else:
            seed_and_record(self._snapshot)
        # Content type ids are the copy's again, not those a flush since made.
        ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def demo_copy(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> DemoCopy:
    copy = DemoCopy()
    with django_db_blocker.unblock():
        copy.adopt_seeded()
    return copy


def sets_the_copy_back(item: pytest.Item | None, demo_copy: DemoCopy) -> bool:
    """Whether the test `item` starts by setting every table back to the demo copy, so the flush
    before it would only be overwritten. Not before the copy is taken: the first load seeds on
    top of what the database holds, and kept in the copy, a test's rows would be in every later
    test's demo (the OpenID test's Ali, whose undelivered invitation then went out in the
    open-case flow's mail to its own Ali)."""
    # A browser test's `demo` (this module's); another test's is tests/cases/conftest.py's.
    return (
        demo_copy.taken
        and item is not None
        and item.get_closest_marker("e2e") is not None
        and "demo" in getattr(item, "fixturenames", ())
    )


_NEXT_ITEM = pytest.StashKey[pytest.Item | None]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # The test's fixtures are torn down inside this hook; _django_db_helper's needs the next test.
    item.stash[_NEXT_ITEM] = nextitem
    return (yield)


@pytest.fixture
def _django_db_helper(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    demo_copy: DemoCopy,
) -> Iterator[None]:
    """pytest-django's fixture for a transactional test (every browser test is one: the live
    server), as pytest-django makes it, except that the flush after a test is left out when the
    next test sets the demo copy back anyway: it would only be overwritten."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and validate_django_db(marker)[1:] != (False, None, False, None):
        raise pytest.UsageError("browser tests take no reset_sequences, databases, ... options")

    class BrowserTestCase(django.test.TransactionTestCase):
        def _fixture_teardown(self) -> None:
            if not sets_the_copy_back(request.node.stash.get(_NEXT_ITEM, None), demo_copy):
                super()._fixture_teardown()

    with django_db_blocker.unblock():
        BrowserTestCase.setUpClass()
        test_case = BrowserTestCase(methodName="__init__")
        if not BrowserTestCase._pre_setup_ran_eagerly:
            test_case._pre_setup()
        yield
        test_case._post_teardown()
        BrowserTestCase.tearDownClass()
        BrowserTestCase.doClassCleanups()


@pytest.fixture
def demo(settings, transactional_db, demo_copy):
    settings.SAMMEN_DEMO_PASSWORD = DEMO_PASSWORD
    demo_copy.load()
    return {
        "sara": Case.objects.get(youth__username="sara"),
        "jonas": Case.objects.get(youth__username="jonas"),
    }


@pytest.fixture
def as_user(request, browser, live_server):
    contexts = []

    def open_as(username: str, path: str | None = "/", viewport: dict[str, int] = PHONE) -> Page:
        """A new browser context of `viewport` signed in as the demo persona `username`, on
        `path`: its home page, which greets them, or the page the test goes to first (home
        first cost ~0.3 s more), which is not the login page. With `path` None the page is
        left blank (no home page loaded only to be left), for a test whose first step there is
        a `goto` to a page that needs signing in and whose 4xx status or signed-in content it
        asserts: signed out, that goto would end on the login page's 200, so the assertion
        still proves the sign-in."""
        context = new_context(request, browser, live_server, viewport=viewport)
        contexts.append(context)
        sign_in(context, live_server, User.objects.get(username=username))
        page = context.new_page()
        page.set_default_timeout(10_000)
        if path is None:
            return page
        page.goto(path)
        if path == "/":
            expect(page.get_by_role("heading", level=1)).to_contain_text("Hei")
        else:
            expect(page).not_to_have_url(re.compile("/accounts/login/"))
        return page

    yield open_as
    for context in contexts:
        context.close()
