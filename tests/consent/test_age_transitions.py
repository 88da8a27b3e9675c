"""Age transitions (issue #13 item 6), on a frozen clock on both sides of each birthday.

At 18 guardians leave the case: the access rule (Participant.objects.active(), and through it
every selector) says so from midnight on the birthday, Oslo time, before the daily job has run;
the job then records it (participation and disclosures end, reason youth_adult), tells the
youth first and everyone else after, and does nothing when run again. The 16/15/12 thresholds
move categories and show on who-knows-what and the home page the day they happen.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Entry, EntryUserObjectPermission, Participant
from cases.services import participant_add
from consent.models import Disclosure
from consent.services import share, youth_adult_transitions
from consent.tasks import youth_adult_leave
from coordination.ages import adult_since, is_adult
from coordination.models import AuditEvent, Notification, User
from tests.consent.helpers import as_user, write_entry
from tests.factories import CaseFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
BIRTHDAY = dt.date(2026, 12, 1)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


DAY_BEFORE = at(BIRTHDAY - dt.timedelta(days=1), 23, 50)
# 00:30 in Oslo is still 30 November in UTC: the birthday is the young person's local day.
BIRTHDAY_MORNING = at(BIRTHDAY, 0, 30)


@dataclass
class World:
    case: Case
    youth: User
    mother: User
    nurse: User
    coordinator: User
    shared: Entry  # the youth's note, shared with the mother
    child_welfare: Entry  # the nurse's note, not shared


def world(*, turns: int) -> World:
    """A youth who turns `turns` on BIRTHDAY, their registered mother, a nurse and an
    ungdomshjelper; built the day before the birthday."""
    youth = UserFactory(birth_date=BIRTHDAY.replace(year=BIRTHDAY.year - turns))
    case = CaseFactory(youth=youth)
    mother = ParticipantFactory(case=case, role=Participant.Role.GUARDIAN, service=None).user
    nurse = ParticipantFactory(case=case, role=Participant.Role.HELPER).user
    coordinator = ParticipantFactory(
        case=case, role=Participant.Role.UNGDOMSHJELPER, service=None
    ).user
    shared = write_entry(case, youth, category="general", title="Til mamma")
    share(entry=shared, recipients=[mother], actor=youth)
    child_welfare = write_entry(case, nurse, category="child_welfare", title="Barnevern")
    return World(case, youth, mother, nurse, coordinator, shared, child_welfare)


@pytest.fixture
def adult():
    with time_machine.travel(DAY_BEFORE, tick=False):
        yield world(turns=18)


def guardian_reads(w: World) -> dict[str, int]:
    api = as_user(w.mother)
    page = Client()
    page.force_login(w.mother)
    return {
        "case": api.get(f"/api/v1/cases/{w.case.pk}/").status_code,
        "entry": api.get(f"/api/v1/entries/{w.shared.pk}/").status_code,
        "entries": api.get(f"/api/v1/cases/{w.case.pk}/entries/").status_code,
        "who_knows_what": api.get(f"/api/v1/cases/{w.case.pk}/who-knows-what/").status_code,
        "case_page": page.get(f"/cases/{w.case.pk}/").status_code,
        "entry_page": page.get(f"/cases/{w.case.pk}/entries/{w.shared.pk}/").status_code,
        "cases": api.get("/api/v1/cases/").json()["count"],
    }


def test_the_day_before_18_the_guardian_is_on_the_case(adult):
    with time_machine.travel(DAY_BEFORE, tick=False):
        reads = guardian_reads(adult)
    assert reads == {
        "case": 200,
        "entry": 200,
        "entries": 200,
        # Adult-to-be: the youth decides everything, so the guardian never saw this
        "who_knows_what": 404,
        "case_page": 200,
        "entry_page": 200,
        "cases": 1,
    }


def test_on_the_18th_birthday_the_guardian_sees_nothing_before_the_job_runs(adult):
    with time_machine.travel(BIRTHDAY_MORNING, tick=False):
        reads = guardian_reads(adult)
        # The job has not run: nothing is stamped yet, the permission row still exists
        assert Participant.objects.get(case=adult.case, user=adult.mother).left is None
        assert EntryUserObjectPermission.objects.filter(
            user=adult.mother, content_object=adult.shared
        ).exists()
        # The team on the case page lists her among those no longer on it
        page = Client()
        page.force_login(adult.youth)
        response = page.get(f"/cases/{adult.case.pk}/")
        assert adult.mother in [p.user for p in response.context["former"]]
        assert adult.mother not in [p.user for p in response.context["team"]]
    assert reads == {
        "case": 404,
        "entry": 404,
        "entries": 404,
        "who_knows_what": 404,
        "case_page": 404,
        "entry_page": 404,
        "cases": 0,
    }


def test_on_the_18th_birthday_who_knows_what_shows_the_guardian_gone_before_the_job(adult):
    def mother_row(moment: dt.datetime) -> dict:
        with time_machine.travel(moment, tick=False):
            people = as_user(adult.youth).get(f"/api/v1/cases/{adult.case.pk}/who-knows-what/")
        return next(p for p in people.json() if p["person"]["id"] == adult.mother.pk)

    before = mother_row(DAY_BEFORE)
    assert before["person"]["left"] is None and before["entries"][0]["until"] is None
    # From midnight on the birthday she can see nothing, and the youth's overview says so
    after = mother_row(BIRTHDAY_MORNING)
    midnight = at(BIRTHDAY, 0, 0)
    assert dt.datetime.fromisoformat(after["person"]["left"]) == midnight
    assert dt.datetime.fromisoformat(after["entries"][0]["until"]) == midnight


def test_a_youth_born_on_29_february_is_of_age_on_1_march():
    born = dt.date(2008, 2, 29)
    assert adult_since(born) == dt.date(2026, 3, 1)
    assert not is_adult(birth_date=born, today=dt.date(2026, 2, 28))
    assert is_adult(birth_date=born, today=dt.date(2026, 3, 1))
    assert adult_since(dt.date(2010, 2, 28)) == dt.date(2028, 2, 28)


def test_the_guardian_cannot_be_added_back_after_18(adult):
    with time_machine.travel(BIRTHDAY_MORNING, tick=False), pytest.raises(ValidationError):
        participant_add(
            case=adult.case, actor=None, user=UserFactory(), role=Participant.Role.GUARDIAN
        )


def test_the_job_records_it_once_and_tells_the_youth_first(adult):
    with time_machine.travel(DAY_BEFORE, tick=False):
        # The day before it changes nothing
        assert youth_adult_transitions() == 0
    first_new = Notification.objects.order_by("-id").values_list("id", flat=True).first()
    with time_machine.travel(BIRTHDAY_MORNING, tick=False):
        youth_adult_leave()  # the beat task
        after_first = (
            Notification.objects.count(),
            AuditEvent.objects.count(),
            Disclosure.objects.filter(withdrawn_at__isnull=True).count(),
        )
        # Run again: nothing more happens
        assert youth_adult_transitions() == 0
        youth_adult_leave()
        assert after_first == (
            Notification.objects.count(),
            AuditEvent.objects.count(),
            Disclosure.objects.filter(withdrawn_at__isnull=True).count(),
        )
    mother = Participant.objects.get(case=adult.case, user=adult.mother)
    assert mother.left is not None
    disclosure = Disclosure.objects.get(entry=adult.shared, recipient=adult.mother)
    assert disclosure.end_reason == Disclosure.EndReason.YOUTH_ADULT
    assert not EntryUserObjectPermission.objects.filter(user=adult.mother).exists()
    # The youth first, with what changes for them; then the team and the mother who left
    told = list(
        Notification.objects.filter(pk__gt=first_new, kind__startswith="youth_adult")
        .order_by("id")
        .values_list("recipient__username", "kind")
    )
    assert told[0] == (adult.youth.username, "youth_adult_you")
    assert set(told[1:]) == {
        (adult.mother.username, "youth_adult"),
        (adult.nurse.username, "youth_adult"),
        (adult.coordinator.username, "youth_adult"),
    }
    youth_text = as_user(adult.youth).get("/api/v1/notifications/").json()["results"]
    assert any("18" in item["text"] for item in youth_text)
    event = AuditEvent.objects.filter(action="participant.removed").last()
    assert event.data["reason"] == "youth_adult" and event.actor is None
    # The youth's who-knows-what shows the ended period
    people = as_user(adult.youth).get(f"/api/v1/cases/{adult.case.pk}/who-knows-what/").json()
    row = next(p for p in people if p["person"]["id"] == adult.mother.pk)
    assert row["person"]["left"] is not None and all(k["until"] for k in row["entries"])


def test_the_job_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "consent.tasks.youth_adult_leave" in tasks


def test_a_guardian_of_a_youth_of_unknown_age_stays(db):
    with time_machine.travel(DAY_BEFORE, tick=False):
        w = world(turns=18)
    User.objects.filter(pk=w.youth.pk).update(birth_date=None)
    with time_machine.travel(BIRTHDAY_MORNING, tick=False):
        assert as_user(w.mother).get(f"/api/v1/cases/{w.case.pk}/").status_code == 200
        assert youth_adult_transitions() == 0


def test_the_youths_queries_do_not_change_on_the_birthday(adult):
    def count(moment: dt.datetime) -> int:
        with time_machine.travel(moment, tick=False):
            with CaptureQueriesContext(connection) as queries:
                response = as_user(adult.youth).get(f"/api/v1/cases/{adult.case.pk}/entries/")
            assert response.status_code == 200
        return len(queries)

    assert count(DAY_BEFORE) == count(BIRTHDAY_MORNING)


# --- 16, 15 and 12: the consent policy's thresholds, shown the day they happen -------------


def test_at_16_the_youth_decides_and_the_guardian_loses_who_knows_what(db):
    with time_machine.travel(DAY_BEFORE, tick=False):
        w = world(turns=16)
        mother_sees = as_user(w.mother).get(f"/api/v1/cases/{w.case.pk}/who-knows-what/")
        home = Client()
        home.force_login(w.youth)
        before = home.get("/").content.decode()
    with time_machine.travel(BIRTHDAY_MORNING, tick=False):
        mother_sees_after = as_user(w.mother).get(f"/api/v1/cases/{w.case.pk}/who-knows-what/")
        home = Client()  # a new session: the one from yesterday evening has gone idle
        home.force_login(w.youth)
        after = home.get("/").content.decode()
        # The guardian is still on the team: only who decides moved
        assert as_user(w.mother).get(f"/api/v1/cases/{w.case.pk}/").status_code == 200
    assert mother_sees.status_code == 200 and mother_sees_after.status_code == 404
    decides_self = "Du bestemmer selv hvem som kan se hva om deg."
    assert decides_self not in before and w.mother.name in before
    assert decides_self in after


def test_at_15_child_welfare_moves_to_the_youth(db):
    def guardian_categories(moment: dt.datetime, w: World) -> set[str]:
        with time_machine.travel(moment, tick=False):
            response = as_user(w.mother).get(f"/api/v1/cases/{w.case.pk}/who-knows-what/")
        assert response.status_code == 200
        return {k["entry"]["category"] for p in response.json() for k in p["entries"]}

    with time_machine.travel(DAY_BEFORE, tick=False):
        w = world(turns=15)
    assert "child_welfare" in guardian_categories(DAY_BEFORE, w)
    assert "child_welfare" not in guardian_categories(BIRTHDAY_MORNING, w)


def test_at_12_the_youths_view_is_asked(db):
    with time_machine.travel(DAY_BEFORE, tick=False):
        w = world(turns=12)
        note = write_entry(w.case, w.nurse, category="health", title="Før")
        before = share(entry=note, recipients=[w.coordinator], actor=w.nurse).consent_request
    with time_machine.travel(BIRTHDAY_MORNING, tick=False):
        note = write_entry(w.case, w.nurse, category="health", title="Etter")
        after = share(entry=note, recipients=[w.coordinator], actor=w.nurse).consent_request
        home = Client()
        home.force_login(w.youth)
        page = home.get("/").content.decode()
    assert not before.youth_opinion_asked and after.youth_opinion_asked
    assert f"/consent/requests/{after.pk}/" in page
    assert f"/consent/requests/{before.pk}/" not in page
