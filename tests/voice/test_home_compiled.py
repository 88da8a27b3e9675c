"""The home page's reads that run compiled once a process (coordination.statements.CompiledRead:
the unread counts, which the overview asks too, and the latest entries): for every person and
every list of cases they answer exactly what the ORM's statement of the same function answers,
on the day and on the youth's 18th birthday (the team rule's clock is a slot, not the compile
time's)."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db.models import OuterRef
from django.utils import timezone

import consent.coordinator
import consent.selectors
import coordination.selectors
import meetings.coordinator
import meetings.selectors
import referrals.coordinator
import referrals.selectors
import voice.checkins
import voice.overview
import voice.rooms.selectors
import voice.selectors
from cases import selectors as case_selectors
from cases.models import Case, Entry
from cases.permissions import view_entry_grant
from cases.selectors import cases_for_user, entries_visible, takes_part
from cases.services import entry_withhold
from consent.models import Disclosure
from consent.policy import self_decision_age
from coordination.ages import ADULT_AGE
from coordination.models import User
from meetings.coordinator import _MEETING_ROWS
from meetings.models import Attendance, Meeting
from meetings.selectors import (
    ATTENDANCE_CATEGORY,
    UPCOMING_FIRST,
    can_organise,
    meetings_upcoming,
    meetings_upcoming_first,
)
from meetings.services.meetings import meeting_cancel
from services_registry.services import service_staff_set
from tests.cases.conftest import demo_read
from tests.conftest import SeededOnce, seeded_once
from tests.factories import EntryFactory, MeetingFactory, ServiceFactory, UserFactory
from tests.pages import by_its_builder, signed_in, without_csrf
from voice.models import Visit
from voice.rooms.selectors import _unread, room_unread_by_case, rooms_visible
from voice.rooms.services import room_create, room_message_send
from voice.selectors import (
    _NEWS_SHARED,
    _NEWS_WRITTEN,
    _latest_about_youth,
    _unread_messages,
    latest_about_youth,
    message_recipients,
    news_for_youth,
    unread_messages,
)
from voice.services import message_send, messages_read

pytestmark = pytest.mark.django_db

PEOPLE = ("sara", "jonas", "helsesykepleier", "laerer", "ungdomshjelper", "far", "mor", "bup")


def by_orm(user, cases):
    """The same statements built and compiled by the ORM on this call."""
    ids = [case.pk for case in cases]
    messages = {row["case_id"]: row["unread"] for row in _unread_messages(user=user, case_ids=ids)}
    rooms = _unread(user=user, rooms=rooms_visible(user=user, case_ids=ids), per="case_id")
    return messages, rooms


def compiled(user, cases):
    return unread_messages(user=user, cases=cases), room_unread_by_case(user=user, cases=cases)


def _seed_messages() -> None:
    demo = demo_read()
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    room = room_create(
        case_id=demo.sara_case.pk, actor=sara, title="Skolen", members=[nurse, teacher]
    )
    room_message_send(room_id=room.pk, author=teacher, body="En")
    room_message_send(room_id=room.pk, author=nurse, body="To")
    for case in (demo.sara_case, demo.jonas_case):
        team = [participant.user for participant in message_recipients(case=case)]
        message_send(case=case, author=case.youth, body="Hei", recipients=team)
    first = message_send(case=demo.sara_case, author=nurse, body="Svar")
    messages_read(case=demo.sara_case, user=teacher, messages=[first], via="page")
    message_send(case=demo.sara_case, author=nurse, body="Etter")
    # Off the team, as a service's intake: opens one message, counts none (not on the case).
    intake = UserFactory(username="inntak")
    service = ServiceFactory()
    service_staff_set(service=service, user=intake, receives_referrals=True)
    view_entry_grant([(first.pk, intake.pk)], via_service=service)


@pytest.fixture(scope="session")
def home_messages_once(demo_once, django_db_blocker) -> Iterator[SeededOnce]:
    """The messages on the demo, built once for this module's consecutive tests (every test
    reads them, none keeps a change: each runs in a savepoint rolled back after it)."""
    yield from seeded_once(django_db_blocker, _seed_messages, base=demo_once)


@pytest.fixture
def messages(home_messages_once, demo):
    home_messages_once.or_seed_here()
    return demo


def case_lists(demo, user):
    own = list(cases_for_user(user=user))
    every = list(Case.objects.order_by("pk"))
    return [own, own[:1], every, [demo.jonas_case], [demo.sara_case, demo.jonas_case], []]


def test_the_compiled_counts_are_the_orms_for_everyone_and_any_cases(messages):
    demo = messages
    seen = []
    for name in (*PEOPLE, "inntak"):
        user = User.objects.get(username=name)
        for cases in case_lists(demo, user):
            answer = compiled(user, cases)
            assert answer == by_orm(user, cases), (name, [case.pk for case in cases])
            seen.append(answer)
    # Not all empty: the comparison compared counts.
    assert compiled(demo["sara"], [demo.sara_case]) == (
        {demo.sara_case.pk: 2},
        {demo.sara_case.pk: 2},
    )
    assert compiled(demo["laerer"], [demo.sara_case])[1] == {demo.sara_case.pk: 1}
    assert sum(bool(messages) or bool(rooms) for messages, rooms in seen) > 10


def test_on_the_youths_18th_birthday_a_guardian_counts_nothing_there(messages):
    """The team rule's clock is bound per call: a statement compiled the day before answers the
    birthday with the birthday's rule."""
    demo = messages
    case = demo.jonas_case
    guardian = next(
        demo[name] for name in ("far", "mor") if case in cases_for_user(user=demo[name])
    )
    assert unread_messages(user=guardian, cases=[case]) == {case.pk: 1}
    birth = timezone.localdate() - timedelta(days=365 * ADULT_AGE + 10)
    User.objects.filter(pk=case.youth_id).update(birth_date=birth)
    birthday = date(birth.year + ADULT_AGE, birth.month, birth.day)
    noon = timezone.make_aware(datetime.combine(birthday, time(12)))
    with time_machine.travel(noon - timedelta(days=1), tick=False):
        assert unread_messages(user=guardian, cases=[case]) == {case.pk: 1}
        assert by_orm(guardian, [case])[0] == {case.pk: 1}
    with time_machine.travel(noon, tick=False):
        assert unread_messages(user=guardian, cases=[case]) == {}
        assert by_orm(guardian, [case])[0] == {}


def test_the_latest_entries_are_the_orms_and_keep_what_is_withheld_out(messages):
    demo = messages
    sara = demo["sara"]
    withheld = EntryFactory(case=demo.sara_case, author=demo["helsesykepleier"], title="Skjult")
    entry_withhold(entry_id=withheld.pk, actor=demo["helsesykepleier"], reason="Pbrl. § 3-4.")
    for name in PEOPLE:
        user = demo[name]
        for cases in case_lists(demo, user):
            answer = latest_about_youth(user=user, cases=cases)
            expected = _latest_about_youth(
                user=user.pk,
                case_ids=[case.pk for case in cases],
                now=timezone.now(),
                today=timezone.localdate(),
            )
            assert answer == list(expected), (name, [case.pk for case in cases])
            assert [entry.author.name for entry in answer] == [
                entry.author.name for entry in expected
            ]
    latest = latest_about_youth(user=sara, cases=[demo.sara_case])
    assert len(latest) == 3  # the demo case's entries Sara may open, messages aside
    assert withheld not in latest
    assert withheld in latest_about_youth(user=demo["helsesykepleier"], cases=[demo.sara_case])


def news_by_orm(user, cases, since):
    """news_for_youth's two counts as the ORM counted them before they were compiled."""
    own = Case.objects.filter(
        takes_part(user=user, case=OuterRef("pk")), pk__in=[case.pk for case in cases], youth=user
    )
    written = entries_visible(
        user=user,
        queryset=Entry.objects.filter(case__in=own)
        .exclude(author=user)
        .exclude(kind=Entry.Kind.MESSAGE),
    )
    shared = Disclosure.objects.filter(entry__case__in=own).exclude(granted_by=user)
    if since is not None:
        written = written.filter(created__gt=since)
        shared = shared.filter(granted_at__gt=since)
    return written.count(), shared.count()


def test_the_news_counts_are_the_orms_for_everyone_any_cases_and_visits(messages):
    demo = messages
    # A moment between the demo's entries and disclosures and the fixture's messages.
    middle = Entry.objects.order_by("created").values_list("created", flat=True)[
        Entry.objects.count() // 2
    ]
    counted = []
    for since in (None, middle, timezone.now()):
        for name in (*PEOPLE, "inntak"):
            user = User.objects.get(username=name)
            Visit.objects.update_or_create(
                user=user, defaults={"previous": since, "current": timezone.now()}
            )
            for cases in case_lists(demo, user):
                news = news_for_youth(user=user, cases=cases)
                expected = news_by_orm(user, cases, since)
                assert (news.since, news.written, news.shared) == (since, *expected), (
                    name,
                    since,
                    [case.pk for case in cases],
                )
                counted.append(expected)
    # The comparison compared counts, some of them cut by the visit.
    sara_case = [demo.sara_case]
    assert news_by_orm(demo["sara"], sara_case, None) > news_by_orm(demo["sara"], sara_case, middle)
    assert sum(written + shared for written, shared in counted) > 10


def _seed_meetings() -> None:
    """Upcoming meetings on both demo cases, the team invited: more than the home page shows,
    one cancelled, one past its grace."""
    demo = demo_read()
    soon = timezone.now() + timedelta(days=1)
    for case in (demo.sara_case, demo.jonas_case):
        organiser = next(
            participant.user
            for participant in message_recipients(case=case)
            if can_organise(case=case, user=participant.user)
        )
        for days in range(6):
            meeting = MeetingFactory(
                case=case, organiser=organiser, starts_at=soon + timedelta(days=days)
            )
            # Everyone on the team invited: a guardian's meetings end with the team rule.
            Attendance.objects.bulk_create(
                Attendance(
                    meeting=meeting,
                    user=participant.user,
                    proposed_by=organiser,
                    invited_at=timezone.now(),
                )
                for participant in message_recipients(case=case)
                if participant.user != organiser
            )
        MeetingFactory(case=case, organiser=organiser, starts_at=soon - timedelta(hours=3, days=1))
        cancelled = MeetingFactory(case=case, organiser=organiser, starts_at=soon)
        meeting_cancel(meeting=cancelled, actor=organiser)


@pytest.fixture(scope="session")
def home_meetings_once(home_messages_once, django_db_blocker) -> Iterator[SeededOnce]:
    """The meetings on top of the messages, built once like them."""
    yield from seeded_once(django_db_blocker, _seed_meetings, base=home_messages_once)


@pytest.fixture
def with_meetings(home_meetings_once, messages):
    home_meetings_once.or_seed_here()
    return messages


def test_the_upcoming_meetings_are_the_orms_for_everyone_on_any_day(with_meetings):
    """Compiled once, on the day and on the eve and the day of a young person's 18th birthday
    (the team rule's date is bound per call: the guardians' invitations count no more)."""
    demo = with_meetings
    people = [User.objects.get(username=name) for name in (*PEOPLE, "inntak")]
    birthday = timezone.localdate() + timedelta(days=2)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    User.objects.filter(pk=demo.jonas_case.youth_id).update(
        birth_date=birthday.replace(year=birthday.year - ADULT_AGE)
    )
    noon = timezone.make_aware(datetime.combine(birthday, time(12)))
    days = [timezone.now(), noon - timedelta(days=1), noon]
    shown = []
    for day in days:
        with time_machine.travel(day, tick=False):
            for user in people:
                answer = meetings_upcoming_first(user=user)
                expected = list(meetings_upcoming(user=user)[:UPCOMING_FIRST])
                assert answer == expected, (user.username, day)
                assert [(m.case.youth.name, m.organiser.name) for m in answer] == [
                    (m.case.youth.name, m.organiser.name) for m in expected
                ]
                shown.append(len(answer))
    assert max(shown) == UPCOMING_FIRST
    assert 0 < sum(shown) < UPCOMING_FIRST * len(shown)


def test_the_overviews_meeting_counts_are_the_orms_for_everyone_on_any_day(with_meetings):
    """meeting_items' statement compiled once, against the ORM's of the same builder, for every
    person and list of cases, on the day and on the eve and the day of a young person's
    birthdays of majority and of deciding who comes (both dates made of the one `today`)."""
    demo = with_meetings
    case = demo.jonas_case
    guardian = next(
        demo[name] for name in ("far", "mor") if case in cases_for_user(user=demo[name])
    )
    # One meeting with the guardian only proposed, not invited: they see it while they decide.
    proposed = MeetingFactory(
        case=case,
        organiser=Meeting.objects.filter(case=case).first().organiser,
        starts_at=timezone.now() + timedelta(days=2),
    )
    Attendance.objects.create(meeting=proposed, user=guardian, proposed_by=proposed.organiser)
    birthday = timezone.localdate() + timedelta(days=2)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    days = [timezone.now()]
    for age in (
        ADULT_AGE,
        self_decision_age(category=ATTENDANCE_CATEGORY, ages=settings.SAMMEN_CONSENT_AGES),
    ):
        noon = timezone.make_aware(datetime.combine(birthday, time(12)))
        days += [(age, noon - timedelta(days=1)), (age, noon)]
    counted = []
    for age_day in days:
        age, day = age_day if isinstance(age_day, tuple) else (None, age_day)
        if age is not None:
            User.objects.filter(pk=case.youth_id).update(
                birth_date=birthday.replace(year=birthday.year - age)
            )
        with time_machine.travel(day, tick=False):
            for name in (*PEOPLE, "inntak"):
                user = User.objects.get(username=name)
                for cases in case_lists(demo, user)[:-1]:
                    values = {
                        "user": user.pk,
                        "case_ids": [case.pk for case in cases],
                        "now": timezone.now(),
                        "today": timezone.localdate(),
                    }
                    answer = sorted(_MEETING_ROWS(**values), key=lambda row: row["case_id"])
                    expected = sorted(
                        _MEETING_ROWS._build(**values), key=lambda row: row["case_id"]
                    )
                    assert answer == expected, (name, day, values["case_ids"])
                    counted.append(sum(row["upcoming"] for row in answer))
    assert sum(counted) > 10


COMPILED = [
    (coordination.selectors, "_GUARDIANSHIPS_OF"),
    (referrals.selectors, "_INTAKE_ANYWHERE"),
    (voice.checkins, "_RHYTHM"),
    (voice.selectors, "_VISIT"),
    (case_selectors, "_CASES_OF"),
    (case_selectors, "_YOUTH_TEAM"),
    (consent.coordinator, "_PENDING_BY_CASE"),
    (consent.selectors, "_REQUESTS_PENDING"),
    (consent.selectors, "_GUARDIANS"),
    (consent.selectors, "_CASES_ABOUT"),
    (voice.selectors, "_UNREAD_MESSAGES"),
    (voice.selectors, "_OFFERED"),
    (voice.selectors, "_COORDINATING"),
    (voice.overview, "_REMARKS_OPEN"),
    (voice.overview, "_STEPS_OVERDUE"),
    (voice.overview, "_CHECK_INS_OPEN"),
    (voice.selectors, "_LATEST_ABOUT_YOUTH"),
    (voice.rooms.selectors, "_ROOM_UNREAD_BY_CASE"),
    (meetings.selectors, "_UPCOMING_FIRST"),
    (meetings.coordinator, "_MEETING_ROWS"),
    (meetings.coordinator, "_TASKS_OVERDUE"),
    (referrals.coordinator, "_OPEN_BY_CASE"),
]


def pages(client):
    return {
        path: without_csrf(client.get(path).content.decode()) for path in ("/", "/ungdomshjelper/")
    }


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_pages_are_the_same_bytes_as_with_the_orms_statements(
    with_meetings, monkeypatch, language
):
    """The home page and the overview of every person, compiled and with each compiled read's
    statement built and run by the ORM on the call instead (as before they were compiled)."""
    demo = with_meetings
    clients = {name: signed_in(demo[name], language) for name in PEOPLE}
    with time_machine.travel(timezone.now(), tick=False):
        compiled_pages = {name: pages(client) for name, client in clients.items()}
        for module, name in COMPILED:
            read = getattr(module, name)
            monkeypatch.setattr(module, name, by_its_builder(read))
        for reads in (_NEWS_WRITTEN, _NEWS_SHARED):
            for since, read in list(reads.items()):
                monkeypatch.setitem(reads, since, by_its_builder(read))
        # The overview's cases, paged: the queryset itself, which the Paginator counts and slices.
        cases = voice.selectors._UNGDOMSHJELPER_CASES
        monkeypatch.setattr(cases, "paged", lambda **values: cases._build(**values))
        orm_pages = {name: pages(client) for name, client in clients.items()}
    assert compiled_pages == orm_pages
    # The pages compared show what the compiled reads answer.
    assert "Samtale om søvn og stress" in compiled_pages["sara"]["/"]
    assert compiled_pages["sara"]["/"].count("/meetings/") > UPCOMING_FIRST
    assert compiled_pages["ungdomshjelper"]["/ungdomshjelper/"].count("<li") > 3
