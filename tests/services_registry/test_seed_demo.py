"""seed_demo loads the demo catalogue (30+ services) through the importer, idempotently."""

import io

import pytest
from django.core.management import call_command

from services_registry.models import Service

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_catalogue_once(settings):
    settings.SAMMEN_DEMO_PASSWORD = "demo"
    call_command("seed_demo", stdout=io.StringIO())
    count = Service.objects.count()
    assert count >= 30
    history = Service.history.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Service.objects.count() == count
    assert Service.history.count() == history
    names = set(Service.objects.values_list("name", flat=True))
    assert {"Helsestasjon for ungdom", "Barnevernstjenesten", "NAV ungdomsveileder"} <= names
