"""An ungdomshjelper who follows up without being asked (issue #19 item 4) in Chromium,
axe-checked at 390 px and 1280 px: Nora sets a check-in rhythm on Sara's case, and Sara reads it
on her home page and on the check-in page."""

import pytest
from playwright.sync_api import expect

from voice.models import CheckInRhythm

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_nora_sets_the_rhythm_and_sara_sees_it_at_home(demo, as_user, axe):
    case = demo["sara"]
    nora = as_user("ungdomshjelper", f"/cases/{case.pk}/check-ins/", viewport=viewport(WIDTHS[0]))
    expect(nora.get_by_role("heading", level=1)).to_have_text("Fast kontakt")
    assert serious_violations_at_widths(axe, nora) == {}
    nora.get_by_label("Hvor ofte?").select_option(label="Annenhver uke")
    nora.get_by_label("Hvilken dag?").select_option(label="torsdag")
    nora.get_by_label("Når på dagen?").fill("15:00")
    nora.get_by_role("button", name="Lagre rytmen").click()
    expect(nora.get_by_role("status")).to_contain_text("Lagret")
    assert CheckInRhythm.objects.get(case=case).every_days == 14
    assert serious_violations_at_widths(axe, nora) == {}

    sara = as_user("sara", viewport=viewport(WIDTHS[0]))
    sentence = "Nora Bakken tar kontakt med deg hver 2. uke, på torsdag kl. 15:00."
    expect(sara.get_by_text(sentence)).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
    sara.get_by_role("link", name="Om den faste kontakten").click()
    expect(sara.get_by_text(sentence)).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
