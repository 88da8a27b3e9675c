"""Issue #12 item 8, minutes: the young person approves the version they read, and a save names
the version it started from; a newer one is never overwritten or approved unseen: 409 with both
versions, nothing written (API), a message and nothing written (page)."""

import re

import pytest
from django.test import Client

from coordination.errors import VersionConflict
from meetings.models import Minutes, MinutesVersion
from meetings.services import minutes_save, minutes_submit
from tests.consent.test_races import race

from .conftest import build_team
from .helpers import as_user, decided_meeting, hold


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_review(team):
    """Minutes at version 1, sent to the young person."""
    meeting = decided_meeting(team)
    hold(meeting, team.coordinator)
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="Versjon en.")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    return meeting, minutes


def resent(team, meeting, minutes) -> None:
    """The organiser saves version 2 and sends it again."""
    minutes_save(meeting=meeting, actor=team.coordinator, summary="Versjon to.", version=1)
    minutes_submit(minutes=minutes, actor=team.coordinator)


@pytest.mark.django_db
def test_approving_the_version_read_works_and_one_not_read_is_409_with_both(team):
    meeting, minutes = in_review(team)
    url = f"/api/v1/meetings/{meeting.pk}/minutes/approve/"
    # Given the youth read version 1, and the organiser sent version 2 meanwhile
    resent(team, meeting, minutes)
    # When the youth approves version 1: 409, both versions, nothing approved
    response = as_user(team.youth).post(url, {"version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["yours"] == 1 and response.json()["current"] == 2
    assert response.json()["detail"]
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.IN_REVIEW and minutes.approved_version is None
    # When they approve the version they now read: approved, that version
    response = as_user(team.youth).post(url, {"version": 2}, format="json")
    assert response.status_code == 200 and response.json()["approved_version"] == 2


@pytest.mark.django_db
def test_the_page_approves_only_the_version_it_showed(team):
    meeting, minutes = in_review(team)
    url = f"/meetings/{meeting.pk}/minutes/"
    youth = client_for(team.youth)
    shown = re.search(r'name="version" value="(\d+)"', youth.get(url).content.decode())
    assert shown and shown.group(1) == "1"
    resent(team, meeting, minutes)
    response = youth.post(url, {"action": "approve", "version": shown.group(1)}, follow=True)
    assert "versjon 1" in response.content.decode() or "version 1" in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.approved_version is None
    # A form without the version approves nothing either (the page always sends it)
    youth.post(url, {"action": "approve"})
    minutes.refresh_from_db()
    assert minutes.approved_version is None
    youth.post(url, {"action": "approve", "version": "2"})
    minutes.refresh_from_db()
    assert minutes.approved_version.number == 2


@pytest.mark.django_db
def test_a_save_on_top_of_a_newer_version_is_409_and_saves_nothing(team):
    meeting, minutes = in_review(team)
    url = f"/api/v1/meetings/{meeting.pk}/minutes/"
    organiser = as_user(team.coordinator)
    saved = organiser.put(url, {"summary": "Fra en.", "version": 1}, format="json")
    assert saved.status_code == 200
    # A second writer who also started from version 1
    response = organiser.put(url, {"summary": "Også fra en.", "version": 1}, format="json")
    assert response.status_code == 409
    assert (response.json()["yours"], response.json()["current"]) == (1, 2)
    summaries = MinutesVersion.objects.filter(minutes=minutes).values_list("summary", flat=True)
    assert list(summaries) == ["Versjon en.", "Fra en."]
    # The page's form carries the version it showed
    page = client_for(team.coordinator)
    page.post(
        f"/meetings/{meeting.pk}/minutes/",
        {"action": "save", "summary": "Fra siden.", "decisions": "", "version": "1"},
    )
    assert MinutesVersion.objects.filter(minutes=minutes).count() == 2
    # A client that names no version writes as before
    assert organiser.put(url, {"summary": "Uten versjon."}, format="json").status_code == 200
    assert MinutesVersion.objects.filter(minutes=minutes).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_saves_started_from_the_same_version_race_and_one_is_refused():
    team = build_team()
    meeting, minutes = in_review(team)

    def second():
        try:
            minutes_save(meeting=meeting, actor=team.coordinator, summary="B.", version=1)
        except VersionConflict as conflict:
            return (conflict.yours, conflict.current)
        return "saved"

    # The first save holds the case lock while the second, from the same version, waits on it
    outcome = race(
        meeting.case_id,
        lambda: minutes_save(meeting=meeting, actor=team.coordinator, summary="A.", version=1),
        second,
    )
    assert outcome == (1, 2)
    summaries = MinutesVersion.objects.filter(minutes=minutes).values_list("summary", flat=True)
    assert list(summaries) == ["Versjon en.", "A."]
