"""Entry kinds and limits (issue #11 item 9): cases.services decides which kinds a person writes
on the case page or API and how long title and text may be, for page and API alike; minutes,
messages and the young person's plan come only from their own workflows."""

import pytest

from cases.models import Entry, Participant
from tests.consent.helpers import as_user
from tests.factories import CaseFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case = CaseFactory()
    ParticipantFactory(case=case)
    return case


def helper_of(case):
    return Participant.objects.get(case=case, role=Participant.Role.HELPER).user


def post(user, case, **fields):
    body = {"kind": "note", "category": "general", "title": "Hei", "body": "Tekst."} | fields
    return as_user(user).post(f"/api/v1/cases/{case.pk}/entries/", body, format="json")


@pytest.mark.parametrize("kind", ["minutes", "message"])
def test_the_api_refuses_kinds_that_belong_to_a_workflow(case, kind):
    # When a helper writes minutes or a message straight through the API
    response = post(helper_of(case), case, kind=kind)
    # Then it is a 400 on the kind and nothing is stored
    assert response.status_code == 400 and "kind" in response.json()
    assert not Entry.objects.exists()


def test_the_young_persons_plan_is_made_on_their_plan_page_only(case, client):
    # When the young person writes a "plan" through the API or the case page
    assert post(case.youth, case, kind="plan").status_code == 400
    client.force_login(case.youth)
    page = client.post(
        f"/cases/{case.pk}/", {"kind": "plan", "category": "general", "title": "Min plan"}
    )
    # Then both are refused with nothing stored; a helper's own plan is fine
    assert page.status_code == 400
    assert not Entry.objects.exists()
    assert post(helper_of(case), case, kind="plan").status_code == 201


def test_a_body_of_200_kb_is_refused(case):
    # When a helper sends 200 kB of text
    response = post(helper_of(case), case, body="x" * 200_000)
    # Then it is a 400 on the body and nothing is stored
    assert response.status_code == 400 and "body" in response.json()
    assert not Entry.objects.exists()


def test_one_setting_each_limits_title_and_text_on_page_and_api(case, client, settings):
    # Given limits of 10 characters for the title and 20 for the text
    settings.SAMMEN_ENTRY_TITLE_MAX_CHARS = 10
    settings.SAMMEN_ENTRY_BODY_MAX_CHARS = 20
    helper = helper_of(case)
    client.force_login(helper)

    def page(**fields):
        data = {"kind": "note", "category": "general", "title": "Hei", "body": ""} | fields
        return client.post(f"/cases/{case.pk}/", data)

    # Then one character over is refused on both, nothing stored
    assert post(helper, case, title="x" * 11).status_code == 400
    assert post(helper, case, body="x" * 21).status_code == 400
    assert page(title="x" * 11).status_code == 400
    assert page(body="x" * 21).status_code == 400
    assert not Entry.objects.exists()
    # And exactly at the limit is accepted on both
    assert post(helper, case, title="x" * 10, body="y" * 20).status_code == 201
    assert page(title="z" * 10, body="y" * 20).status_code == 302
    assert Entry.objects.count() == 2
