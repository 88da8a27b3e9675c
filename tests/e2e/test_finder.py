"""As a new user would: without logging in, search "angst" at 15 with "open now" on a phone,
open the youth health clinic and read its hours for today; every page axe-clean."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from playwright.sync_api import expect

from services_registry.models import Schedule, Service
from services_registry.services import service_search_refresh, service_staff_set
from tests.factories import UserFactory

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(demo):
    # The demo's catalogue (seed_demo imports DEMO_CATALOGUE): the demo copy is set back in
    # ~0.3 s, where importing the catalogue took ~1.3 s, ~5 s under load.
    # Whatever the clock says, the clinic and BUP are open right now (an exception for today).
    today = timezone.localdate()
    for name in (
        "Helsestasjon for ungdom",
        "BUP Fjordvik (barne- og ungdomspsykiatrisk poliklinikk)",
    ):
        Schedule.objects.filter(service__name=name, freq="").delete()
        schedule = Schedule.objects.filter(service__name=name).first()
        Schedule.objects.create(
            service_id=schedule.service_id,
            valid_from=today,
            valid_to=today,
            opens_at=datetime.time(0, 0),
            closes_at=datetime.time(23, 59),
            description="Åpent hele dagen i dag",
        )
    service_search_refresh()
    # The clinic has an intake worker in Sammen; its page says so and names nobody.
    service_staff_set(
        service=Service.objects.get(name="Helsestasjon for ungdom"),
        user=UserFactory(display_name="Linn Aas"),
        receives_referrals=True,
    )
    return today


def test_a_young_person_finds_who_to_talk_to_now(page, axe, catalogue):
    page.goto("/")
    page.get_by_role("link", name="Hvem kan jeg snakke med?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem skal jeg snakke med nå?")
    assert serious_violations(axe, page) == []

    page.get_by_label("Hva trenger du hjelp med?").fill("angst")
    page.get_by_label("Alderen din").fill("15")
    page.get_by_label("Åpent nå").check()
    page.get_by_role("button", name="Søk").click()

    results = page.locator("#results")
    expect(results.get_by_role("link", name="Helsestasjon for ungdom")).to_be_visible()
    expect(
        results.get_by_role("link", name="BUP Fjordvik (barne- og ungdomspsykiatrisk poliklinikk)")
    ).to_be_visible()
    expect(results.get_by_text("I dag: 00:00\u201323:59").first).to_be_visible()
    assert "open_now=on" in page.url
    assert serious_violations(axe, page) == []

    results.get_by_role("link", name="Helsestasjon for ungdom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Helsestasjon for ungdom")
    expect(page.get_by_text("Åpent nå").first).to_be_visible()
    expect(
        page.get_by_text("I dag: 00:00\u201323:59 \u2013 Åpent hele dagen i dag")
    ).to_be_visible()
    with translation.override("nb"):
        weekday = str(WEEKDAYS[catalogue.weekday()]).capitalize()
    expect(page.locator("tr[aria-current='date'] th")).to_have_text(weekday)
    expect(page.get_by_role("link", name="Vis Helsehuset på kart (OpenStreetMap)")).to_be_visible()
    expect(page.get_by_text("Tar imot henvisninger i Sammen.")).to_be_visible()
    expect(page.get_by_text("Linn Aas")).to_have_count(0)
    assert serious_violations(axe, page) == []

    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False


def test_a_bad_age_gets_a_clear_message(page, axe, catalogue):
    page.goto("/services/")
    page.get_by_label("Alderen din").fill("130")
    page.get_by_role("button", name="Søk").click()
    expect(page.get_by_role("alert")).to_contain_text("Alderen må være mellom 0 og 120.")
    assert serious_violations(axe, page) == []


def test_the_finder_works_in_english(page, axe, catalogue):
    page.goto("/services/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("What do you need help with?").fill("anxiety")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results").get_by_role("link", name="Youth health clinic")).to_be_visible()
    assert serious_violations(axe, page) == []
