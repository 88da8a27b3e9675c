"""Consent that ends by itself and the basis naming who decided, in Chromium (#16 items 1 and
7): Sara adds a rule for one month on her phone, a bad date is refused on the page, she says
yes to a request for three months, and who-knows-what shows the end and "du sa ja". Each page
state is axe-clean at 390 px and 1280 px."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Entry
from cases.services import entry_create
from consent.models import SharingRule
from consent.services import share
from coordination.models import User
from coordination.months import add_months

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def clean_at_both_sizes(axe, page):
    assert serious_violations(axe, page) == []
    phone = page.viewport_size
    page.set_viewport_size(DESKTOP)
    assert serious_violations(axe, page) == []
    page.set_viewport_size(phone)


def test_sara_gives_consent_for_a_while(demo, as_user, axe):
    case = demo["sara"]
    sara = as_user("sara", f"/cases/{case.pk}/sharing-rules/")
    clean_at_both_sizes(axe, sara)
    # A date chosen but not given: refused on the page, nothing saved.
    sara.get_by_label("Til en dato jeg velger").check()
    sara.get_by_role("button", name="Legg til regelen").click()
    expect(sara.locator(".error-summary")).to_be_visible()
    clean_at_both_sizes(axe, sara)
    sara.locator("select[name=category]").select_option("family")
    sara.get_by_label("1 måned").check()
    sara.get_by_role("button", name="Legg til regelen").click()
    expect(sara.get_by_role("status")).to_be_visible()
    rule = SharingRule.objects.get(case=case, category="family")
    assert rule.until == add_months(timezone.localdate(), 1)
    expect(sara.locator(".rule-list")).to_contain_text("Til og med")
    clean_at_both_sizes(axe, sara)

    # A health note for BUP needs her yes: she gives it for three months.
    nurse = User.objects.get(username="helsesykepleier")
    note = entry_create(
        case=case, author=nurse, kind=Entry.Kind.NOTE, category="health", title="Søvn", body="T"
    )
    asked = share(entry=note, recipients=[User.objects.get(username="bup")], actor=nurse)
    assert asked.consent_request is not None
    sara.goto(f"/consent/requests/{asked.consent_request.pk}/")
    clean_at_both_sizes(axe, sara)
    sara.get_by_label("3 måneder").check()
    sara.get_by_role("button", name="Ja, del det").click()
    expect(sara.get_by_role("status")).to_contain_text("Du sa ja")
    clean_at_both_sizes(axe, sara)

    sara.goto(f"/cases/{case.pk}/who-knows-what/")
    item = sara.locator("section.person", has_text="BUP").locator("li", has_text="Søvn")
    expect(item).to_contain_text("du sa ja")
    expect(item).to_contain_text(" til ")
    clean_at_both_sizes(axe, sara)
