"""Whether the guardians come (issue 19 item 6): the young person is asked first; guardians who
decide see the wish before deciding, and a decision against it carries a reason the young
person reads. A young person who decides about attendance decides this themself."""

import pytest

from coordination.models import Notification
from meetings import notifications
from meetings.demo import JONAS_TITLE
from meetings.models import GuardiansQuestion, Meeting
from meetings.services import attendance_choose, guardians_wish_give

from .helpers import as_user, hold, plan_meeting

pytestmark = pytest.mark.django_db


def url(meeting, part=""):
    return f"/api/v1/meetings/{meeting.pk}/guardians/{part}"


def test_the_young_person_is_asked_first_and_the_guardian_sees_the_wish(young_team):
    meeting = plan_meeting(young_team)
    mother, youth = as_user(young_team.mother), as_user(young_team.youth)

    early = mother.post(url(meeting, "decision/"), {"come": True}, format="json")
    assert early.status_code == 409
    assert mother.get(url(meeting)).json()["wish"] is None

    wish = youth.post(url(meeting, "wish/"), {"wish": "no", "why": "Vi krangler."}, format="json")
    assert wish.status_code == 200
    told = Notification.objects.get(kind=notifications.GUARDIANS_WISH_GIVEN.key)
    assert told.recipient == young_team.mother
    assert "krangler" not in str(Notification.objects.filter(pk=told.pk).values().get())

    seen = mother.get(url(meeting)).json()
    assert (seen["wish"], seen["why"], seen["may_decide"]) == ("no", "Vi krangler.", True)

    against = mother.post(url(meeting, "decision/"), {"come": True}, format="json")
    assert against.status_code == 400
    assert set(against.json()) == {"reason"}
    assert GuardiansQuestion.objects.get(meeting=meeting).decided_at is None

    decided = mother.post(
        url(meeting, "decision/"),
        {"come": True, "reason": "Vi må snakke om skolen."},
        format="json",
    )
    assert decided.status_code == 200
    read = youth.get(url(meeting)).json()
    assert (read["come"], read["against_wish"], read["reason"]) == (
        True,
        True,
        "Vi må snakke om skolen.",
    )
    assert Notification.objects.filter(
        kind=notifications.GUARDIANS_DECIDED.key, recipient=young_team.youth
    ).exists()
    # Once the guardians have decided, the wish stands as it was when they decided.
    again = youth.post(url(meeting, "wish/"), {"wish": "yes"}, format="json")
    assert again.status_code == 409


def test_a_decision_along_the_wish_or_when_they_do_not_mind_needs_no_reason(young_team):
    meeting = plan_meeting(young_team)
    guardians_wish_give(meeting=meeting, actor=young_team.youth, wish="either")
    mother = as_user(young_team.mother)
    assert mother.post(url(meeting, "decision/"), {"come": False}, format="json").status_code == 200
    question = GuardiansQuestion.objects.get(meeting=meeting)
    assert (question.come, question.against_wish, question.reason) == (False, False, "")


def test_who_may_give_the_wish_and_who_may_decide(young_team):
    meeting = plan_meeting(young_team)
    youth, mother = as_user(young_team.youth), as_user(young_team.mother)
    assert mother.post(url(meeting, "wish/"), {"wish": "yes"}, format="json").status_code == 403
    assert youth.post(url(meeting, "wish/"), {"wish": "yes"}, format="json").status_code == 200
    # Under 16 the young person does not decide; the organiser neither.
    assert youth.post(url(meeting, "decision/"), {"come": True}, format="json").status_code == 403
    organiser = as_user(young_team.coordinator)
    assert organiser.get(url(meeting)).json()["wish"] == "yes"
    assert organiser.post(url(meeting, "decision/"), {"come": True}, format="json").status_code == (
        403
    )
    # The nurse is invited and sees the meeting, not the young person's wish about parents.
    attendance_choose(meeting=meeting, actor=young_team.mother, coming=[young_team.nurse.pk])
    nurse = as_user(young_team.nurse)
    assert nurse.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    assert nurse.get(url(meeting)).status_code == 404
    assert nurse.post(url(meeting, "decision/"), {"come": True}, format="json").status_code == 403
    outsider = as_user(young_team.outsider)
    for method, part, body in [
        ("get", "", None),
        ("post", "wish/", {"wish": "no"}),
        ("post", "decision/", {"come": False}),
    ]:
        assert getattr(outsider, method)(url(meeting, part), body, format="json").status_code == 404
    assert GuardiansQuestion.objects.get(meeting=meeting).come is None


def test_a_young_person_of_16_decides_themself(team):
    meeting = plan_meeting(team)
    youth = as_user(team.youth)
    assert youth.post(url(meeting, "wish/"), {"wish": "no"}, format="json").status_code == 409
    assert youth.get(url(meeting)).json()["youth_decides"] is True
    decided = youth.post(url(meeting, "decision/"), {"come": False}, format="json")
    assert decided.status_code == 200
    assert (decided.json()["wish"], decided.json()["come"]) == ("no", False)
    # Guardians of a 16-year-old do not decide: the meeting is not theirs to see.
    assert as_user(team.mother).get(url(meeting)).status_code == 404
    assert not Notification.objects.filter(kind__startswith="guardians_").exists()


@pytest.mark.parametrize(
    ("part", "body", "field"),
    [
        ("wish/", {"wish": "maybe"}, "wish"),
        ("wish/", {}, "wish"),
        ("wish/", {"wish": "no", "why": "x" * 501}, "why"),
        ("wish/", {"wish": ["no"]}, "wish"),
        ("decision/", {"come": "perhaps"}, "come"),
        ("decision/", {}, "come"),
        ("decision/", {"come": True, "reason": "x" * 501}, "reason"),
    ],
)
def test_bad_input_is_a_400_and_saves_nothing(young_team, part, body, field):
    meeting = plan_meeting(young_team)
    if part == "decision/":
        guardians_wish_give(meeting=meeting, actor=young_team.youth, wish="yes")
    actor = young_team.youth if part == "wish/" else young_team.mother
    before = list(GuardiansQuestion.objects.values())
    response = as_user(actor).post(url(meeting, part), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert list(GuardiansQuestion.objects.values()) == before


def test_a_held_meeting_is_no_longer_asked_about(young_team):
    meeting = hold(plan_meeting(young_team), young_team.coordinator)
    response = as_user(young_team.youth).post(url(meeting, "wish/"), {"wish": "no"}, format="json")
    assert response.status_code == 409


def test_jonas_father_sees_jonas_wish_before_deciding_on_the_page(demo, client):
    """The demo: Jonas (13) has said he does not want his father at the meeting, and why."""
    meeting = Meeting.objects.get(case=demo.jonas_case, title=JONAS_TITLE)
    assert Notification.objects.filter(
        kind=notifications.GUARDIANS_WISH_GIVEN.key, recipient=demo["far"]
    ).exists()
    page = f"/meetings/{meeting.pk}/"
    client.force_login(demo["far"])
    seen = client.get(page).content.decode()
    assert "Nei, jeg vil ikke ha dem der" in seen
    assert "Jeg vil prøve å si det selv først." in seen
    assert 'value="guardians_decide"' in seen
    refused = client.post(page, {"action": "guardians_decide", "come": "yes"}, follow=True)
    assert refused.status_code == 200
    assert GuardiansQuestion.objects.get(meeting=meeting).decided_at is None
    client.post(page, {"action": "guardians_decide", "come": "yes", "reason": "Viktig møte."})
    client.force_login(demo["jonas"])
    read = client.get(page).content.decode()
    assert "De foresatte kommer." in read
    assert "Viktig møte." in read


def test_the_young_person_answers_on_the_meeting_page(young_team, client):
    meeting = plan_meeting(young_team)
    client.force_login(young_team.youth)
    page = f"/meetings/{meeting.pk}/"
    assert 'value="guardians_wish"' in client.get(page).content.decode()
    client.post(page, {"action": "guardians_wish", "wish": "either", "why": ""})
    assert GuardiansQuestion.objects.get(meeting=meeting).wish == "either"
    client.post(page, {"action": "guardians_wish", "wish": "sometimes"})
    assert GuardiansQuestion.objects.get(meeting=meeting).wish == "either"


def test_the_decision_invites_the_guardians_or_takes_their_invitation_back(young_team):
    from meetings.models import Attendance

    meeting = plan_meeting(young_team)
    youth, mother = as_user(young_team.youth), as_user(young_team.mother)
    assert youth.post(url(meeting, "wish/"), {"wish": "yes"}, format="json").status_code == 200
    sequence = Meeting.objects.get(pk=meeting.pk).sequence

    assert mother.post(url(meeting, "decision/"), {"come": True}, format="json").status_code == 200
    attendance = Attendance.objects.get(meeting=meeting, user=young_team.mother)
    assert attendance.decision is True and attendance.invited_at is not None
    invited = Notification.objects.filter(
        kind=notifications.MEETING_INVITED.key, recipient=young_team.mother
    )
    assert invited.count() == 1
    assert Meeting.objects.get(pk=meeting.pk).sequence == sequence + 1
    shown = mother.get(f"/api/v1/meetings/{meeting.pk}/attendance/").json()
    rows = shown["results"] if isinstance(shown, dict) else shown
    assert young_team.mother.pk in [row["user"]["id"] for row in rows if row["invited_at"]]

    # Deciding the same again invites nobody twice; against her wish it takes it back
    assert mother.post(url(meeting, "decision/"), {"come": True}, format="json").status_code == 200
    assert invited.count() == 1
    response = mother.post(
        url(meeting, "decision/"), {"come": False, "reason": "Jeg er syk."}, format="json"
    )
    assert response.status_code == 200
    attendance.refresh_from_db()
    assert attendance.decision is False and attendance.invited_at is None
    assert Meeting.objects.get(pk=meeting.pk).sequence == sequence + 2
