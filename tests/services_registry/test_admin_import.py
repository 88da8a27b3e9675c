"""A catalogue editor imports an HSDS file in the admin (issue #15 part B.4): the report is shown,
and a file with any bad record saves nothing at all."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.demo import CATALOGUE_EDITORS
from coordination.models import AuditEvent
from services_registry.models import Organization, Service
from tests.factories import UserFactory, login_with_second_factor

from .test_import_shapes import (
    ORGANIZATION_ID,
    SERVICE_ID,
    compiled_service,
    organization_simple,
)

pytestmark = pytest.mark.django_db

URL = "/admin/services_registry/organization/import/"


@pytest.fixture
def editor(client):
    user = UserFactory(username="redaktor", is_staff=True)
    user.groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    login_with_second_factor(client, user)
    return user


def upload(client, name, content):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def as_json(document):
    return json.dumps(document).encode()


def test_the_organization_list_links_to_the_import(client, editor):
    response = client.get(reverse("admin:services_registry_organization_changelist"))
    assert URL.encode() in response.content
    assert reverse("admin:services_registry_organization_import") == URL


def test_an_editor_imports_a_service_and_sees_the_report(client, editor):
    response = upload(client, "service.json", as_json(compiled_service()))
    assert response.status_code == 200
    assert response.context["report"].errors == []
    assert Service.objects.filter(pk=SERVICE_ID).exists()
    text = response.content.decode()
    assert "Import fullført" in text
    assert "Hoppet over: feltet service.alert (Sammen har ikke plass til det): 1 post" in text
    event = AuditEvent.objects.get(action="catalogue.imported")
    assert event.actor == editor and event.data["organizations"] == 1


def test_one_bad_record_saves_nothing_and_names_the_record(client, editor):
    # Given a page with a good service and one whose age is not a number.
    bad = compiled_service("5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1aa1", "Annen tjeneste")
    bad["organization"] = {**organization_simple(), "id": "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1aa2"}
    bad["minimum_age"] = "tretten"
    page = {"total_items": 2, "contents": [compiled_service(), bad]}

    response = upload(client, "page.json", as_json(page))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Ingenting ble importert" in text
    assert "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1aa1: minimum_age" in text
    # Not even the good organization is kept.
    assert not Organization.objects.exists() and not Service.objects.exists()
    assert not AuditEvent.objects.filter(action="catalogue.imported").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.json", b'{"hello": "world"}', "Expected HSDS 3"),
        ("broken.json", b'{"organizations": [', "not valid JSON"),
        ("latin1.json", '{"navn": "Bjørn"}'.encode("latin-1"), "not UTF-8"),
        ("package.zip", b"PK not really", "not a readable .zip"),
        ("services.csv", b"id,name\n", "import the folder with datapackage.json"),
    ],
)
def test_unreadable_uploads_save_nothing_and_say_why(client, editor, name, content, message):
    response = upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organization.objects.exists()


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_zipped_csv_data_package_imports(client, editor):
    organization = organization_simple()
    files = {
        # Packed inside a folder, and with a name that tries to climb out: both land flat.
        "hsds/datapackage.json": json.dumps(
            {
                "resources": [
                    {"name": "organization", "path": "organizations.csv"},
                    {"name": "service", "path": "services.csv"},
                ]
            }
        ),
        "hsds/organizations.csv": (
            f"id,name,description\n{ORGANIZATION_ID},{organization['name']},Frivillige\n"
        ),
        "../services.csv": (
            f"id,organization_id,name,status,minimum_age\n"
            f"{SERVICE_ID},{ORGANIZATION_ID},Leksehjelp,active,13\n"
        ),
    }
    response = upload(client, "package.zip", zipped(files))
    assert response.context["report"].errors == []
    assert Service.objects.get(pk=SERVICE_ID).minimum_age == 13


def test_a_zip_that_unpacks_beyond_the_limit_is_refused_unread(client, editor, settings):
    settings.HSDS_IMPORT_MAX_BYTES = 1000
    response = upload(client, "bomb.zip", zipped({"datapackage.json": " " * 5000}))
    assert response.context["form"].is_valid()  # the packed file itself is small
    assert "0.0 MB; the limit is 0.0 MB" in response.content.decode()


def test_a_file_above_the_limit_is_a_form_error(client, editor, settings):
    settings.HSDS_IMPORT_MAX_BYTES = 10
    response = upload(client, "service.json", as_json(compiled_service()))
    assert response.context["form"].errors["file"]
    assert not Service.objects.exists()


def test_staff_without_catalogue_rights_are_refused(client):
    clerk = UserFactory(username="kontor", is_staff=True)
    login_with_second_factor(client, clerk)
    assert upload(client, "service.json", as_json(compiled_service())).status_code == 403
    assert not Service.objects.exists()


def test_the_import_needs_a_staff_login(client):
    response = upload(client, "service.json", as_json(compiled_service()))
    assert response.status_code == 302
    assert not Service.objects.exists()
