import copy
import json

import pytest

from services_registry.apps import DEMO_CATALOGUE


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
