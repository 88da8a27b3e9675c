"""Opening hours: weekly rows, exceptions and Norwegian public holidays; the Python rule (service
pages) and the SQL rule (the finder's "open now" filter) agree."""

import datetime
import zoneinfo

import pytest

from services_registry.models import Service
from services_registry.opening import is_open, open_now_q
from tests.factories import ScheduleFactory, ServiceFactory

pytestmark = pytest.mark.django_db
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=OSLO)


def open_in_sql(service, now):
    return Service.objects.filter(open_now_q(now), pk=service.pk).exists()


@pytest.fixture
def clinic():
    service = ServiceFactory(name="Helsestasjon for ungdom")
    # Monday and Wednesday 14-19.
    ScheduleFactory(
        service=service, byday="MO,WE", opens_at=datetime.time(14), closes_at=datetime.time(19)
    )
    # Closed 24-31 December 2026; short hours on Friday 2 January 2026 (normally closed).
    ScheduleFactory(
        service=service,
        freq="",
        byday="",
        valid_from=datetime.date(2026, 12, 24),
        valid_to=datetime.date(2026, 12, 31),
        opens_at=None,
        closes_at=None,
    )
    ScheduleFactory(
        service=service,
        freq="",
        byday="",
        valid_from=datetime.date(2026, 1, 2),
        valid_to=None,
        opens_at=datetime.time(10),
        closes_at=datetime.time(12),
    )
    return service


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-23T15:00", True),  # Monday, inside the hours
        ("2026-11-23T13:59", False),  # Monday, before opening
        ("2026-11-23T19:00", False),  # closing time is closed
        ("2026-11-24T15:00", False),  # Tuesday: no hours
        ("2026-12-28T15:00", False),  # Monday inside the Christmas exception: closed
        ("2026-01-02T11:00", True),  # the one-day exception opens a Friday
        ("2026-01-02T13:00", False),
        ("2026-04-06T15:00", False),  # Easter Monday: public holiday
        ("2026-05-25T15:00", False),  # Whit Monday: public holiday
    ],
)
def test_python_and_sql_agree(clinic, moment, expected):
    now = at(moment)
    schedules = list(clinic.schedules.all())
    assert is_open(clinic, schedules, now) is expected
    assert open_in_sql(clinic, now) is expected


def test_a_service_open_on_public_holidays_stays_open():
    helpline = ServiceFactory(open_on_public_holidays=True)
    ScheduleFactory(
        service=helpline,
        byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=datetime.time(0),
        closes_at=datetime.time(23, 59),
    )
    easter_monday = at("2026-04-06T03:00")
    assert is_open(helpline, list(helpline.schedules.all()), easter_monday)
    assert open_in_sql(helpline, easter_monday)


def test_a_schedule_outside_its_validity_does_not_count():
    service = ServiceFactory()
    ScheduleFactory(service=service, byday="MO", valid_to=datetime.date(2026, 6, 30))
    assert not open_in_sql(service, at("2026-11-23T10:00"))
    assert open_in_sql(service, at("2026-06-29T10:00"))
