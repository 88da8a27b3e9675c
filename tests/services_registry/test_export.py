"""export_hsds: export -> import -> export is byte-for-byte stable, as one file and as a data
package folder; the demo file in the repository is itself a canonical export."""

import io

import pytest
from django.core.management import call_command

from services_registry.apps import DEMO_CATALOGUE

pytestmark = pytest.mark.django_db


def files_of(path):
    """{file name: bytes} of a data package folder, or {"": bytes} of one file."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir()}
    return {"": path.read_bytes()}


@pytest.mark.parametrize(("first_name", "second_name"), [("a.json", "b.json"), ("a", "b")])
def test_round_trip_is_byte_stable(tmp_path, catalogue, first_name, second_name):
    # Given the demo catalogue imported; when exported, re-imported and exported again
    first, second = tmp_path / first_name, tmp_path / second_name
    call_command("export_hsds", str(first), stdout=io.StringIO())
    call_command("import_hsds", str(first), stdout=io.StringIO())
    call_command("export_hsds", str(second), stdout=io.StringIO())
    # Then both exports have the same bytes.
    assert files_of(first) == files_of(second)


def test_the_demo_file_is_a_canonical_export(tmp_path, catalogue):
    path = tmp_path / "catalogue.json"
    call_command("export_hsds", str(path), stdout=io.StringIO())
    assert path.read_bytes() == DEMO_CATALOGUE.read_bytes()


def test_a_data_package_has_a_descriptor_and_one_file_per_entity(tmp_path, catalogue):
    call_command("export_hsds", str(tmp_path / "package"), stdout=io.StringIO())
    names = set(files_of(tmp_path / "package"))
    assert {"datapackage.json", "services.json", "schedules.json", "taxonomy_terms.json"} <= names
