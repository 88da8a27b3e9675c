"""The ungdomshjelper's own page (/ungdomshjelper/ and GET /api/v1/ungdomshjelper/cases/): every
case where they have the role, what needs them and what waits for the young person, as counts
and links, in a fixed number of queries."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Case, Entry, Participant
from consent.services import consent_request_opinion, share
from coordination.demo import birth_date_for_age
from coordination.models import User
from meetings.services import (
    action_item_create,
    attendance_propose,
    meeting_create,
    meeting_mark_held,
    minutes_approve,
    minutes_comment,
    minutes_save,
    minutes_submit,
)
from tests.consent.helpers import as_user, write_entry
from tests.factories import CaseFactory, CoordinatorFactory, ParticipantFactory, UserFactory
from voice.models import Goal
from voice.plan import goal_add, plan_of, step_add
from voice.services import (
    message_send,
    remark_create,
    ungdomshjelper_change_ask,
    ungdomshjelper_choose,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/ungdomshjelper/cases/"
PAGE = "/ungdomshjelper/"
YESTERDAY = datetime.timedelta(days=-1)


def _meeting(case, coordinator, *, days):
    return meeting_create(
        case=case,
        actor=coordinator,
        title="Møte",
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="Rom 1",
    )


def _minutes(case, coordinator):
    meeting = _meeting(case, coordinator, days=-3)
    meeting_mark_held(meeting=meeting, actor=coordinator)
    minutes = minutes_save(meeting=meeting, actor=coordinator, summary="Vi snakket.")
    return meeting, minutes_submit(minutes=minutes, actor=coordinator)


def busy_case(coordinator: User) -> tuple[Case, dict]:
    """A case (youth 16+) whose ungdomshjelper is `coordinator`, with one of every kind of item
    the overview knows. Returns the case and the things made on it."""
    case = CaseFactory()
    youth = case.youth
    helper = ParticipantFactory(case=case).user
    ParticipantFactory(case=case)  # a second service: the offer opens
    ungdomshjelper_choose(case=case, actor=youth, chosen=coordinator)
    made = {"helper": helper}
    # a request to share waiting for the young person (16+ decides)
    made["secret"] = write_entry(case, helper, category="health", title="Hemmelig tittel")
    assert share(entry=made["secret"], recipients=[coordinator], actor=helper).status == (
        "consent_requested"
    )
    # a message from the young person, unread
    message_send(case=case, author=youth, body="Hei!", recipients=[coordinator])
    # a comment on what the ungdomshjelper wrote
    note = write_entry(case, coordinator, category="general", title="Notat fra Nora")
    remark_create(entry_id=note.pk, author=youth, kind="comment", text="Stemmer ikke helt.")
    made["note"] = note
    # the plan, shared with the ungdomshjelper, with an overdue step for each of them
    goal = goal_add(case=case, actor=youth, text="Komme på skolen")
    today = timezone.localdate()
    step_add(goal=goal, actor=youth, text="Ringe", owner=coordinator, due=today + YESTERDAY)
    step_add(goal=goal, actor=youth, text="Stå opp", owner=youth, due=today + YESTERDAY)
    share(entry=plan_of(case=case, viewer=youth), recipients=[coordinator], actor=youth)
    # an upcoming meeting where the young person chooses who comes
    made["upcoming"] = _meeting(case, coordinator, days=7)
    attendance_propose(meeting=made["upcoming"], actor=coordinator, users=[helper])
    # minutes waiting for the young person, minutes with a correction asked
    made["review"], _m = _minutes(case, coordinator)
    made["correct"], minutes = _minutes(case, coordinator)
    minutes_comment(minutes=minutes, actor=youth, text="Feil dato.", is_correction=True)
    # an overdue task of the ungdomshjelper, on approved minutes
    done, minutes = _minutes(case, coordinator)
    action_item_create(
        meeting=done, actor=coordinator, description="ringe skolen", owner=coordinator,
        due=today + YESTERDAY,
    )  # fmt: skip
    minutes_approve(minutes=minutes, actor=youth)
    return case, made


def kinds(items):
    return {(item["kind"], item["count"]) for item in items}


def test_the_overview_shows_what_needs_the_ungdomshjelper_and_the_youth():
    coordinator = CoordinatorFactory()
    case, made = busy_case(coordinator)
    body = as_user(coordinator).get(API).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["case"] == {"id": case.pk, "title": case.title}
    assert row["youth"]["id"] == case.youth_id
    assert kinds(row["needs_action"]) == {
        ("messages_unread", 1),
        ("remarks_open", 1),
        ("plan_steps_overdue", 1),
        ("meetings_upcoming", 1),
        ("minutes_corrections", 1),
        ("action_items_overdue", 1),
        ("check_ins_due", 1),  # the first contact after being chosen
    }
    assert kinds(row["youth_pending"]) == {
        ("consent_pending", 1),
        ("plan_steps_overdue", 1),
        ("meeting_attendance", 1),
        ("minutes_review", 1),
    }
    urls = {item["kind"]: item["url"] for item in row["needs_action"] + row["youth_pending"]}
    assert urls["messages_unread"] == f"/cases/{case.pk}/messages/"
    assert urls["remarks_open"] == f"/cases/{case.pk}/entries/{made['note'].pk}/remarks/"
    assert urls["plan_steps_overdue"] == f"/cases/{case.pk}/plan/"
    assert urls["meetings_upcoming"] == f"/meetings/case/{case.pk}/"
    assert urls["meeting_attendance"] == f"/meetings/{made['upcoming'].pk}/"
    assert urls["minutes_review"] == f"/meetings/{made['review'].pk}/minutes/"
    assert urls["minutes_corrections"] == f"/meetings/{made['correct'].pk}/minutes/"
    assert urls["action_items_overdue"] == "/meetings/tasks/"
    assert urls["consent_pending"] == "/consent/requests/"
    # every link opens for the ungdomshjelper
    client = Client()
    client.force_login(coordinator)
    for link in urls.values():
        assert client.get(link).status_code == 200, link
    # counts and links only: no title of an entry they cannot open
    assert "Hemmelig tittel" not in str(body)
    labels = [item["label"] for item in row["needs_action"]]
    assert "1 ny melding" in labels


def test_the_page_lists_each_young_person_with_links():
    coordinator = CoordinatorFactory()
    case, made = busy_case(coordinator)
    client = Client()
    client.force_login(coordinator)
    page = client.get(PAGE).content.decode()
    assert case.youth.name in page
    assert f'href="/meetings/{made["upcoming"].pk}/"' in page
    assert "Velge hvem som kommer på 1 møte" in page
    assert "Hemmelig tittel" not in page
    # the home page leads there
    assert 'href="/ungdomshjelper/"' in client.get("/").content.decode()


def test_a_fixed_number_of_queries_for_1_and_10_cases(django_assert_num_queries):
    coordinator = CoordinatorFactory()
    busy_case(coordinator)
    client = Client()
    client.force_login(coordinator)
    api = as_user(coordinator)
    # API: the cases (a first page that is not full is not counted), consent 1, voice 4 (with
    # check-ins), meetings 2 (the minutes counted with the meetings), referrals 1 (the user is
    # forced). The page adds the session (read, and saved again for the idle timeout), the
    # header's unread count and whether the person needs a second factor (their groups:
    # coordination.two_factor).
    with django_assert_num_queries(9):
        assert api.get(API).json()["count"] == 1
    with django_assert_num_queries(17):
        client.get(PAGE)
    for _ in range(9):
        busy_case(coordinator)
    with django_assert_num_queries(9):
        assert len(api.get(API).json()["results"]) == 10
    with django_assert_num_queries(17):
        page = client.get(PAGE)
    assert page.content.decode().count('class="card overview-case"') == 10


def test_guardians_decide_below_16_and_the_youth_gives_their_view():
    coordinator = CoordinatorFactory()
    youth = UserFactory(birth_date=birth_date_for_age(13, today=timezone.localdate()))
    case = CaseFactory(youth=youth)
    guardian = ParticipantFactory(case=case, role=Participant.Role.GUARDIAN, service=None).user
    helper = ParticipantFactory(case=case).user
    ParticipantFactory(case=case)
    ungdomshjelper_choose(case=case, actor=guardian, chosen=coordinator)
    entry = write_entry(case, helper, category="school")
    request = share(entry=entry, recipients=[coordinator], actor=helper).consent_request
    row = as_user(coordinator).get(API).json()["results"][0]
    # the young person's view is asked: theirs
    assert kinds(row["youth_pending"]) == {("consent_pending", 1)}
    assert kinds(row["needs_action"]) == {("check_ins_due", 1)}  # only the first contact
    consent_request_opinion(consent_request=request, actor=youth, opinion="Greit.")
    # then it waits for the guardians, which the ungdomshjelper follows up
    row = as_user(coordinator).get(API).json()["results"][0]
    assert kinds(row["youth_pending"]) == set()
    assert kinds(row["needs_action"]) == {("consent_pending", 1), ("check_ins_due", 1)}


def test_the_plan_counts_only_when_shared_with_the_ungdomshjelper():
    coordinator = CoordinatorFactory()
    case = CaseFactory()
    ParticipantFactory(case=case)
    ParticipantFactory(case=case)
    ungdomshjelper_choose(case=case, actor=case.youth, chosen=coordinator)
    goal = goal_add(case=case, actor=case.youth, text="Mål")
    step_add(
        goal=goal, actor=case.youth, text="Steg", owner=coordinator,
        due=timezone.localdate() + YESTERDAY,
    )  # fmt: skip
    assert Goal.objects.count() == 1
    row = as_user(coordinator).get(API).json()["results"][0]
    # only the first contact after being chosen
    assert [item["kind"] for item in row["needs_action"]] == ["check_ins_due"]
    assert row["youth_pending"] == []


def test_only_the_ungdomshjelper_sees_the_case_and_only_while_they_are():
    coordinator = CoordinatorFactory()
    case, made = busy_case(coordinator)
    # a helper on the case who is not the ungdomshjelper, and someone on no case: nothing
    for user in (made["helper"], UserFactory()):
        assert as_user(user).get(API).json() == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
        client = Client()
        client.force_login(user)
        page = client.get(PAGE)
        assert page.status_code == 200
        assert "Du er ikke ungdomshjelper for noen nå" in page.content.decode()
        assert case.youth.name not in page.content.decode()
    # the young person picks someone else: the former ungdomshjelper no longer sees the case
    ungdomshjelper_change_ask(case=case, actor=case.youth)
    ungdomshjelper_choose(case=case, actor=case.youth, chosen=made["helper"])
    assert Participant.objects.get(case=case, user=coordinator).left is not None
    assert as_user(coordinator).get(API).json()["count"] == 0
    assert as_user(made["helper"]).get(API).json()["count"] == 1
    assert Entry.objects.filter(case=case).exists()
