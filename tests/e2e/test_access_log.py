"""The access log page (issue #16 item 5) in Chromium, axe-checked at 390 px and 1280 px: reached
from who-knows-what, in plain words, filtered to one person, and a wrong period refused."""

import pytest
from playwright.sync_api import expect

from cases.services import entry_create, entry_open
from consent.services import share
from coordination.models import User

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_youth_reads_who_opened_what_and_narrows_it(demo, as_user, axe):
    # Given a school note shared with the teacher by Sara's rule, which he opened
    nurse, teacher = (User.objects.get(username=name) for name in ("helsesykepleier", "laerer"))
    note = entry_create(
        case=demo["sara"],
        author=nurse,
        kind="note",
        category="school",
        title="Tilrettelegging ved prøver",
        body="Tekst",
    )
    share(entry=note, recipients=[teacher], actor=nurse)
    entry_open(user=teacher, entry_id=note.pk, via="page")
    entry_open(user=nurse, entry_id=note.pk, via="page")
    # When Sara follows the link from who-knows-what
    page = as_user(
        "sara", f"/cases/{demo['sara'].pk}/who-knows-what/", viewport=viewport(WIDTHS[0])
    )
    page.get_by_role("link", name="Se hver gang noen har åpnet noe om deg").click()
    # Then she reads each open in plain words, and the page is axe-clean
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem har åpnet hva om meg")
    expect(page.locator(".access-log").get_by_text(teacher.name).first).to_be_visible()
    expect(page.get_by_text("åpnet «Tilrettelegging ved prøver»").first).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # When she narrows it to the teacher, only his open is left
    page.get_by_label("Person").select_option(label=teacher.name)
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.locator(".access-log li")).to_have_count(1)
    assert serious_violations_at_widths(axe, page) == {}
    # A period that ends before it starts is refused on the page
    page.get_by_label("Fra").fill("2026-03-10")
    page.get_by_label("Til").fill("2026-03-01")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_text("Slutten på perioden er før starten.")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
