"""The young person's home lists their helpers: name, role, service, and how to reach them."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Participant
from services_registry.models import Phone
from tests.factories import CaseFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def home_for(user):
    client = Client()
    client.force_login(user)
    return client.get("/")


def test_the_youth_sees_each_helper_with_service_and_how_to_reach_them():
    # given a case whose helper acts for a service with a phone number
    case = CaseFactory()
    helper = ParticipantFactory(case=case, user__display_name="Kari Nordmann")
    Phone.objects.create(service=helper.service, number="55 12 34 56", description="Sentralbord")
    # when the youth opens their home page
    page = home_for(case.youth).content.decode()
    # then the helper is there with role and service, a phone link and the service's page
    assert "Kari Nordmann" in page and helper.service.name in page
    assert 'href="tel:55123456"' in page and "Sentralbord" in page
    assert f'href="/services/{helper.service.pk}/"' in page


def test_a_helper_who_left_is_not_listed_and_others_see_no_helper_list():
    case = CaseFactory()
    gone = ParticipantFactory(case=case, user__display_name="Per Borte")
    Participant.objects.filter(pk=gone.pk).update(left=gone.joined)
    assert "Per Borte" not in home_for(case.youth).content.decode()
    # a helper's own home lists cases, not a team with phone numbers
    stays = ParticipantFactory(case=case)
    assert "tel:" not in home_for(stays.user).content.decode()


def test_home_queries_do_not_grow_with_helpers():
    # given two helpers from two services (so every section of the home page is already shown)
    case = CaseFactory()
    ParticipantFactory.create_batch(2, case=case)
    client = Client()
    client.force_login(case.youth)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(6):
        helper = ParticipantFactory(case=case)
        Phone.objects.create(service=helper.service, number=f"55 00 00 0{n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


def test_a_helpers_home_queries_do_not_grow_with_cases():
    # given a helper on one case, then on eleven
    helper = ParticipantFactory().user
    client = Client()
    client.force_login(helper)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for _ in range(10):
        ParticipantFactory(user=helper)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/").content.decode()
    # then the home page lists them all with the same number of queries
    assert page.count('href="/cases/') >= 11
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
