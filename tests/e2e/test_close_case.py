"""Closing and reopening a case in Chromium (issue #13 item 5): BUP closes Sara's case with a
summary and a follow-up date; every page then says the case is closed instead of offering
forms, Sara's home shows it closed and she still reads everything; BUP opens it again. Each
page state is axe-clean on a phone (390 px) and on a desktop (1280 px)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Entry

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def clean_at_both_sizes(axe, page):
    assert serious_violations(axe, page) == []
    phone = page.viewport_size
    page.set_viewport_size(DESKTOP)
    assert serious_violations(axe, page) == []
    page.set_viewport_size(phone)


def test_bup_closes_sara_case_and_opens_it_again(demo, as_user, axe):
    case = demo["sara"]
    entry = Entry.objects.filter(case=case).order_by("pk").first()
    bup = as_user("bup", f"/cases/{case.pk}/")
    bup.get_by_role("link", name="Avslutt saken").click()
    expect(bup.get_by_role("heading", level=1)).to_have_text("Avslutt saken")
    clean_at_both_sizes(axe, bup)
    # An empty summary is refused on the page, with the field marked.
    bup.get_by_role("button", name="Avslutt saken").click()
    expect(bup.locator(".error-summary")).to_be_visible()
    clean_at_both_sizes(axe, bup)
    bup.get_by_label("Oppsummering").fill("BUP har avsluttet behandlingen.")
    bup.get_by_label("Dato for oppfølging (valgfritt)").fill(
        (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    bup.get_by_role("button", name="Avslutt saken").click()
    expect(bup.locator(".case-closed")).to_contain_text("BUP har avsluttet behandlingen.")
    expect(bup.get_by_role("heading", name="Skriv noe nytt")).to_have_count(0)
    expect(bup.get_by_role("button", name="Åpne saken igjen")).to_be_visible()
    clean_at_both_sizes(axe, bup)
    bup.goto("/cases/")
    expect(bup.locator(".status-closed")).to_have_text("Avsluttet")
    clean_at_both_sizes(axe, bup)
    bup.goto(f"/cases/{case.pk}/messages/")
    expect(bup.locator(".closed-notice")).to_be_visible()
    clean_at_both_sizes(axe, bup)

    sara = as_user("sara")
    expect(sara.locator("main")).to_contain_text("Saken din ble avsluttet")
    clean_at_both_sizes(axe, sara)
    sara.goto(f"/cases/{case.pk}/")
    expect(sara.locator(".case-closed")).to_contain_text("Du kan fortsatt lese alt om deg.")
    clean_at_both_sizes(axe, sara)
    if entry is not None:
        sara.goto(f"/cases/{case.pk}/entries/{entry.pk}/")
        expect(sara.get_by_role("heading", level=1)).to_have_text(entry.title)
    sara.goto(f"/cases/{case.pk}/who-knows-what/")
    clean_at_both_sizes(axe, sara)
    sara.goto(f"/cases/{case.pk}/plan/")
    expect(sara.locator(".closed-notice")).to_be_visible()
    clean_at_both_sizes(axe, sara)

    bup.goto(f"/cases/{case.pk}/")
    bup.get_by_role("button", name="Åpne saken igjen").click()
    expect(bup.get_by_role("status")).to_contain_text("Saken er åpnet igjen")
    expect(bup.get_by_role("heading", name="Skriv noe nytt")).to_be_visible()
    clean_at_both_sizes(axe, bup)
