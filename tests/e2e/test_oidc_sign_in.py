"""Signing in through the real local OpenID providers in Chromium: a youth with ID-porten, a
helper with the municipality's account, the refusal page, and a logout that ends the provider's
session too (scripts/oidc_providers.sh starts the providers in `make test`)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import OPEN_CASE_CODENAME, Invitation
from cases.services import NewPerson, case_open
from cases.tokens import token_for
from coordination.demo import HELPERS
from coordination.models import AuditEvent, Identity, User
from coordination.services import identity_link
from tests.coordination.oidc_providers import (
    HELPER_KARI,
    IDPORTEN_URL,
    KOMMUNE_URL,
    PASSWORD,
    PID_IDA,
    PID_UNKNOWN,
    kommune_oid,
    provider_settings,
)
from tests.factories import ServiceFactory, UserFactory

from .conftest import serious_violations, serious_violations_at_widths

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def oidc(settings):
    settings.SAMMEN_OIDC_PROVIDERS = provider_settings()


def log_in_at_provider(page, provider_url, username):
    expect(page).to_have_url(re.compile(re.escape(provider_url) + "/accounts/login/"))
    page.get_by_label("Testbruker").fill(username)
    page.get_by_label("Testpassord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn hos testleverandøren").click()


def test_a_youth_signs_in_with_id_porten_and_out_again(page, axe):
    # Given Ida, a youth whose ID-porten identity was linked to her account
    ida = UserFactory(
        display_name="Ida Test", birth_date=timezone.localdate() - timedelta(days=16 * 366)
    )
    identity_link(user=ida, provider="idporten", subject=PID_IDA)
    # The login page offers both providers and stays axe-clean, on a phone and on a desktop
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name="Logg inn med ID-porten")).to_be_visible()
    expect(page.get_by_role("button", name="Logg inn med kommunens konto")).to_be_visible()
    assert serious_violations(axe, page) == []
    page.set_viewport_size(DESKTOP)
    assert serious_violations(axe, page) == []
    # When she chooses ID-porten and logs in on the provider's own page
    page.get_by_role("button", name="Logg inn med ID-porten").click()
    log_in_at_provider(page, IDPORTEN_URL, PID_IDA)
    # Then she lands on her home
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Ida Test!")
    # When she logs out
    page.get_by_role("button", name="Logg ut").click()
    # Then the provider's session ends too: she is back on Sammen's login page, and signing in
    # again asks for the provider's login
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn i Sammen")
    page.get_by_role("button", name="Logg inn med ID-porten").click()
    expect(page.get_by_label("Testbruker")).to_be_visible()


def test_a_helper_signs_in_with_the_municipality_account(page):
    kari = UserFactory(display_name="Kari BUP")
    kari.groups.add(Group.objects.get_or_create(name=HELPERS)[0])
    identity_link(user=kari, provider="kommune", subject=kommune_oid(HELPER_KARI))
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Logg inn med kommunens konto").click()
    log_in_at_provider(page, KOMMUNE_URL, HELPER_KARI)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Kari BUP!")


def test_an_unknown_person_sees_a_clear_page_and_nothing_is_created(page, axe):
    users = User.objects.count()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Logg inn med ID-porten").click()
    log_in_at_provider(page, IDPORTEN_URL, PID_UNKNOWN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er ikke logget inn")
    expect(page.get_by_role("alert")).to_contain_text("inviterer deg")
    assert serious_violations_at_widths(axe, page) == {}
    assert User.objects.count() == users
    assert not Identity.objects.exists()
    assert AuditEvent.objects.filter(action="sign_in.failed", data__reason="unknown").exists()


def test_an_invited_youth_joins_by_signing_in_with_id_porten(page, axe):
    # Given a case opened for Ali, new to Sammen: his invitation's link (as in the e-mail)
    nurse = UserFactory(display_name="Helsesykepleier")
    nurse.groups.add(Group.objects.get_or_create(name=HELPERS)[0])
    nurse.user_permissions.add(Permission.objects.get(codename=OPEN_CASE_CODENAME))
    case = case_open(
        actor=nurse,
        title="Ali",
        service=ServiceFactory(),
        new_youth=NewPerson(
            display_name="Ali Hassan",
            email="ali@example.org",
            phone="",
            birth_date=timezone.localdate() - timedelta(days=15 * 366),
        ),
    )
    invitation = Invitation.objects.get(case=case)
    # The invitation's page offers ID-porten and is axe-clean
    page.goto(f"/invite/{token_for(invitation.nonce)}/")
    expect(page.get_by_role("heading", name="Bli med ved å bruke elektronisk ID")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # When he signs in there instead of making a password
    page.get_by_role("button", name="Logg inn med ID-porten").click()
    log_in_at_provider(page, IDPORTEN_URL, PID_UNKNOWN)
    # Then he is home, on his case's team, his identity linked (only as a hash)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Ali Hassan!")
    assert Identity.objects.get().user_id == case.youth_id
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
