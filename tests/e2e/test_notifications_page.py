"""The notifications page on a phone: readable, axe-clean, opening marks read."""

import pytest
from playwright.sync_api import expect

from consent import notifications as consent_notifications
from coordination.models import Notification
from tests.factories import NotificationFactory, UserFactory

from .conftest import serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_youth_reads_her_notifications(page, axe, live_server):
    sara = UserFactory(username="sara", display_name="Sara Nilsen")
    NotificationFactory(recipient=sara, kind=consent_notifications.ENTRY_SHARED.key, target_url="/")
    sign_in(page.context, live_server, sara)
    page.goto("/")
    page.get_by_role("link", name="Varsler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Varsler")
    expect(page.locator(".notification")).to_contain_text("Noe om deg er delt med en hjelper.")
    assert serious_violations(axe, page) == []
    page.get_by_role("button", name="Åpne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Sara Nilsen!")
    assert Notification.objects.get().read_at is not None
