"""Issue #17 item 1 in Chromium, axe-checked at 390 px and 1280 px: Sara asks for everything
about her from her profile, downloads it once, the link then says it no longer works, and the
zip's readable pages open in the browser."""

import zipfile

import pytest
from playwright.sync_api import expect

from coordination.exports.services import export_build
from coordination.models import Export

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_sara_downloads_everything_about_her_once(demo, as_user, axe, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = as_user("sara", "/accounts/profile/", viewport=viewport(WIDTHS[0]))
    expect(page.get_by_role("heading", name="Alt om meg")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # The export's page polls itself every 5 s (htmx): its clock is moved past the next poll
    # below instead of the test waiting it out (~3 s of idle wall on a quiet machine)
    page.clock.install()
    page.get_by_role("button", name="Last ned alt om meg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alt om meg")
    expect(page.get_by_text("Vi setter den sammen nå")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}

    # The worker's part, then the page polls itself to "ready"
    export_build(export_id=Export.objects.get(user__username="sara").pk)
    page.clock.fast_forward(5_000)
    link = page.get_by_role("link", name="Last ned (zip)")
    expect(link).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)

    page.reload()
    expect(page.get_by_text("Du lastet ned denne kopien")).to_be_visible()
    response = page.goto(page.url + "download/")
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken virker ikke lenger")
    assert serious_violations_at_widths(axe, page) == {}

    # The zip's readable part, as she would open it
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(saved) as archive:
        archive.extractall(unpacked)
    index = next(unpacked.glob("*/index.html"))
    page.goto(index.as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Alt Sammen har om deg")
    assert serious_violations_at_widths(axe, page) == {}
    page.get_by_role("link", name="Hvem vet hva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem vet hva")
    assert serious_violations_at_widths(axe, page) == {}
