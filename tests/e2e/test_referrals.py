"""Referrals (issue #15 A4) in Chromium, axe-checked at 390 px and 1280 px: the nurse refers
Sara to BUP with one note, Sara says yes, BUP's intake answers no and suggests the drop-in
clinic, and Sara reads the reason and where else to go."""

import pytest
from playwright.sync_api import expect

from referrals.models import Referral

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Samtale om søvn og stress (helse)"
CLINIC = "Helsestasjon for ungdom"


def test_a_referral_from_henvis_to_the_youths_timeline(demo, as_user, axe):
    case = demo["sara"]
    # Given the nurse chooses "Henvis" on Sara's case page and searches the catalogue
    nurse = as_user("helsesykepleier", f"/cases/{case.pk}/", viewport=viewport(WIDTHS[0]))
    nurse.get_by_role("link", name="Henvis", exact=True).click()
    nurse.get_by_label("Søk blant tjenestene som tar imot henvisninger i Sammen").fill("BUP")
    nurse.get_by_role("button", name="Søk").click()
    bup_choice = nurse.get_by_label("BUP Fjordvik", exact=False)
    expect(bup_choice).to_be_visible()
    assert serious_violations_at_widths(axe, nurse) == {}
    # When she chooses BUP, writes the purpose and picks one note
    bup_choice.check()
    nurse.get_by_label("Hva er henvisningen for?").fill("Vurdering av angst")
    nurse.get_by_label(NOTE).check()
    nurse.get_by_role("button", name="Send henvisningen").click()
    expect(nurse.get_by_text("Henvisningen venter på samtykke")).to_be_visible()
    assert serious_violations_at_widths(axe, nurse) == {}
    referral = Referral.objects.get()

    # And Sara says yes on the request, which names BUP and the purpose
    sara = as_user("sara", "/consent/requests/", viewport=viewport(WIDTHS[0]))
    sara.get_by_role("link", name="Samtale om søvn og stress", exact=False).first.click()
    expect(sara.get_by_text("Vurdering av angst")).to_be_visible()
    sara.get_by_role("button", name="Ja, del det").click()

    # Then BUP's intake finds it in the inbox and answers no, suggesting the clinic
    bup = as_user("bup", "/referrals/inbox/", viewport=viewport(WIDTHS[0]))
    assert serious_violations_at_widths(axe, bup) == {}
    bup.get_by_role("link", name="Sara", exact=False).click()
    bup.get_by_label("Hvorfor ikke").fill("Du trenger ikke spesialist nå.")
    bup.get_by_label(CLINIC).check()
    assert serious_violations_at_widths(axe, bup) == {}
    bup.get_by_role("button", name="Svar nei").click()
    expect(bup.get_by_text("Svart nei.")).to_be_visible()

    # And Sara reads the reason and where else to go, as a timeline in plain words
    sara.goto(f"/cases/{case.pk}/")
    sara.get_by_role("link", name="Mine henvisninger").click()
    expect(sara.get_by_text("Du trenger ikke spesialist nå.", exact=False)).to_be_visible()
    expect(sara.get_by_role("link", name=CLINIC)).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
    referral.refresh_from_db()
    assert referral.status == "declined"
