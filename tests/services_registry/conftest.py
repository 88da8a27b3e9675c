import copy
import io
import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command

from services_registry.apps import DEMO_CATALOGUE
from tests.conftest import SeededOnce, seeded_once


@pytest.fixture(scope="session")
def demo_document():
    return json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))


@pytest.fixture
def document(demo_document):
    """A fresh, editable copy of the demo catalogue's HSDS document."""
    return copy.deepcopy(demo_document)


def find_service(document, name):
    for organization in document["organizations"]:
        for service in organization.get("services", []):
            if service["name"] == name:
                return organization, service
    raise KeyError(name)


def write(tmp_path, document, name="catalogue.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _import_the_demo_catalogue() -> None:
    call_command("import_hsds", str(DEMO_CATALOGUE), stdout=io.StringIO())


@pytest.fixture(scope="session")
def catalogue_once(django_db_setup, django_db_blocker) -> Iterator[SeededOnce]:
    """The demo catalogue imported once (~1.2 s of the importer) for a run of consecutive tests
    that only read it; each runs in a savepoint rolled back after it."""
    yield from seeded_once(django_db_blocker, _import_the_demo_catalogue)


@pytest.fixture
def catalogue(catalogue_once, db) -> None:
    """The demo catalogue imported with `import_hsds`."""
    catalogue_once.or_seed_here()
