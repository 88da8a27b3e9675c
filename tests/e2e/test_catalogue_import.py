"""A catalogue editor imports a published HSDS 3 service in the admin, in Chromium: the upload
page, the report of a good file and the report of a refused file are axe-clean on a phone
(390 px) and a desktop (1280 px); the imported service is in the finder."""

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from coordination.demo import CATALOGUE_EDITORS
from tests.factories import UserFactory, login_with_second_factor
from tests.services_registry.test_import_shapes import compiled_service

from .conftest import PHONE, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def axe_clean_at_both_sizes(page, axe) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert serious_violations(axe, page) == [], size


def signed_in_editor(page, live_server) -> None:
    """The editor's session (password and second factor given), handed to the browser."""
    editor = UserFactory(username="redaktor", is_staff=True)
    editor.groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    client = Client()
    login_with_second_factor(client, editor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_an_editor_uploads_a_service_and_then_a_bad_file(page, axe, live_server, tmp_path):
    signed_in_editor(page, live_server)
    good = tmp_path / "service.json"
    good.write_text(json.dumps(compiled_service()), encoding="utf-8")
    bad = tmp_path / "nothing.json"
    bad.write_text(json.dumps({"hello": "world"}), encoding="utf-8")

    # Given the organization list; when the editor opens the import page
    page.goto("/admin/services_registry/organization/")
    page.get_by_role("link", name="Importer HSDS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer HSDS")
    axe_clean_at_both_sizes(page, axe)

    # and uploads one published service, then the report says what was kept and what not
    page.get_by_label("HSDS-fil").set_input_files(str(good))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", name="Import fullført")).to_be_visible()
    expect(page.get_by_text("feltet service.alert (Sammen har ikke plass til det)")).to_be_visible()
    axe_clean_at_both_sizes(page, axe)

    # When the file holds nothing to import, the page says so and what was expected
    page.get_by_label("HSDS-fil").set_input_files(str(bad))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", name="Ingenting ble importert")).to_be_visible()
    expect(page.get_by_text("Expected HSDS 3")).to_be_visible()
    axe_clean_at_both_sizes(page, axe)

    # Then the imported service is in the public finder
    page.goto("/services/?q=leksehjelp")
    expect(page.get_by_text("Leksehjelp for ungdom").first).to_be_visible()
