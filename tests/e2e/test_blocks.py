"""The block page (issue #16 item 3) in Chromium, axe-checked at 390 px and 1280 px: Sara
reaches it from who-knows-what, blocks BUP with a reason in plain words, sees the block and
removes it."""

import pytest
from playwright.sync_api import expect

from consent.models import Block
from coordination.models import User

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_youth_blocks_and_unblocks_someone(demo, as_user, axe):
    bup = User.objects.get(username="bup")
    case_id = demo["sara"].pk
    # When Sara follows the link from who-knows-what
    page = as_user("sara", f"/cases/{case_id}/who-knows-what/", viewport=viewport(WIDTHS[0]))
    page.get_by_role("link", name="Blokker noen, så de ikke får noe fra saken din").click()
    # Then the page says in plain words what a block does, and is axe-clean
    expect(page.get_by_role("heading", level=1)).to_have_text("Blokker noen")
    expect(page.get_by_text("Ingen er blokkert.")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # Choosing nobody is refused on the page
    page.get_by_role("button", name="Blokker", exact=True).click()
    expect(page.get_by_text("Velg en person.", exact=True)).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # When she blocks BUP with a reason
    page.get_by_label("Hvem skal ikke få noe fra saken din?").select_option(value=str(bup.pk))
    page.get_by_label("Hvorfor").fill("Vil ikke snakke med dem nå")
    page.get_by_role("button", name="Blokker", exact=True).click()
    # Then BUP is listed with her reason, and told nothing
    expect(page.get_by_text(f"{bup.name} får ikke noe fra saken din nå.")).to_be_visible()
    expect(page.locator(".block-list").get_by_text("Vil ikke snakke med dem nå")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # When she removes the block, it is gone and nothing comes back
    page.get_by_role("button", name=f"Fjern blokkeringen for {bup.name}").click()
    expect(page.get_by_text("Ingen er blokkert.")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    assert Block.objects.get(user=bup).ended_at is not None
