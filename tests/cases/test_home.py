"""The young person's home lists their helpers: name, role, service, and how to reach them."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Participant
from coordination.demo import birth_date_for_age
from services_registry.models import Phone
from tests.factories import CaseFactory, EntryFactory, ParticipantFactory, UserFactory
from voice.rooms.services import room_create, room_message_send
from voice.services import message_send

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
    # The first page in a process also reads the content types Django then keeps: it is not
    # counted, or the test would fail whenever it is the process's first home page.
    client.get("/")
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
    client.get("/")  # not counted: the process's first page reads the content types (above)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for _ in range(10):
        ParticipantFactory(user=helper)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/").content.decode()
    # then the home page lists them all with the same number of queries
    assert page.count('href="/cases/') >= 11
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def _busy_youth_case(*, age: int, helpers: int):
    """A young person of `age` with `helpers` helpers, each of whom writes a note and a message,
    and one room with a message in it: every section the home page counts has something."""
    youth = UserFactory(birth_date=birth_date_for_age(age, today=timezone.localdate()))
    case = CaseFactory(youth=youth)
    team = [ParticipantFactory(case=case).user for _ in range(helpers)]
    for helper in team:
        EntryFactory(case=case, author=helper)
        message_send(case=case, author=helper, body="Hei!")
    room = room_create(case_id=case.pk, actor=youth, title="Skolen", members=team)
    room_message_send(room_id=room.pk, author=team[0], body="Hei fra rommet.")
    return case


def _home_statements(user) -> int:
    client = Client()
    client.force_login(user)
    client.get("/")  # fills the per-process caches (content types), as a running server has
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("age", "statements"),
    [
        # 16 and over: the young person decides everything themself.
        (16, 25),
        # Under 16: guardians decide some categories, so who decides names them (one more).
        (14, 26),
    ],
)
def test_the_youths_home_page_takes_the_same_statements_for_1_and_6_helpers(age, statements):
    # The session (read, then saved again for the idle timeout: SAVEPOINT, UPDATE, RELEASE),
    # the user and whether they need a second factor (5); guardianships both ways (1); cases,
    # the team and their services' phones (3); consent requests and the young person's own
    # cases for who decides (2, +1 naming the guardians under 16); unread messages and unread
    # room messages, on the cases already read (2: the sections share them,
    # coordination.home.Viewer); whether an ungdomshjelper is offered and, as it is, whether a
    # change is open (2); the latest entries, the check-in rhythm (2); news since the last visit
    # (3); cases coordinated (1); meetings (1); the referral inbox (1); the header's unread
    # notifications (1).
    # given a young person with one helper, and one with six
    small = _busy_youth_case(age=age, helpers=1)
    large = _busy_youth_case(age=age, helpers=6)
    # then each home page takes the same fixed number of statements
    assert _home_statements(small.youth) == statements
    assert _home_statements(large.youth) == statements
