"""Nynorsk in the browser (issue #19 item 8): Sara switches to nynorsk with the language switch
and reads her home, who-knows-what and the glossary in it; each page is axe-clean on a phone
(390 px) and on a desktop (1280 px), and the switch with three languages fits 320 px."""

import pytest
from playwright.sync_api import expect

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_sara_reads_sammen_in_nynorsk(as_user, demo, axe):
    page = as_user("sara", viewport=viewport(WIDTHS[0]))
    page.get_by_role("button", name="Norsk (nynorsk)").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.get_by_role("button", name="Norsk (nynorsk)")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("link", name="Kven veit kva om meg").first).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}

    page.goto(f"/cases/{demo['sara'].pk}/who-knows-what/")
    expect(page.get_by_text("Her ser du alle som er med i saka di")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}

    page.goto("/glossary/?q=teieplikt")
    expect(page.locator('dt[lang="nn"]', has_text="Teieplikt")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}

    # The choice is kept: the next page is in nynorsk too, and bokmål is one click away.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    page.get_by_role("button", name="Norsk (bokmål)").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_the_switch_with_three_languages_fits_320_px(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Norsk (nynorsk)").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
