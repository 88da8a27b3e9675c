"""The pages of issue #13's people slice in Chromium, axe-checked at 390 px and 1280 px: the
profile (saved, and refused with a wrong phone) and leaving the team with a summary that the
young person then reads on the case page."""

import pytest
from playwright.sync_api import expect

from cases.models import Participant
from coordination.models import User

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_profile_page_saves_and_refuses(demo, as_user, axe):
    page = as_user("helsesykepleier", viewport=viewport(WIDTHS[0]))
    page.get_by_role("link", name="Min profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min profil")
    assert serious_violations_at_widths(axe, page) == {}
    # A phone nobody can reach: the field says why, nothing is saved
    page.get_by_label("Mobilnummer").fill("123")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Ingenting ble lagret.")).to_be_visible()
    expect(page.get_by_text("Skriv et telefonnummer som kan nås")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # A Norwegian number and SMS too: saved as +47
    page.get_by_label("Mobilnummer").fill("912 34 567")
    page.get_by_label("SMS").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Profilen din er lagret.")).to_be_visible()
    nurse = User.objects.get(username="helsesykepleier")
    assert nurse.phone == "+4791234567" and nurse.notify_by_sms
    assert serious_violations_at_widths(axe, page) == {}


def test_leaving_the_team_with_a_summary_the_youth_reads(demo, as_user, axe):
    case = demo["sara"]
    bup = as_user("bup", f"/cases/{case.pk}/", viewport=viewport(WIDTHS[0]))
    bup.get_by_role("link", name="Gå ut av teamet").click()
    expect(bup.get_by_role("heading", level=1)).to_have_text("Gå ut av teamet")
    assert serious_violations_at_widths(axe, bup) == {}
    bup.get_by_label("Noen ord til den unge og teamet (valgfritt)").fill(
        "BUP har avsluttet behandlingen."
    )
    bup.get_by_role("button", name="Gå ut av teamet").click()
    expect(bup.get_by_text("Du har gått ut av teamet.")).to_be_visible()
    assert Participant.objects.get(case=case, user__username="bup").left is not None
    # Sara is told, and reads who left and why on her case page
    sara = as_user("sara", "/notifications/", viewport=viewport(WIDTHS[0]))
    expect(sara.get_by_text("Noen har gått ut av teamet").first).to_be_visible()
    sara.goto(f"/cases/{case.pk}/")
    expect(sara.get_by_text("BUP har avsluttet behandlingen.")).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
