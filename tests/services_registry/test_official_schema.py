"""Every exported object and every /api/v1/hsds/ response is valid against the official Open
Referral HSDS 3.0 schemas (issue #15 part B.3). The schemas are read from ../shared/hsds/schema
beside the checkout, never copied into the project; the API responses are checked against the
response schemas of the official openapi.json, with its references to the published schema files
resolved to the same folder."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from services_registry.hsds.spec import ENTITIES
from services_registry.models import Organization, Service, Taxonomy, TaxonomyTerm

pytestmark = pytest.mark.django_db

OFFICIAL = Path(__file__).resolve().parents[2].parent / "shared" / "hsds" / "schema"
# The openapi.json refers to compiled list shapes published beside the entity schemas; a list
# item is the entity with fewer fields, so the entity schema checks it.
COMPILED = {"service_list.json": "service.json", "organization_list.json": "organization.json"}


def _resource(name: str) -> Resource:
    contents = json.loads((OFFICIAL / name).read_text(encoding="utf-8"))
    return Resource.from_contents(contents, default_specification=DRAFT202012)


def _retrieve(uri: str) -> Resource:
    name = uri.rsplit("/", 1)[-1]
    return _resource(COMPILED.get(name, name))


REGISTRY: Registry = Registry(retrieve=_retrieve)
# A fresh checker: the importer's own "uri" rule (Django's URLValidator, stricter than RFC 3986)
# is registered on the validator class's shared checker.
FORMATS = FormatChecker()


def validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": ref}, registry=REGISTRY, format_checker=FORMATS)


def response_validator(path: str) -> Draft202012Validator:
    pointer = path.replace("~", "~0").replace("/", "~1")
    return validator(
        f"openapi.json#/paths/{pointer}/get/responses/200/content/application~1json/schema"
    )


def assert_valid(checker: Draft202012Validator, instance: object, where: str) -> None:
    errors = [
        f"{where}: {'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in checker.iter_errors(instance)
    ]
    assert errors == []


def test_the_official_schemas_are_there_and_bite():
    # A check that cannot fail proves nothing: a service without a name is refused.
    assert (OFFICIAL / "service.json").is_file()
    assert list(validator("service.json").iter_errors({"id": "x", "status": "active"}))
    page = {"total_items": "many", "contents": []}
    assert list(response_validator("/services").iter_errors(page))


def test_every_table_of_the_exported_data_package_is_valid(tmp_path, catalogue):
    folder = tmp_path / "package"
    call_command("export_hsds", str(folder), stdout=io.StringIO())
    for entity in ENTITIES:
        records = json.loads((folder / f"{entity.plural}.json").read_text(encoding="utf-8"))
        assert records, entity.name
        checker = validator(f"{entity.name}.json")
        for record in records:
            assert_valid(checker, record, f"{entity.name} {record['id']}")


def test_every_organization_and_service_of_the_exported_file_is_valid(tmp_path, catalogue):
    path = tmp_path / "catalogue.json"
    call_command("export_hsds", str(path), stdout=io.StringIO())
    document = json.loads(path.read_text(encoding="utf-8"))
    organizations, services = validator("organization.json"), validator("service.json")
    for organization in document["organizations"]:
        assert_valid(organizations, organization, f"organization {organization['id']}")
        for service in organization.get("services", []):
            assert_valid(services, service, f"service {service['id']}")
    assert document["organizations"]


def test_every_hsds_api_response_is_valid(api_client, catalogue):
    service = Service.objects.order_by("pk").first()
    organization = Organization.objects.order_by("pk").first()
    assert service and organization and Taxonomy.objects.exists() and TaxonomyTerm.objects.exists()
    responses = {
        "/": "/api/v1/hsds/",
        "/services": "/api/v1/hsds/services/",
        "/services/{id}": f"/api/v1/hsds/services/{service.pk}/",
        "/organizations": "/api/v1/hsds/organizations/",
        "/organizations/{id}": f"/api/v1/hsds/organizations/{organization.pk}/",
        "/taxonomies": "/api/v1/hsds/taxonomies/",
        "/taxonomy_terms": "/api/v1/hsds/taxonomy_terms/",
    }
    for official_path, url in responses.items():
        for params in ({}, {"page": 1, "per_page": 1}):
            response = api_client.get(url, params)
            assert response.status_code == 200, url
            assert_valid(response_validator(official_path), response.json(), url)
