"""consent.selectors.who_knows_what and its API: content, visibility and a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AccessEvent
from consent.selectors import who_knows_what
from consent.services import consent_request_approve, share

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def build_entries(demo, count: int) -> None:
    """`count` entries on Sara's case, each shared with the teacher (rule or consent) and half of
    them opened by him."""
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    for n in range(count):
        entry = write_entry(
            demo.sara_case, nurse, category="school" if n % 2 else "health", title=f"E{n}"
        )
        result = share(entry=entry, recipients=[teacher], actor=nurse)
        if result.consent_request is not None:
            consent_request_approve(consent_request=result.consent_request, actor=demo["sara"])
        if n % 2:
            AccessEvent.objects.create(entry=entry, user=teacher, via="api")


@pytest.mark.parametrize("count", [1, 50])
def test_who_knows_what_takes_four_queries_whatever_the_size(demo, count):
    # Given a case with `count` shared entries
    build_entries(demo, count)
    # When Sara's overview is built
    with CaptureQueriesContext(connection) as queries:
        people = who_knows_what(case=demo.sara_case, viewer=demo["sara"])
    # Then: participants, entries, disclosures, last opens
    assert len(queries) == 4, [q["sql"] for q in queries.captured_queries]
    teacher = next(p for p in people if p.user.username == "laerer")
    assert len([k for k in teacher.entries if k.disclosure]) == count


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize(("viewer", "budget"), [("sara", 5), ("ungdomshjelper", 6), ("far", 7)])
def test_who_knows_what_api_query_budget_is_constant(
    demo, count, viewer, budget, django_assert_max_num_queries
):
    build_entries(demo, count)
    jonas_note = write_entry(demo.jonas_case, demo["barnevern"], category="child_welfare")
    share(entry=jonas_note, recipients=[demo["laerer"]], actor=demo["barnevern"])
    case = demo.jonas_case if viewer == "far" else demo.sara_case
    # The case (with youth), [the viewer's membership, [guardian check]], then the four queries
    # of the overview; nothing grows with the number of entries, people or disclosures.
    with django_assert_max_num_queries(budget):
        response = as_user(demo[viewer]).get(f"/api/v1/cases/{case.pk}/who-knows-what/")
    assert response.status_code == 200


def test_rows_show_basis_since_until_and_opened(demo):
    build_entries(demo, 2)
    people = {
        p["person"]["username"]: p
        for p in as_user(demo["sara"])
        .get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/")
        .json()
    }
    teacher = [k for k in people["laerer"]["entries"] if k["disclosure"]]
    assert [k["basis"] for k in teacher] == ["consent", "agreement"]
    assert teacher[0]["last_opened"] is None and teacher[1]["last_opened"] is not None
    assert all(k["until"] is None and k["since"] for k in teacher)
    # The nurse knows what she wrote; Sara knows everything; mother nothing
    assert {k["basis"] for k in people["helsesykepleier"]["entries"]} == {"author"}
    assert len(people["sara"]["entries"]) == 5  # three seeded entries + the two new ones
    assert people["mor"]["entries"] == []
    assert people["laerer"]["person"]["role"] == "helper"


@pytest.mark.parametrize(
    ("username", "case_attr", "status"),
    [
        ("sara", "sara_case", 200),
        ("ungdomshjelper", "sara_case", 200),
        ("mor", "sara_case", 404),  # Sara is 16: her mother is not the consent authority
        ("helsesykepleier", "sara_case", 404),
        ("laerer", "sara_case", 404),
        ("nav", "sara_case", 404),
        ("admin", "sara_case", 404),
        ("jonas", "jonas_case", 200),
        ("far", "jonas_case", 200),  # Jonas is 13: his father decides
        ("barnevern", "jonas_case", 404),
        ("sara", "jonas_case", 404),
    ],
)
def test_who_may_see_who_knows_what(demo, username, case_attr, status):
    case = getattr(demo, case_attr)
    response = as_user(demo[username]).get(f"/api/v1/cases/{case.pk}/who-knows-what/")
    assert response.status_code == status
