"""import_hsds: validation with record id and field, one transaction per organization,
idempotent re-import, and every kind of bad input from issue #7."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from services_registry.hsds.formats import ImportRejected
from services_registry.models import Attribute, Organization, Schedule, Service, TaxonomyTerm
from services_registry.services import catalogue_import_path
from tests.search_columns import assert_search_columns_are_the_refreshs, service_writes

from .conftest import find_service, write

pytestmark = pytest.mark.django_db


def total_rows():
    return (
        Organization.objects.count(),
        Service.objects.count(),
        Schedule.objects.count(),
        Attribute.objects.count(),
        TaxonomyTerm.objects.count(),
    )


def test_the_demo_catalogue_imports_cleanly(tmp_path, document):
    # Given the demo file; when imported; then every organization and service loads.
    inserted, updated = service_writes()
    report = catalogue_import_path(path=write(tmp_path, document))
    assert report.errors == []
    assert Organization.objects.count() == len(document["organizations"])
    assert Service.objects.count() >= 30
    assert Service.objects.filter(search_vector__isnull=False).count() == Service.objects.count()
    # Each service is written once, with its search columns (no dead second version of every
    # row, which bloats the table and its GIN indexes), and they are what a refresh computes.
    assert service_writes() == (inserted + Service.objects.count(), updated)
    assert_search_columns_are_the_refreshs()


# This test and the next two start from the demo catalogue as imported: the catalogue layer's
# one import for the three when they run one after another (tests/services_registry/conftest.py).
def test_re_import_updates_and_never_duplicates_or_adds_history(catalogue, tmp_path, document):
    path = write(tmp_path, document)
    before = total_rows()
    history_before = Service.history.count()

    # When the same file is imported again, nothing changes, not even history.
    report = catalogue_import_path(path=path)
    assert report.saved == {} and report.unchanged > 0
    assert total_rows() == before
    assert Service.history.count() == history_before

    # When a name changes in the file, the service is updated in place, once, its search
    # columns with it; a service whose topics alone change is updated once by the refresh.
    _organization, service = find_service(document, "Helsestasjon for ungdom")
    service["name"] = "Helsestasjon for ungdom (HFU)"
    _organization, retopiced = find_service(document, "Fritidsklubben Huset")
    its_terms = {attribute["taxonomy_term_id"] for attribute in retopiced["attributes"]}
    new_term = next(t for t in document["taxonomy_terms"] if t["id"] not in its_terms)
    retopiced["attributes"][0]["taxonomy_term_id"] = new_term["id"]
    inserted, updated = service_writes()
    catalogue_import_path(path=write(tmp_path, document))
    assert total_rows() == before
    assert Service.objects.get(pk=service["id"]).name == "Helsestasjon for ungdom (HFU)"
    assert service_writes() == (inserted, updated + 2)
    assert new_term["name"].lower() in Service.objects.get(pk=retopiced["id"]).search_words
    assert_search_columns_are_the_refreshs()


def test_rows_left_out_of_a_re_import_are_removed_but_services_stay(catalogue, tmp_path, document):
    _organization, service = find_service(document, "Helsestasjon for ungdom")
    removed = service["schedules"].pop()
    catalogue_import_path(path=write(tmp_path, document))
    assert not Schedule.objects.filter(pk=removed["id"]).exists()
    assert Schedule.objects.filter(service_id=service["id"]).count() == len(service["schedules"])


def test_a_data_package_folder_imports_like_the_file(catalogue, tmp_path, document):
    folder = tmp_path / "package"
    call_command("export_hsds", str(folder), stdout=io.StringIO())
    Attribute.objects.all().delete()
    report = catalogue_import_path(path=folder)
    assert report.errors == []
    assert Attribute.objects.count() == sum(
        len(s.get("attributes", []))
        for o in document["organizations"]
        for s in o.get("services", [])
    )


def test_a_schema_invalid_record_names_id_and_field_and_the_rest_imports(tmp_path, document):
    # Given one service with a negative age, in an organization of its own.
    organization, service = find_service(
        document, "BUP Fjordvik (barne- og ungdomspsykiatrisk poliklinikk)"
    )
    service["minimum_age"] = -3
    # When imported
    report = catalogue_import_path(path=write(tmp_path, document))
    # Then the error names the record and the field, its organization is not imported at all,
    # and every other organization is.
    assert [(e.entity, e.record_id, e.field) for e in report.errors] == [
        ("service", service["id"], "minimum_age")
    ]
    assert report.rejected_organizations == [organization["id"]]
    assert not Organization.objects.filter(pk=organization["id"]).exists()
    assert not Service.objects.filter(organization_id=organization["id"]).exists()
    assert Organization.objects.count() == len(document["organizations"]) - 1


def test_the_command_prints_each_bad_record_and_exits_with_an_error(tmp_path, document):
    _organization, service = find_service(document, "Helsestasjon for ungdom")
    service["status"] = "open"
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="1 bad record"):
        call_command(
            "import_hsds", str(write(tmp_path, document)), stdout=io.StringIO(), stderr=stderr
        )
    assert f"service {service['id']}: status:" in stderr.getvalue()
    assert Service.objects.count() > 0


def test_model_rules_are_reported_per_field(tmp_path, document):
    _organization, service = find_service(document, "Helsestasjon for ungdom")
    service["minimum_age"], service["maximum_age"] = 20, 13
    report = catalogue_import_path(path=write(tmp_path, document))
    assert [(e.record_id, e.entity) for e in report.errors] == [(service["id"], "service")]
    assert not Service.objects.filter(pk=service["id"]).exists()


def test_an_unknown_taxonomy_term_is_named(tmp_path, document):
    _organization, service = find_service(document, "Helsestasjon for ungdom")
    attribute = service["attributes"][0]
    attribute["taxonomy_term_id"] = "00000000-0000-4000-8000-000000000000"
    report = catalogue_import_path(path=write(tmp_path, document))
    assert [(e.entity, e.record_id, e.field) for e in report.errors] == [
        ("attribute", attribute["id"], "taxonomy_term_id")
    ]
    assert "unknown taxonomy term" in report.errors[0].message
    assert not Service.objects.filter(pk=service["id"]).exists()


def test_a_duplicate_id_rejects_both_owners_and_is_named(tmp_path, document):
    first_org, first = find_service(document, "Helsestasjon for ungdom")
    second_org, second = find_service(document, "Barnevernstjenesten")
    second["id"] = first["id"]
    for child in (
        "schedules",
        "phones",
        "attributes",
        "languages",
        "contacts",
        "service_at_locations",
    ):
        for record in second.get(child, []):
            for key in ("service_id", "link_id"):
                if key in record:
                    record[key] = first["id"]
    report = catalogue_import_path(path=write(tmp_path, document))
    assert ("service", first["id"], "id") in [
        (e.entity, e.record_id, e.field) for e in report.errors
    ]
    assert {first_org["id"], second_org["id"]} <= set(report.rejected_organizations)
    assert not Service.objects.filter(pk=first["id"]).exists()


def test_malformed_json_imports_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"organizations": [ {"id": "x", ]}', encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"not valid JSON \(line 1, column"):
        catalogue_import_path(path=path)
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_hsds", str(path), stdout=io.StringIO())
    assert Organization.objects.count() == 0


def test_a_200_mb_file_is_refused_before_reading(tmp_path):
    # A sparse file: 200 MB on paper, nothing on disk.
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    with pytest.raises(ImportRejected, match=r"209\.7 MB; the limit is 21\.0 MB"):
        catalogue_import_path(path=path)
    assert Organization.objects.count() == 0


def test_a_non_object_document_and_wrong_shapes_are_reported(tmp_path, document):
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ImportRejected, match="No organization or service found"):
        catalogue_import_path(path=path)

    _organization, service = find_service(document, "Helsestasjon for ungdom")
    service["schedules"] = "every day"
    report = catalogue_import_path(path=write(tmp_path, document))
    assert any(e.field == "schedules" and e.message == "must be a list" for e in report.errors)


def test_a_child_that_contradicts_its_parent_is_rejected(tmp_path, document):
    _organization, service = find_service(document, "Helsestasjon for ungdom")
    service["schedules"][0]["service_id"] = "00000000-0000-4000-8000-000000000001"
    report = catalogue_import_path(path=write(tmp_path, document))
    assert [(e.entity, e.field) for e in report.errors] == [("schedule", "service_id")]


def test_a_data_package_cannot_point_outside_its_folder(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "service", "path": "../secret.json"}]}), encoding="utf-8"
    )
    with pytest.raises(ImportRejected, match="outside the folder"):
        catalogue_import_path(path=folder)
