"""A meeting's states are enforced in the service (issue #11 item 10): it is marked held once,
only once it has begun; a held or cancelled meeting is no longer changed (409, nothing sent),
and the meeting page offers only what works."""

import pytest

from coordination.models import Notification
from meetings import notifications as meetings_notifications
from meetings.models import Meeting
from meetings.services import meeting_cancel

from .helpers import as_user, decided_meeting, hold, started

pytestmark = pytest.mark.django_db


def invitations() -> int:
    """Invitations and the notices of a change or a cancellation that follow them."""
    kinds = [
        meetings_notifications.MEETING_INVITED.key,
        meetings_notifications.MEETING_CHANGED.key,
        meetings_notifications.MEETING_CANCELLED.key,
    ]
    return Notification.objects.filter(kind__in=kinds).count()


def test_a_held_meeting_cannot_be_edited_and_nobody_is_invited_again(team):
    # Given a meeting that was held
    meeting = hold(decided_meeting(team), team.coordinator)
    sent, sequence = invitations(), meeting.sequence
    # When the organiser moves it
    response = as_user(team.coordinator).patch(
        f"/api/v1/meetings/{meeting.pk}/", {"place": "Et annet rom"}, format="json"
    )
    # Then it is a 409 and nothing changes or is sent
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence, invitations()) == ("Møterom 2", sequence, sent)


def test_a_meeting_is_not_marked_held_before_it_begins(team):
    # Given a meeting next week
    meeting = decided_meeting(team)
    # When the organiser marks it held now
    response = as_user(team.coordinator).post(f"/api/v1/meetings/{meeting.pk}/held/")
    # Then it is a 409 saying why, and it is not held
    assert response.status_code == 409
    assert "begun" in response.json()["detail"] or "begynt" in response.json()["detail"]
    assert Meeting.objects.get(pk=meeting.pk).held_at is None


def test_a_meeting_is_held_once(team):
    meeting = started(decided_meeting(team))
    client = as_user(team.coordinator)
    assert client.post(f"/api/v1/meetings/{meeting.pk}/held/").status_code == 200
    held_at = Meeting.objects.get(pk=meeting.pk).held_at
    assert client.post(f"/api/v1/meetings/{meeting.pk}/held/").status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).held_at == held_at


@pytest.mark.parametrize("state", ["held", "cancelled"])
def test_a_held_or_cancelled_meeting_takes_no_more_changes(team, state):
    # Given a held or a cancelled meeting
    meeting = decided_meeting(team)
    if state == "held":
        hold(meeting, team.coordinator)
    else:
        meeting_cancel(meeting=meeting, actor=team.coordinator)
    sent = invitations()
    coordinator, youth = as_user(team.coordinator), as_user(team.youth)
    url = f"/api/v1/meetings/{meeting.pk}"
    # Then proposals, choices, agenda topics and sending the agenda out are 409s
    assert (
        coordinator.post(f"{url}/proposals/", {"users": [team.bup.pk]}, format="json").status_code
        == 409
    )
    choice = {"coming": [team.nurse.pk, team.mother.pk], "youth_presence": "attends"}
    assert youth.post(f"{url}/attendance/", choice, format="json").status_code == 409
    assert youth.post(f"{url}/agenda/", {"title": "Fritid"}, format="json").status_code == 409
    assert coordinator.post(f"{url}/agenda/publish/").status_code == 409
    assert coordinator.post(f"{url}/held/").status_code == 409
    assert invitations() == sent


def test_the_meeting_page_offers_only_what_works(team, client):
    meeting = decided_meeting(team)
    client.force_login(team.coordinator)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    # Before it begins: no "held" button, but planning and cancelling are there
    assert 'value="held"' not in page
    assert 'value="propose"' in page and 'value="cancel"' in page
    # Once held: nothing that changes the meeting
    hold(meeting, team.coordinator)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    for action in ("held", "cancel", "propose", "agenda_add", "agenda_publish"):
        assert f'value="{action}"' not in page, action
