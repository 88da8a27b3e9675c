"""The finder's benchmark catalogue (benchmarks/catalogue.py) is left as an import leaves a
catalogue: each service written once, with its search columns, so `make bench` measures the
table a municipality has after importing its catalogue."""

import pytest

from benchmarks.catalogue import build_catalogue
from services_registry.models import Service
from tests.search_columns import assert_search_columns_are_the_refreshs, service_writes

pytestmark = pytest.mark.django_db


def test_each_service_is_written_once_with_the_search_columns_a_refresh_computes():
    inserted, updated = service_writes()
    services_before = Service.objects.count()

    build_catalogue(services=20, seed=1)

    assert Service.objects.count() == services_before + 20
    assert service_writes() == (inserted + 20, updated)
    assert not Service.objects.filter(search_vector__isnull=True).exists()
    assert_search_columns_are_the_refreshs()
