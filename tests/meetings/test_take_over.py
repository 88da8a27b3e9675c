"""When the organiser leaves the case (the young person chose another ungdomshjelper), the new
ungdomshjelper takes over the upcoming meetings; nobody else does, and held meetings stay with
whoever ran them."""

import pytest
from django.test import Client

from coordination.models import AuditEvent
from meetings.models import Meeting
from voice.services import ungdomshjelper_change_ask, ungdomshjelper_choose

from .helpers import as_user, decided_meeting, hold, plan_meeting

pytestmark = pytest.mark.django_db


def replace_coordinator(team, new):
    """The young person asks for another ungdomshjelper and chooses `new`; the coordinator (no
    service) leaves the case."""
    ungdomshjelper_change_ask(case=team.case, actor=team.youth)
    ungdomshjelper_choose(case=team.case, actor=team.youth, chosen=new)


def take_over(user, meeting):
    return as_user(user).post(f"/api/v1/meetings/{meeting.pk}/take-over/")


def test_the_new_ungdomshjelper_takes_over_an_upcoming_meeting(team):
    meeting = decided_meeting(team)
    # while the organiser is on the case, there is nothing to take over
    assert take_over(team.nurse, meeting).status_code == 403
    # when Sara chooses the nurse instead of her coordinator
    replace_coordinator(team, team.nurse)
    # then the coordinator no longer sees the meeting, and the nurse may take it over
    assert take_over(team.coordinator, meeting).status_code == 404
    page = Client()
    page.force_login(team.nurse)
    assert "Overta møtet" in page.get(f"/meetings/{meeting.pk}/").content.decode()
    overview = as_user(team.nurse).get("/api/v1/ungdomshjelper/cases/").json()["results"][0]
    assert {
        "kind": "meeting_take_over",
        "count": 1,
        "url": f"/meetings/{meeting.pk}/",
    }.items() <= next(
        i for i in overview["needs_action"] if i["kind"] == "meeting_take_over"
    ).items()
    response = take_over(team.nurse, meeting)
    assert response.status_code == 200
    assert response.json()["organiser"]["id"] == team.nurse.pk
    meeting.refresh_from_db()
    assert meeting.organiser == team.nurse
    assert AuditEvent.objects.filter(action="meeting.taken_over").count() == 1
    # and now runs it: she can cancel it; taking it over again is a conflict
    assert take_over(team.nurse, meeting).status_code == 409
    assert as_user(team.nurse).post(f"/api/v1/meetings/{meeting.pk}/cancel/").status_code == 200


def test_only_whoever_may_organise_takes_over(team):
    meeting = decided_meeting(team)
    replace_coordinator(team, team.nurse)
    # the teacher (invited, a helper, but not the ungdomshjelper) and the young person: 403
    assert take_over(team.teacher, meeting).status_code == 403
    assert take_over(team.youth, meeting).status_code == 403
    page = Client()
    page.force_login(team.teacher)
    assert "Overta møtet" not in page.get(f"/meetings/{meeting.pk}/").content.decode()
    # someone not on the case: 404, as for a meeting that does not exist
    assert take_over(team.outsider, meeting).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).organiser == team.coordinator


def test_a_held_meeting_is_not_handed_over(team):
    meeting = plan_meeting(team)
    hold(meeting, team.coordinator)
    replace_coordinator(team, team.nurse)
    response = take_over(team.nurse, meeting)
    assert response.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).organiser == team.coordinator
