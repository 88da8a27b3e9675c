"""Collection runs with the cyclic garbage collector off and ends by freezing what it built
(tests/conftest.py `pytest_collection`): the tests themselves run with the collector on."""

import gc

import pytest


def test_the_tests_run_with_the_cyclic_collector_on():
    assert gc.isenabled()


def test_what_collection_built_is_frozen(request: pytest.FixtureRequest):
    # This test's item, made by collection, is tracked by the collector, yet in none of the
    # generations it walks: it is in the permanent one.
    item = request.node
    assert gc.is_tracked(item)
    assert not any(tracked is item for tracked in gc.get_objects())
