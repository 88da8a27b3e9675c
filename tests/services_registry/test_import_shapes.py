"""import_hsds reads every shape an HSDS 3 publisher produces (issue #15 part B): one compiled
service or organization, an API page of either, a data package of CSV tables; what Sammen does
not keep is reported, and input with nothing to import is an error naming what was expected."""

import copy
import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services_registry.hsds.formats import ImportRejected, read_document
from services_registry.hsds.importer import catalogue_import
from services_registry.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from services_registry.services import catalogue_import_path

from .conftest import write

pytestmark = pytest.mark.django_db

ORGANIZATION_ID = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a01"
SERVICE_ID = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a02"
SECOND_SERVICE_ID = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a03"
LOCATION_ID = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a04"
PHONE_ID = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a05"
TAXONOMY_ID = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a06"
TERM_ID = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a07"


def organization_simple():
    return {
        "id": ORGANIZATION_ID,
        "name": "Fjellby frivilligsentral",
        "description": "Frivillige som hjelper unge i Fjellby.",
        "website": "https://frivillig.fjellby.example",
        "tax_status": "ideell",
        "funding": [{"id": "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a10", "source": "Kommunen"}],
    }


def phone():
    return {"id": PHONE_ID, "number": "+47 22 33 44 55", "type": "voice"}


def compiled_service(service_id=SERVICE_ID, name="Leksehjelp for ungdom"):
    """A service as `GET /services/{id}` returns it: organization, locations, schedules and
    the attributes' taxonomy terms nested; the same phone under the service and its location."""
    return {
        "id": service_id,
        "name": name,
        "description": "Gratis leksehjelp og en prat, uten timeavtale.",
        "status": "active",
        "minimum_age": 13,
        "maximum_age": 19,
        "alert": "Stengt i skoleferiene.",
        "organization": organization_simple(),
        "phones": [phone()],
        "schedules": [
            {
                "id": f"{service_id[:-2]}b1",
                "freq": "WEEKLY",
                "byday": "MO,WE",
                "opens_at": "15:00",
                "closes_at": "19:00",
                "attending_type": "in person",
            }
        ],
        "service_at_locations": [
            {
                "id": f"{service_id[:-2]}c1",
                "location": {
                    "id": LOCATION_ID,
                    "location_type": "physical",
                    "name": "Fjellby bibliotek",
                    "external_identifier": "0301-17",
                    "phones": [phone()],
                    "addresses": [
                        {
                            "id": "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a08",
                            "address_1": "Storgata 1",
                            "city": "Fjellby",
                            "state_province": "Innlandet",
                            "postal_code": "2600",
                            "country": "NO",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "attributes": [
            {
                "id": f"{service_id[:-2]}d1",
                "taxonomy_term": {
                    "id": TERM_ID,
                    "code": "skole",
                    "name": "Skole",
                    "description": "Skole og lekser",
                    "taxonomy_id": TAXONOMY_ID,
                    "taxonomy_detail": {
                        "id": TAXONOMY_ID,
                        "name": "Fjellby-tema",
                        "description": "Temaene Fjellby bruker",
                    },
                },
            }
        ],
        "cost_options": [{"id": "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a09", "amount": 0}],
    }


def counts():
    return (
        Organization.objects.count(),
        Service.objects.count(),
        Location.objects.count(),
        ServiceAtLocation.objects.count(),
        Schedule.objects.count(),
        Phone.objects.count(),
        Attribute.objects.count(),
        Address.objects.count(),
    )


def test_a_compiled_service_imports_with_everything_nested_and_re_imports_unchanged(tmp_path):
    # Given one service as an HSDS API returns it; when imported twice.
    path = write(tmp_path, compiled_service(), "service.json")
    report = catalogue_import_path(path=path)

    # Then the service, its organization, location, address, schedule, phone and topic exist.
    assert report.errors == []
    service = Service.objects.get(pk=SERVICE_ID)
    assert str(service.organization_id) == ORGANIZATION_ID
    assert (service.minimum_age, service.maximum_age) == (13, 19)
    location = Location.objects.get(pk=LOCATION_ID)
    assert str(location.organization_id) == ORGANIZATION_ID
    assert ServiceAtLocation.objects.filter(service=service, location=location).exists()
    assert Address.objects.get(location=location).city == "Fjellby"
    assert Schedule.objects.get(service=service).byday == "MO,WE"
    assert Attribute.objects.get(service=service).taxonomy_term.code == "skole"
    # The phone repeated under the location is read once, where it first appears.
    assert str(Phone.objects.get(pk=PHONE_ID).service_id) == SERVICE_ID
    # What Sammen has no place for is named, never dropped unsaid.
    for name in (
        "service.alert",
        "service.cost_options",
        "organization.tax_status",
        "organization.funding",
        "schedule.attending_type",
        "location.external_identifier",
    ):
        assert report.skipped[("field", name)] == 1, name
    assert report.skipped[("repeat", "phone")] == 1

    before = counts()
    again = catalogue_import_path(path=path)
    assert again.errors == [] and again.saved == {}
    assert counts() == before


def test_the_imported_service_shows_in_the_finder(tmp_path, client):
    catalogue_import_path(path=write(tmp_path, compiled_service(), "service.json"))
    response = client.get("/api/v1/services/", {"q": "leksehjelp"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [SERVICE_ID]


def test_a_compiled_organization_imports_its_services(tmp_path):
    service = compiled_service()
    del service["organization"]
    organization = {**organization_simple(), "services": [service]}
    report = catalogue_import_path(path=write(tmp_path, organization, "organization.json"))
    assert report.errors == []
    assert str(Service.objects.get(pk=SERVICE_ID).organization_id) == ORGANIZATION_ID
    assert Location.objects.filter(pk=LOCATION_ID).exists()


def test_an_api_page_of_services_imports_every_service_once(tmp_path):
    page = {
        "total_items": 2,
        "total_pages": 1,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [
            compiled_service(),
            compiled_service(SECOND_SERVICE_ID, "Leksehjelp for voksne"),
        ],
    }
    report = catalogue_import_path(path=write(tmp_path, page, "page.json"))
    assert report.errors == []
    assert Service.objects.count() == 2
    assert Organization.objects.count() == 1
    assert TaxonomyTerm.objects.filter(pk=TERM_ID).count() == 1
    # The shared organization, location and term are read once.
    assert report.skipped[("repeat", "organization")] == 1


def test_an_api_page_of_organizations_imports(tmp_path):
    page = {"total_items": 1, "contents": [organization_simple()]}
    report = catalogue_import_path(path=write(tmp_path, page, "organizations.json"))
    assert report.errors == []
    assert Organization.objects.get(pk=ORGANIZATION_ID).name == "Fjellby frivilligsentral"


def test_a_service_naming_a_known_organization_by_id_imports_into_it(tmp_path):
    catalogue_import_path(path=write(tmp_path, organization_simple(), "organization.json"))
    service = compiled_service()
    del service["organization"]
    service["organization_id"] = ORGANIZATION_ID
    report = catalogue_import_path(path=write(tmp_path, service, "service.json"))
    assert report.errors == []
    assert str(Service.objects.get(pk=SERVICE_ID).organization_id) == ORGANIZATION_ID
    assert str(Location.objects.get(pk=LOCATION_ID).organization_id) == ORGANIZATION_ID


def test_a_page_entry_that_is_not_an_object_is_named(tmp_path):
    page = {"total_items": 2, "contents": [compiled_service(), "oops"]}
    report = catalogue_import_path(path=write(tmp_path, page, "page.json"))
    assert [str(e) for e in report.errors] == [
        "document page.json: contents: each entry must be an object"
    ]
    assert Service.objects.filter(pk=SERVICE_ID).exists()


def test_a_service_whose_nested_organization_contradicts_organization_id_is_refused(tmp_path):
    service = compiled_service()
    service["organization_id"] = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1aff"
    report = catalogue_import_path(path=write(tmp_path, service, "service.json"))
    assert [(e.entity, e.field) for e in report.errors][:1] == [("service", "organization_id")]
    assert not Service.objects.exists()


def write_csv(path, rows):
    fields = sorted({name for row in rows for name in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def csv_package(tmp_path):
    """The HSDS tabular layout: datapackage.json naming CSV tables, one of them not modelled."""
    folder = tmp_path / "package"
    folder.mkdir()
    tables = {
        "organization": [{k: v for k, v in organization_simple().items() if k != "funding"}],
        "service": [
            {
                "id": SERVICE_ID,
                "organization_id": ORGANIZATION_ID,
                "name": "Leksehjelp for ungdom",
                "description": "Gratis leksehjelp.",
                "status": "active",
                "minimum_age": "13",
                "maximum_age": "",
                "accreditations": "Godkjent",
            }
        ],
        "phone": [{**phone(), "service_id": SERVICE_ID, "extension": "12"}],
        "funding": [{"id": "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a10", "source": "Kommunen"}],
    }
    resources = []
    for name, rows in tables.items():
        write_csv(folder / f"{name}s.csv", rows)
        resources.append({"name": name, "path": f"{name}s.csv", "format": "csv"})
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}), "utf-8")
    return folder


def test_a_csv_data_package_imports_with_typed_values(tmp_path):
    folder = csv_package(tmp_path)
    report = catalogue_import_path(path=folder)
    assert report.errors == []
    service = Service.objects.get(pk=SERVICE_ID)
    assert (service.minimum_age, service.maximum_age) == (13, None)
    assert Phone.objects.get(pk=PHONE_ID).extension == 12
    assert report.skipped[("table", "funding")] == 1
    assert report.skipped[("field", "service.accreditations")] == 1
    assert report.skipped[("field", "organization.tax_status")] == 1

    before = counts()
    assert catalogue_import_path(path=folder).saved == {}
    assert counts() == before


def test_a_csv_cell_that_is_not_a_number_is_named(tmp_path):
    folder = csv_package(tmp_path)
    path = folder / "services.csv"
    path.write_text(path.read_text("utf-8").replace(",13,", ",tretten,"), "utf-8")
    report = catalogue_import_path(path=folder)
    assert [(e.entity, e.record_id, e.field) for e in report.errors] == [
        ("service", SERVICE_ID, "minimum_age")
    ]
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        {"foo": 1},
        {"organizations": []},
        {"total_items": 0, "contents": []},
        [],
        "text",
        {"taxonomies": [{"id": TAXONOMY_ID, "name": "Tema", "description": "Tema"}]},
    ],
)
def test_input_with_nothing_to_import_is_an_error_naming_what_was_expected(tmp_path, content):
    path = write(tmp_path, content, "nothing.json")
    with pytest.raises(ImportRejected, match="Expected HSDS 3: a JSON file with 'organizations'"):
        catalogue_import_path(path=path)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Expected HSDS 3"):
        call_command("import_hsds", str(path), stdout=out)
    assert "Import complete" not in out.getvalue()
    assert not Organization.objects.exists()


def test_a_data_package_of_only_unmodelled_tables_is_an_error(tmp_path):
    folder = csv_package(tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] == "funding"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    with pytest.raises(ImportRejected, match="No organization or service found"):
        catalogue_import_path(path=folder)


def test_a_lone_csv_file_points_to_its_data_package(tmp_path):
    path = tmp_path / "services.csv"
    path.write_text("id,name\n", "utf-8")
    with pytest.raises(ImportRejected, match=r"import the folder with datapackage\.json"):
        catalogue_import_path(path=path)


def test_the_command_lists_what_it_did_not_keep(tmp_path):
    out = io.StringIO()
    call_command("import_hsds", str(write(tmp_path, compiled_service(), "s.json")), stdout=out)
    text = out.getvalue()
    assert "Skipped: field service.alert (Sammen has no place for it): 1 record\n" in text
    assert "Read once: phone repeated in the document: 1 repeat\n" in text
    assert "Import complete." in text


def test_a_term_whose_parent_is_not_in_the_input_imports_without_it_and_says_so(tmp_path):
    """A compiled service names its terms' parents without including them (the parent is
    optional in HSDS 3): the term and the service import, the parent link is left out."""
    document = compiled_service()
    term = document["attributes"][0]["taxonomy_term"]
    term["parent_id"] = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1aff"
    out = io.StringIO()
    call_command("import_hsds", str(write(tmp_path, document, "s.json")), stdout=out)
    text = out.getvalue()
    assert (
        "Left out: taxonomy_term.parent_id (not in the input nor the catalogue): 1 record\n" in text
    )
    assert "Import complete." in text
    assert TaxonomyTerm.objects.get(pk=TERM_ID).parent is None
    assert Attribute.objects.filter(service_id=SERVICE_ID).count() == 1


def test_a_term_whose_parent_is_in_the_catalogue_keeps_it(tmp_path):
    parent = copy.deepcopy(compiled_service())
    call_command("import_hsds", str(write(tmp_path, parent, "first.json")), stdout=io.StringIO())
    document = compiled_service(service_id=SECOND_SERVICE_ID, name="Samtaletilbud")
    child_id = "5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a10"
    document["attributes"][0]["id"] = f"{SECOND_SERVICE_ID[:-2]}d1"
    document["attributes"][0]["taxonomy_term"] = {
        "id": child_id,
        "code": "lekser",
        "name": "Lekser",
        "description": "Lekser og prøver",
        "taxonomy_id": TAXONOMY_ID,
        "parent_id": TERM_ID,
    }
    out = io.StringIO()
    call_command("import_hsds", str(write(tmp_path, document, "second.json")), stdout=out)
    assert "Left out" not in out.getvalue()
    assert str(TaxonomyTerm.objects.get(pk=child_id).parent_id) == TERM_ID


def test_attributes_of_other_hsds_tables_are_skipped_and_counted_but_nonsense_is_refused(
    tmp_path,
):
    folder = csv_package(tmp_path)
    with open(folder / "attributes.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "link_id", "link_entity", "taxonomy_term_id", "value"])
        writer.writerow(
            ["5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a11", ORGANIZATION_ID, "organization", TERM_ID, ""]
        )
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "attribute", "path": "attributes.csv", "format": "csv"})
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    out = io.StringIO()
    call_command("import_hsds", str(folder), stdout=out)
    assert (
        "Skipped: attribute of organization (Sammen keeps service attributes): 1 record\n"
        in out.getvalue()
    )
    assert not Attribute.objects.filter(pk="5b0c2a1e-6f1d-4c8e-9a51-0d7f3b2e1a11").exists()

    document = compiled_service()
    document["attributes"][0]["link_entity"] = "link_entity"  # no HSDS table
    with pytest.raises(CommandError):
        call_command(
            "import_hsds", str(write(tmp_path, document, "bad.json")), stdout=out, stderr=out
        )
    assert "link_entity: 'service' was expected" in out.getvalue()


def test_a_repeated_record_that_differs_is_still_a_duplicate(tmp_path):
    service = compiled_service()
    location_phone = copy.deepcopy(phone())
    location_phone["number"] = "+47 99 99 99 99"
    service["service_at_locations"][0]["location"]["phones"] = [location_phone]
    report = catalogue_import_path(path=write(tmp_path, service, "service.json"))
    assert ("phone", PHONE_ID, "id") in [(e.entity, e.record_id, e.field) for e in report.errors]
    assert not Service.objects.exists()


HSDS_KEYS = st.sampled_from(
    [
        "id",
        "name",
        "status",
        "organization",
        "organization_id",
        "organizations",
        "services",
        "contents",
        "service_at_locations",
        "location",
        "attributes",
        "taxonomy_term",
        "taxonomy_detail",
        "phones",
        "schedules",
        "taxonomies",
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(HSDS_KEYS | st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=JSON)
def test_any_json_is_imported_or_refused_with_a_reason_never_a_crash(document):
    # Whatever a publisher sends, reading and loading end in a report or ImportRejected.
    try:
        reading = read_document(document, name="fuzz.json")
        report = catalogue_import(reading)
    except ImportRejected as error:
        assert "Expected HSDS 3" in str(error)
    else:
        assert report.errors or report.organizations_loaded
