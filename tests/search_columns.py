"""How often the service table was written, and whether its search columns are what
services_registry.services.service_search_refresh computes (services_registry/search_columns.py)."""

from django.db import connection

from services_registry.models import Service
from services_registry.services import service_search_refresh


def service_writes() -> tuple[int, int]:
    """Rows of the service table inserted and updated so far in this test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables"
            " WHERE relid = 'services_registry_service'::regclass"
        )
        inserted, updated = cursor.fetchone()
    return inserted, updated


def _search_columns() -> dict[str, tuple[str, str, list[str]]]:
    return {
        str(pk): (str(vector), words, word_list)
        for pk, vector, words, word_list in Service.objects.values_list(
            "pk", "search_vector", "search_words", "search_word_list"
        )
    }


def assert_search_columns_are_the_refreshs() -> None:
    written = _search_columns()
    Service.objects.update(search_vector=None, search_words="", search_word_list=[])
    service_search_refresh()
    assert _search_columns() == written
