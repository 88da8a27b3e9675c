"""A helper's own line (issue #19 item 3) in Chromium, axe-checked at 390 px and 1280 px: the
nurse writes what she helps with on the team page (refused when too long, then saved) and Sara
reads it on her home page."""

import pytest
from playwright.sync_api import expect

from cases.models import HELP_WHAT_MAX_CHARS, Participant

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)

WHAT = "Jeg hjelper deg med søvn og hodepine."
CONTACT = "Ring meg på 900 00 000, tirsdager 9-11."


def test_the_nurse_says_what_she_helps_with_and_sara_reads_it(demo, as_user, axe):
    case = demo["sara"]
    nurse = as_user("helsesykepleier", f"/cases/{case.pk}/team/", viewport=viewport(WIDTHS[0]))
    expect(nurse.get_by_role("heading", name="Dette hjelper du med")).to_be_visible()
    assert serious_violations_at_widths(axe, nurse) == {}
    # Too long (past the field's maxlength, as a browser that ignores it): the field says so
    nurse.locator("#id_what").evaluate("field => field.removeAttribute('maxlength')")
    nurse.get_by_label("Dette hjelper jeg med").fill("x" * (HELP_WHAT_MAX_CHARS + 1))
    nurse.get_by_role("button", name="Lagre").click()
    expect(nurse.get_by_text("Skriv høyst 200 tegn")).to_be_visible()
    assert serious_violations_at_widths(axe, nurse) == {}
    # Saved: the team page shows it
    nurse.get_by_label("Dette hjelper jeg med").fill(WHAT)
    nurse.get_by_label("Slik når du meg direkte").fill(CONTACT)
    nurse.get_by_role("button", name="Lagre").click()
    expect(nurse.get_by_text("Lagret. Den unge og teamet ser det.")).to_be_visible()
    expect(nurse.get_by_text(WHAT).first).to_be_visible()
    assert Participant.objects.get(case=case, user__username="helsesykepleier").help_what == WHAT
    # Sara reads it on her home page
    sara = as_user("sara", viewport=viewport(WIDTHS[0]))
    expect(sara.get_by_text(WHAT)).to_be_visible()
    expect(sara.get_by_text(CONTACT)).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
