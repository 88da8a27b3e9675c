"""Invitations send links, so they count in the stricter "invitation" scope (#14 item 5): the
API's invite and open-case calls and the team and open-case pages share one limit per person;
reading the invitation list is not counted."""

import pytest
from django.test import Client

from cases.models import Case, Invitation, Participant
from tests.consent.helpers import as_user
from tests.coordination.test_throttling import assert_throttled, rates  # noqa: F401

pytestmark = pytest.mark.django_db


def new_person(number: int) -> dict:
    return {
        "role": "helper",
        "display_name": f"Ny hjelper {number}",
        "email": f"ny{number}@example.org",
    }


def test_the_api_and_the_team_page_share_one_invitation_limit(demo, rates):  # noqa: F811
    rates(invitation="2/hour")
    case = demo.jonas_case
    service = str(Participant.objects.get(case=demo.sara_case, user=demo["bup"]).service_id)
    nurse = as_user(demo["helsesykepleier"])
    url = f"/api/v1/cases/{case.pk}/invitations/"
    # Two invitations over the API go out
    for number in (1, 2):
        response = nurse.post(url, new_person(number) | {"service": service}, format="json")
        assert response.status_code == 201, response.json()
    # Reading the list is not counted
    assert [nurse.get(url).status_code for _ in range(3)] == [200, 200, 200]
    # The third, over the API, is a 429 and writes nothing
    response = nurse.post(url, new_person(3) | {"service": service}, format="json")
    assert_throttled(response, window=3600)
    # And the team page's form counts in the same scope: refused with the wait, nothing saved
    page = Client()
    page.force_login(demo["helsesykepleier"])
    response = page.post(
        f"/cases/{case.pk}/team/",
        {"action": "invite"} | new_person(4) | {"service": service},
    )
    assert response.status_code == 429
    assert "Prøv igjen om" in response.content.decode()
    assert Invitation.objects.filter(case=case).count() == 2
    # Another person has their own count
    response = as_user(demo["bup"]).post(
        f"/api/v1/cases/{demo.sara_case.pk}/invitations/",
        new_person(5) | {"service": service},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_opening_cases_counts_in_the_invitation_scope_on_the_page_too(demo, rates):  # noqa: F811
    rates(invitation="1/hour")
    service = str(Participant.objects.get(case=demo.sara_case, user=demo["bup"]).service_id)
    youth = {"display_name": "Ali Hassan", "birth_date": "2011-03-14", "email": "ali@example.org"}
    bup = as_user(demo["bup"])
    response = bup.post(
        "/api/v1/cases/", {"title": "Ali", "service": service, "youth": youth}, format="json"
    )
    assert response.status_code == 201, response.json()
    cases = Case.objects.count()
    page = Client()
    page.force_login(demo["bup"])
    response = page.post(
        "/cases/new/",
        {
            "title": "Ali igjen",
            "service": service,
            "display_name": "Ali Hassan",
            "birth_date": "2011-03-14",
            "email": "ali2@example.org",
        },
    )
    assert response.status_code == 429
    assert "Prøv igjen om" in response.content.decode()
    assert Case.objects.count() == cases
