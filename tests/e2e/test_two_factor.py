"""Two-factor sign-in in Chromium: `admin` sets up his authenticator app on his first visit to
the admin site, saves his recovery codes, and later signs in with the app's code or a recovery
code. Every page is axe-clean on a phone (390 px) and on a desktop (1280 px)."""

import base64
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

from .conftest import PHONE, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def code_from_key(key: str, *, later_steps: int = 0) -> str:
    """What an authenticator app shows for the key typed from the set-up page."""
    secret = base64.b32decode(key.replace(" ", ""))
    return f"{totp(secret, drift=later_steps):06d}"


def admin_password_login(page) -> None:
    page.goto("/admin/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")


def axe_clean_at_both_sizes(page, axe) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert serious_violations(axe, page) == [], size


def test_admin_sets_up_totp_on_first_login_and_reaches_the_admin(page, axe, time_machine):
    UserFactory(
        username="admin", display_name="Kommuneadministrator", is_staff=True, is_superuser=True
    )
    # Given admin logs in to the admin site with his password: he is sent to set up the app
    admin_password_login(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sett opp tofaktor-innlogging")
    expect(page.get_by_role("img", name="QR-kode til kodeappen din")).to_be_visible()
    axe_clean_at_both_sizes(page, axe)
    # When he types a wrong code, the page says so and keeps him there
    page.get_by_role("textbox", name=re.compile("^Kode")).fill("000000")
    page.get_by_role("button", name="Slå på tofaktor-innlogging").click()
    expect(page.get_by_role("alert")).to_contain_text("Sjekk koden")
    axe_clean_at_both_sizes(page, axe)
    # and the app's code from the key on the page turns it on (a later one: the wrong try
    # makes django-otp wait a second, which passes on the clock of the whole process, the live
    # server's thread included, and the app's next code is accepted too)
    key = page.locator("#totp-secret").inner_text()
    time_machine.move_to(timezone.now() + timedelta(seconds=1.1))
    page.get_by_role("textbox", name=re.compile("^Kode")).fill(code_from_key(key, later_steps=1))
    page.get_by_role("button", name="Slå på tofaktor-innlogging").click()
    # Then he sees his recovery codes once, and continues to the admin site
    expect(page.get_by_role("heading", level=1)).to_have_text("Tofaktor-innlogging er på")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    axe_clean_at_both_sizes(page, axe)
    page.get_by_role("link", name="Jeg har tatt vare på dem – fortsett").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_be_visible()

    # Later: he logs out, logs in again and is asked for the code; a recovery code lets him in
    page.goto("/accounts/two-factor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tofaktor-innlogging")
    axe_clean_at_both_sizes(page, axe)
    page.get_by_role("button", name=re.compile("Logg ut")).click()
    admin_password_login(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekreft at det er deg")
    axe_clean_at_both_sizes(page, axe)
    page.get_by_role("textbox", name=re.compile("^Kode")).fill(codes[0])
    page.get_by_role("button", name="Bekreft").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("Du brukte en reservekode. Du har 9 igjen.")).to_be_visible()
