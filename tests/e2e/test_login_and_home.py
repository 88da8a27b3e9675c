"""As a new user would: log in on a phone, see home, switch language, and a wrong password."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

from .conftest import log_in, serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_sara_logs_in_sees_home_and_switches_language(page, axe):
    UserFactory(username="sara", display_name="Sara Nilsen")
    # The login page is in bokmål although the browser asks for English, and is axe-clean.
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    assert serious_violations(axe, page) == []

    log_in(page, "sara", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Sara Nilsen!")
    assert serious_violations(axe, page) == []

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, Sara Nilsen!")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert serious_violations(axe, page) == []

    page.get_by_role("button", name="Norsk (bokmål)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Sara Nilsen!")


def test_wrong_password_shows_a_clear_message(page, axe):
    UserFactory(username="sara")
    log_in(page, "sara", "feil-passord")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Brukernavnet eller passordet er feil")
    expect(page.get_by_label("Brukernavn")).to_have_value("sara")
    assert serious_violations(axe, page) == []


def session_cookie(context):
    (cookie,) = (c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return cookie


def test_a_session_made_on_the_server_is_the_one_the_login_form_gives(page, browser, live_server):
    # The other browser tests start signed in with conftest.sign_in instead of the form
    sara = UserFactory(username="sara", display_name="Sara Nilsen")
    log_in(page, "sara", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Sara Nilsen!")
    context = browser.new_context(base_url=live_server.url)
    sign_in(context, live_server, sara)
    by_form, by_server = session_cookie(page.context), session_cookie(context)
    assert by_form.pop("value") != by_server.pop("value")
    assert by_server == by_form
    # The same session data (user, backend, password hash; no second factor), so the same pages
    session_data = SessionStore(session_cookie(page.context)["value"]).load()
    assert session_data == SessionStore(session_cookie(context)["value"]).load()
    assert set(session_data) == {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}
    server_page = context.new_page()
    server_page.goto("/")
    expect(server_page.get_by_role("heading", level=1)).to_have_text("Hei, Sara Nilsen!")
    context.close()


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_layout_fits_320_px_without_horizontal_scrolling(page, live_server):
    sign_in(page.context, live_server, UserFactory(username="sara", display_name="Sara Nilsen"))
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Sara Nilsen!")
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
