"""GET /api/v1/services/ (the public finder, docs/architecture.md §8) and the HSDS 3 style
read endpoints under /api/v1/hsds/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ScheduleFactory, ServiceFactory, TaxonomyTermFactory

pytestmark = pytest.mark.django_db


def test_the_finder_api_is_public_paginated_and_filtered(api_client):
    term = TaxonomyTermFactory(code="angst", name="Angst")
    young = ServiceFactory(
        name="Helsestasjon for ungdom", minimum_age=13, maximum_age=23, drop_in=True, topics=[term]
    )
    ServiceFactory(name="Voksenhelse", minimum_age=18, topics=[term])

    response = api_client.get(
        "/api/v1/services/", {"q": "angst", "age": 15, "topic": "angst", "drop_in": "true"}
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    result = body["results"][0]
    assert result["id"] == str(young.pk)
    assert result["topics"] == [{"code": "angst", "name": "Angst"}]
    assert result["url"] == f"/services/{young.pk}/"
    assert set(result) >= {
        "name",
        "organization",
        "minimum_age",
        "maximum_age",
        "drop_in",
        "free",
        "anonymous",
        "open_now",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age": -1}, "age"),
        ({"age": 121}, "age"),
        ({"age": "x"}, "age"),
        ({"q": "a" * 10_000}, "q"),
        ({"topic": "<script>"}, "topic"),
        ({"open_now": "maybe"}, "open_now"),
    ],
)
def test_bad_parameters_are_400_with_the_field(api_client, params, field):
    response = api_client.get("/api/v1/services/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("query", ["'; DROP TABLE x; --", ".*[(", "<b>", "%_\\", "a & | !"])
def test_metacharacters_give_a_result_not_an_error(api_client, query):
    ServiceFactory(name="Helsestasjon")
    assert api_client.get("/api/v1/services/", {"q": query}).status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_the_finder_api_query_count_does_not_grow(api_client, count, django_assert_num_queries):
    term = TaxonomyTermFactory(code="angst", name="Angst")
    for number in range(count):
        ScheduleFactory(service=ServiceFactory(name=f"Angst {number}", topics=[term]))
    # the page of the services with every word, with its total, topics and hours
    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/services/", {"q": "angst"})
    body = response.json()
    assert body["count"] == count
    assert all(
        result["topics"] == [{"code": "angst", "name": "Angst"}] for result in body["results"]
    )


def test_hsds_endpoints_return_nested_records_in_hsds_pages(api_client):
    term = TaxonomyTermFactory(code="angst", name="Angst")
    service = ServiceFactory(name="Helsestasjon for ungdom", topics=[term])
    ScheduleFactory(service=service)

    meta = api_client.get("/api/v1/hsds/").json()
    assert meta["version"] == "3.0"

    page = api_client.get("/api/v1/hsds/services/", {"per_page": 1}).json()
    assert {
        k: page[k]
        for k in ("total_items", "page_number", "size", "first_page", "last_page", "empty")
    } == {
        "total_items": 1,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": True,
        "empty": False,
    }
    record = page["contents"][0]
    assert record["id"] == str(service.pk)
    assert record["organization"]["id"] == str(service.organization_id)
    assert record["attributes"][0]["taxonomy_term"]["code"] == "angst"
    assert record["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert record["sammen"]["level"] == "municipal"

    detail = api_client.get(f"/api/v1/hsds/services/{service.pk}/").json()
    assert detail == record
    organization = api_client.get(f"/api/v1/hsds/organizations/{service.organization_id}/").json()
    assert [s["id"] for s in organization["services"]] == [str(service.pk)]
    assert api_client.get("/api/v1/hsds/taxonomy_terms/").json()["contents"][0]["code"] == "angst"
    assert api_client.get("/api/v1/hsds/taxonomies/").json()["total_items"] == 1
    assert api_client.get("/api/v1/hsds/organizations/").json()["total_items"] == 1


def test_hsds_missing_service_is_the_standard_404(api_client):
    response = api_client.get("/api/v1/hsds/services/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ikke funnet."}


def test_the_openapi_schema_documents_the_catalogue_endpoints(api_client, user):
    api_client.force_authenticate(user)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/services/" in schema["paths"]
    assert "/api/v1/hsds/services/{service_id}/" in schema["paths"]


def test_the_finder_api_pages_with_next_and_previous(api_client):
    for name in ("A", "B", "C"):
        ServiceFactory(name=name)
    first = api_client.get("/api/v1/services/", {"page_size": 2}).json()
    assert first["count"] == 3 and first["previous"] is None
    assert [r["name"] for r in first["results"]] == ["A", "B"]
    second = api_client.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == ["C"] and second["next"] is None
    assert second["previous"] is not None
    beyond = api_client.get("/api/v1/services/", {"page_size": 2, "page": 9}).json()
    assert beyond["count"] == 3 and beyond["results"] == []


@pytest.mark.parametrize(
    ("q", "names", "count"),
    [
        # every word: one service has both
        ("angst rus", ["Angst og rus"], 1),
        # no service has every word: any of them
        ("angst sorg", ["Angst og rus", "Angst", "Sorg"], 3),
        # no word as written: typos of name and topic words
        ("sorgg", ["Sorg"], 1),
    ],
)
def test_the_finder_api_pages_each_step_of_the_search_and_counts_past_its_end(
    api_client, q, names, count
):
    """The first step's page is asked for before whether it finds anything: the count and the
    pages (past the last one too) are those of the step that found something."""
    ServiceFactory(name="Angst og rus", description="angst rus")
    ServiceFactory(name="Angst", description="angst")
    ServiceFactory(name="Sorg", description="sorg")
    found = []
    for page in (1, 2):
        body = api_client.get("/api/v1/services/", {"q": q, "page_size": 2, "page": page}).json()
        assert body["count"] == count
        found += [result["name"] for result in body["results"]]
    assert sorted(found) == sorted(names)
    beyond = api_client.get("/api/v1/services/", {"q": q, "page_size": 2, "page": 9}).json()
    assert beyond["count"] == count and beyond["results"] == []


def test_hsds_service_pages_cost_the_same_queries_for_2_or_8_services(api_client):
    def queries_for_a_page():
        with CaptureQueriesContext(connection) as context:
            assert api_client.get("/api/v1/hsds/services/").status_code == 200
        return len(context)

    term = TaxonomyTermFactory(code="angst", name="Angst")
    for _ in range(2):
        ScheduleFactory(service=ServiceFactory(topics=[term]))
    with_two = queries_for_a_page()
    for _ in range(6):
        ScheduleFactory(service=ServiceFactory(topics=[term]))
    assert queries_for_a_page() == with_two


def test_a_finder_result_is_exactly_its_documented_serializer_output(api_client):
    """The view builds its results as plain dicts (no serializer pass on the hot path), so
    this pins them to `ServiceOutputSerializer`, the schema's contract: same keys in the same
    order, and the same JSON for every value, in both languages."""
    import json

    from rest_framework.utils.encoders import JSONEncoder

    from services_registry.api import ServiceFinderApi

    term = TaxonomyTermFactory(code="angst", name="Angst", name_en="Anxiety")
    service = ServiceFactory(
        name="Helsestasjon", name_en="Health clinic", minimum_age=13, topics=[term]
    )
    ScheduleFactory(service=service)
    serializer = ServiceFinderApi.ServiceOutputSerializer
    for language in ("nb", "en"):
        result = api_client.get(
            "/api/v1/services/", {"q": "helsestasjon"}, HTTP_ACCEPT_LANGUAGE=language
        ).json()["results"][0]
        documented = json.loads(json.dumps(serializer(result).data, cls=JSONEncoder))
        assert list(result) == list(serializer().fields)
        assert result == documented
        assert result["organization"]["id"] == str(service.organization_id)
