"""Issue #17 item 4 in Chromium, axe-checked at 390 px and 1280 px: from the profile a young
person reaches their comments and corrections and the "jeg vil klage" page."""

import pytest
from playwright.sync_api import expect

from cases.models import Entry
from coordination.models import User
from voice.services import remark_create

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_the_profile_to_my_comments_and_the_complaint_page(demo, as_user, axe):
    jonas = User.objects.get(username="jonas")
    note = Entry.objects.get(case=demo["jonas"], title="Fravær i matematikk")
    remark_create(entry_id=note.pk, author=jonas, kind="comment", text="Jeg var syk to dager.")
    page = as_user("jonas", "/accounts/profile/", viewport=viewport(WIDTHS[0]))
    expect(page.get_by_role("heading", name="Rettighetene dine")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}

    page.get_by_role("link", name="Mine kommentarer og rettinger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine kommentarer og rettinger")
    expect(page.get_by_text("Jeg var syk to dager.")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}

    page.get_by_role("link", name="Jeg vil klage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeg vil klage")
    expect(page.get_by_role("heading", name="3. Klag til Datatilsynet")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
