"""iCalendar: one meeting's .ics and a personal feed behind a secret that can be reset."""

import icalendar
from django.test import Client

from meetings.services import calendar_feed_for, calendar_feed_reset

from .helpers import decided_meeting, plan_meeting


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_meeting_ics_parses_and_is_404_for_others(team):
    meeting = decided_meeting(team)
    response = logged_in(team.nurse).get(f"/meetings/{meeting.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == meeting.title
    assert event.decoded("dtstart") == meeting.starts_at
    assert str(event["location"]) == "Møterom 2"
    assert logged_in(team.bup).get(f"/meetings/{meeting.pk}.ics").status_code == 404
    assert logged_in(team.mother).get(f"/meetings/{meeting.pk}.ics").status_code == 404


def test_personal_feed_follows_invitations_and_reset_token_is_404(team, client):
    invited = decided_meeting(team, title="Invitert")
    plan_meeting(team, title="Ikke avgjort ennå")
    feed = calendar_feed_for(user=team.nurse)
    # The feed needs no login: the token is the secret
    response = client.get(f"/meetings/calendar/{feed.token}.ics")
    assert response.status_code == 200
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [invited.title]
    # A wrong token and a reset one are 404
    assert client.get("/meetings/calendar/wrong-token.ics").status_code == 404
    old = feed.token
    calendar_feed_reset(user=team.nurse)
    assert client.get(f"/meetings/calendar/{old}.ics").status_code == 404
    new = calendar_feed_for(user=team.nurse).token
    assert client.get(f"/meetings/calendar/{new}.ics").status_code == 200


def test_cancelled_meeting_stays_in_the_feed_marked_cancelled(team, client):
    from coordination.models import Notification
    from meetings.services import meeting_cancel

    meeting = decided_meeting(team)
    feed = calendar_feed_for(user=team.teacher)
    meeting_cancel(meeting=meeting, actor=team.coordinator)
    (event,) = icalendar.Calendar.from_ical(
        client.get(f"/meetings/calendar/{feed.token}.ics").content
    ).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 2
    told = Notification.objects.filter(recipient=team.teacher)
    assert told.filter(kind="meeting_invited").count() == 1
    assert told.filter(kind="meeting_cancelled").count() == 1
    assert Notification.objects.filter(recipient=team.mother).count() == 0
