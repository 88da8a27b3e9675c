"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Nothing downloads a browser: Playwright starts the system `chromium` through executable_path.
"""

import io
import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from cases.models import Case

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
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
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it) or apt-get")
    args = list(CHROMIUM_ARGS)
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    return Axe()


def serious_violations(axe, page):
    """axe-core's serious and critical findings on the current page, as readable strings."""
    results = axe.run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


# --- the demo world and its personas, shared by the flows of #4 and #5 ------------------------


@pytest.fixture
def demo(settings):
    settings.SAMMEN_DEMO_PASSWORD = "demo"
    call_command("seed_demo", stdout=io.StringIO())
    return {
        "sara": Case.objects.get(youth__username="sara"),
        "jonas": Case.objects.get(youth__username="jonas"),
    }


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(viewport=PHONE, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, username, "demo")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hei")
        return page

    yield open_as
    for context in contexts:
        context.close()
