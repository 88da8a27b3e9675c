"""The ungdomshjelper: offered when helpers from two services are on the case; the young person
(or the guardian deciding) chooses among helpers on the case and municipal coordinators."""

import pytest
from django.test import Client

from cases.models import Participant
from coordination.models import AuditEvent, Notification
from tests.consent.helpers import as_user

pytestmark = pytest.mark.django_db


def url(case):
    return f"/api/v1/cases/{case.pk}/ungdomshjelper/"


def test_jonas_is_offered_and_sees_the_candidates(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        body = as_user(demo["jonas"]).get(url(demo.jonas_case)).json()
    assert body["offered"] is True and body["current"] is None
    names = [c["user"]["username"] for c in body["candidates"]]
    assert names == ["barnevern", "laerer", "helsesykepleier", "ungdomshjelper"]
    assert body["candidates"][-1]["on_case_as"] is None


def test_jonas_chooses_a_municipal_coordinator(demo):
    response = as_user(demo["jonas"]).post(
        url(demo.jonas_case), {"user": demo["ungdomshjelper"].pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["role"] == "ungdomshjelper"
    assert Notification.objects.filter(
        recipient=demo["ungdomshjelper"], kind="ungdomshjelper_chosen"
    ).exists()
    assert AuditEvent.objects.filter(action="ungdomshjelper.chosen").exists()
    # no longer offered; choosing again is a conflict
    again = as_user(demo["jonas"]).post(
        url(demo.jonas_case), {"user": demo["laerer"].pk}, format="json"
    )
    assert again.status_code == 409


def test_a_helper_on_the_case_takes_on_the_role(demo):
    response = as_user(demo["far"]).post(
        url(demo.jonas_case), {"user": demo["laerer"].pk}, format="json"
    )
    assert response.status_code == 201
    participant = Participant.objects.get(case=demo.jonas_case, user=demo["laerer"], left=None)
    assert participant.role == "ungdomshjelper"
    assert participant.service is not None


def test_only_candidates_and_only_choosers(demo):
    jonas = as_user(demo["jonas"])
    assert (
        jonas.post(url(demo.jonas_case), {"user": demo["nav"].pk}, format="json").status_code == 400
    )
    assert jonas.post(url(demo.jonas_case), {"user": 999999}, format="json").status_code == 400
    # helpers on the case, Sara and strangers: 404
    for user in ("laerer", "sara", "nav"):
        assert as_user(demo[user]).get(url(demo.jonas_case)).status_code == 404
    # Sara has an ungdomshjelper already: not offered
    assert as_user(demo["sara"]).get(url(demo.sara_case)).json()["offered"] is False


def test_the_page_offers_and_chooses(demo):
    client = Client()
    client.force_login(demo["jonas"])
    home = client.get("/").content.decode()
    assert "Du kan velge en ungdomshjelper" in home
    page = client.get(f"/cases/{demo.jonas_case.pk}/ungdomshjelper/")
    assert "Nora Bakken" in page.content.decode()
    done = client.post(
        f"/cases/{demo.jonas_case.pk}/ungdomshjelper/",
        {"chosen": str(demo["ungdomshjelper"].pk)},
        follow=True,
    )
    assert "er nå ungdomshjelperen din" in done.content.decode()
    assert client.post(f"/cases/{demo.jonas_case.pk}/ungdomshjelper/", {}).status_code == 400
