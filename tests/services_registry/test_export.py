"""export_hsds: export -> import -> export is byte-for-byte stable, as one file and as a data
package folder; the demo file in the repository is itself a canonical export."""

import io

import pytest
from django.core.management import call_command

from services_registry.apps import DEMO_CATALOGUE

pytestmark = pytest.mark.django_db


def export(path):
    call_command("export_hsds", str(path), stdout=io.StringIO())


def test_round_trip_of_one_file_is_byte_stable(tmp_path):
    call_command("import_hsds", str(DEMO_CATALOGUE), stdout=io.StringIO())
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    export(first)
    call_command("import_hsds", str(first), stdout=io.StringIO())
    export(second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == DEMO_CATALOGUE.read_bytes()


def test_round_trip_of_a_data_package_is_byte_stable(tmp_path):
    call_command("import_hsds", str(DEMO_CATALOGUE), stdout=io.StringIO())
    first, second = tmp_path / "first", tmp_path / "second"
    export(first)
    call_command("import_hsds", str(first), stdout=io.StringIO())
    export(second)
    files = sorted(p.name for p in first.iterdir())
    assert "datapackage.json" in files and "services.json" in files
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
