"""The ungdomshjelper on a phone: Nora sees what needs her and what waits for Sara; Sara asks
for another ungdomshjelper, reads the candidates' presentations and chooses; Nora's page then
no longer lists Sara."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_overview_and_a_change_of_ungdomshjelper(demo, as_user, axe):
    case = demo["sara"]
    nora = as_user("ungdomshjelper")
    # Her home leads to her own page, which lists Sara and the meeting Sara has to decide on.
    nora.get_by_role("link", name="Se hva som trenger deg").click()
    expect(nora.get_by_role("heading", level=1)).to_have_text("Mine ungdommer")
    sara_card = nora.locator("section.overview-case", has_text="Sara Nilsen")
    expect(sara_card).to_contain_text("1 møte som kommer")
    expect(sara_card).to_contain_text("Velge hvem som kommer på 1 møte")
    assert serious_violations(axe, nora) == []
    nora.get_by_role("link", name=re.compile("Presentasjonen din")).click()
    expect(nora.get_by_label("Om deg")).to_have_value(re.compile("ungdomshjelper i kommunen"))
    assert serious_violations(axe, nora) == []

    sara = as_user("sara", f"/cases/{case.pk}/ungdomshjelper/")
    expect(sara.locator(".presentation").first).to_contain_text("holde oversikten for deg")
    sara.get_by_role("button", name="Bytt ungdomshjelper").click()
    expect(sara.get_by_role("status")).to_contain_text("Velg hvem du vil ha i stedet")
    expect(sara.get_by_role("heading", name="Velg den nye ungdomshjelperen din")).to_be_visible()
    expect(sara.locator(".candidate", has_text="Ahmed Khan")).to_contain_text("psykolog på BUP")
    assert serious_violations(axe, sara) == []
    sara.get_by_label(re.compile("Kari Nordmann")).check()
    sara.get_by_role("button", name="Velg", exact=True).click()
    expect(sara.get_by_role("status")).to_contain_text("Kari Nordmann er nå ungdomshjelperen din")
    assert serious_violations(axe, sara) == []

    # Nora left Sara's case (she acts for no service): her page is empty now.
    nora.goto("/ungdomshjelper/")
    expect(nora.locator("main")).to_contain_text("Du er ikke ungdomshjelper for noen nå")
    assert serious_violations(axe, nora) == []
