"""Issue #12 item 1: who sees draft minutes (sees_minutes_drafts) and which guardians see
meetings (consent.policy through youth_decides_q) are one rule each, for page, API and SQL."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consent.policy import born_by
from consent.services import consent_request_approve
from coordination.models import User
from meetings.selectors import meetings_visible
from meetings.services import (
    minutes_approve,
    minutes_comment,
    minutes_distribute,
    minutes_save,
    minutes_submit,
)

from .conftest import build_team
from .helpers import as_user, decided_meeting, hold, plan_meeting

pytestmark = pytest.mark.django_db


def page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_drafts_and_comments_are_for_the_youth_and_the_organiser_on_page_and_api(team):
    # Given minutes corrected once (two versions, a comment), approved and sent to the nurse
    meeting = decided_meeting(team)
    hold(meeting, team.coordinator)
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="Utkast en.")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    minutes_comment(minutes=minutes, actor=team.youth, text="Feil dato.", is_correction=True)
    minutes_save(meeting=meeting, actor=team.coordinator, summary="Endelig tekst.")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    minutes_approve(minutes=minutes, actor=team.youth)
    result = minutes_distribute(minutes=minutes, actor=team.coordinator, recipients=[team.nurse])
    consent_request_approve(consent_request=result.consent_request, actor=team.youth)
    path = f"/meetings/{meeting.pk}/minutes/"
    for user, sees_drafts in ((team.youth, True), (team.coordinator, True), (team.nurse, False)):
        # Then the API and the page show the drafts and the comments to the same people
        body = as_user(user).get(f"/api/v1/meetings/{meeting.pk}/minutes/").json()
        assert [v["number"] for v in body["versions"]] == ([1, 2] if sees_drafts else [2])
        assert bool(body["comments"]) is sees_drafts
        html = page(user, path)
        assert ('id="history-heading"' in html) is sees_drafts
        assert ("Utkast en." in html) is sees_drafts
        assert "Endelig tekst." in html


@pytest.mark.parametrize(
    ("birth", "guardian_sees"),
    [
        (lambda today: born_by(today=today, years=16) + timedelta(days=1), True),
        (lambda today: born_by(today=today, years=16), False),
        (lambda today: None, True),
    ],
    ids=["16-tomorrow", "16-today", "unknown-birth-date"],
)
def test_a_guardian_sees_meetings_exactly_while_guardians_decide_who_comes(birth, guardian_sees):
    team = build_team()
    User.objects.filter(pk=team.youth.pk).update(birth_date=birth(timezone.localdate()))
    meeting = plan_meeting(team, attendees=[team.nurse])
    assert meetings_visible(user=team.mother).filter(pk=meeting.pk).exists() is guardian_sees
    response = as_user(team.mother).get(f"/api/v1/meetings/{meeting.pk}/")
    assert response.status_code == (200 if guardian_sees else 404)
