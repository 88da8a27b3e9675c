"""Minutes: drafted, reviewed and corrected by the youth, approved, then distributed through the
share path to whom the consent authority approves."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Entry
from cases.selectors import access_entry
from consent.models import ConsentRequest, Disclosure
from consent.selectors import who_knows_what
from consent.services import consent_request_approve
from coordination.errors import StateConflict
from coordination.models import Notification
from meetings import notifications as meetings_notifications
from meetings.models import Minutes
from meetings.selectors import access_minutes
from meetings.services import (
    minutes_approve,
    minutes_comment,
    minutes_distribute,
    minutes_save,
    minutes_submit,
)

from .helpers import approved_minutes, decided_meeting, hold


def test_minutes_wait_for_the_meeting_to_be_held(team):
    meeting = decided_meeting(team)
    with pytest.raises(StateConflict):
        minutes_save(meeting=meeting, actor=team.coordinator, summary="Tidlig")


def test_review_corrections_are_versioned_and_stay_visible(team):
    # Given a held meeting with a draft sent to the youth
    meeting = decided_meeting(team)
    hold(meeting, team.coordinator)
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="Sara er lat.")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    assert Notification.objects.filter(
        recipient=team.youth, kind=meetings_notifications.MINUTES_FOR_REVIEW.key
    ).exists()
    # When Sara asks for a correction
    minutes_comment(
        minutes=minutes, actor=team.youth, text="Jeg er sliten, ikke lat.", is_correction=True
    )
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.CORRECTIONS
    assert Notification.objects.filter(
        recipient=team.coordinator, kind=meetings_notifications.MINUTES_FOR_REVIEW.key
    ).exists()
    # she cannot approve until a new version is sent
    with pytest.raises(StateConflict):
        minutes_approve(minutes=minutes, actor=team.youth)
    # When the coordinator corrects and resubmits, and Sara approves
    minutes_save(meeting=meeting, actor=team.coordinator, summary="Sara er sliten.")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    minutes_approve(minutes=minutes, actor=team.youth)
    minutes.refresh_from_db()
    # Then both versions and her correction are kept, and version 2 is the approved one
    assert [v.summary for v in minutes.versions.all()] == ["Sara er lat.", "Sara er sliten."]
    assert minutes.approved_version.number == 2
    assert minutes.comments.get().version.number == 1
    # and approved minutes are final
    with pytest.raises(StateConflict):
        minutes_save(meeting=meeting, actor=team.coordinator, summary="Endret")


def test_only_the_youth_reviews_and_only_the_organiser_drafts(team):
    meeting = decided_meeting(team)
    hold(meeting, team.coordinator)
    with pytest.raises(PermissionDenied):
        minutes_save(meeting=meeting, actor=team.nurse, summary="x")
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="x")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    with pytest.raises(PermissionDenied):
        minutes_approve(minutes=minutes, actor=team.coordinator)
    with pytest.raises(PermissionDenied):
        minutes_comment(minutes=minutes, actor=team.mother, text="Nei")


def test_distributing_unapproved_minutes_is_409_and_nothing_is_shared(team):
    meeting = decided_meeting(team)
    hold(meeting, team.coordinator)
    minutes = minutes_save(meeting=meeting, actor=team.coordinator, summary="Utkast")
    minutes_submit(minutes=minutes, actor=team.coordinator)
    with pytest.raises(StateConflict, match="ikke godkjent"):
        minutes_distribute(minutes=minutes, actor=team.coordinator, recipients=[team.nurse])
    assert not Entry.objects.filter(kind=Entry.Kind.MINUTES).exists()
    assert not Disclosure.objects.exists()
    assert not ConsentRequest.objects.exists()


def test_minutes_of_a_meeting_with_the_longest_title_can_be_sent_out(team, settings):
    # Given approved minutes of a meeting whose title is as long as an entry title may be
    meeting = decided_meeting(team)
    meeting.title = "M" * settings.SAMMEN_ENTRY_TITLE_MAX_CHARS
    meeting.save(update_fields=["title"])
    minutes = approved_minutes(team, meeting)
    # When they are sent out, the prefixed title is shortened instead of refused
    minutes_distribute(minutes=minutes, actor=team.coordinator, recipients=[team.nurse])
    title = Entry.objects.get(kind=Entry.Kind.MINUTES).title
    assert len(title) == settings.SAMMEN_ENTRY_TITLE_MAX_CHARS
    assert title.endswith("…")


def test_distribution_goes_through_the_share_path(team):
    # Given minutes the youth approved
    minutes = approved_minutes(team)
    # When the coordinator sends them to the nurse and the teacher
    result = minutes_distribute(
        minutes=minutes, actor=team.coordinator, recipients=[team.nurse, team.teacher]
    )
    # Then no standing rule covers them: the consent authority (Sara, 16) is asked
    assert result.status == "consent_requested"
    assert list(result.consent_request.deciders.all()) == [team.youth]
    entry = Entry.objects.get(kind=Entry.Kind.MINUTES)
    with pytest.raises(Http404):
        access_entry(user=team.nurse, entry_id=entry.pk)
    # When Sara approves, both receive the minutes entry, BUP does not
    consent_request_approve(consent_request=result.consent_request, actor=team.youth)
    assert access_entry(user=team.nurse, entry_id=entry.pk) == entry
    assert access_entry(user=team.teacher, entry_id=entry.pk) == entry
    with pytest.raises(Http404):
        access_entry(user=team.bup, entry_id=entry.pk)
    # and who-knows-what shows the distribution
    knows = {p.user.pk: [k.entry.pk for k in p.entries] for p in who_knows_what(case=team.case)}
    assert entry.pk in knows[team.nurse.pk] and entry.pk in knows[team.teacher.pk]
    assert entry.pk not in knows[team.bup.pk]
    # and the minutes page opens for the recipients only
    assert access_minutes(user=team.nurse, meeting_id=minutes.meeting_id) == minutes
    with pytest.raises(Http404):
        access_minutes(user=team.bup, meeting_id=minutes.meeting_id)
    # and sending them again is a conflict
    with pytest.raises(StateConflict):
        minutes_distribute(minutes=minutes, actor=team.coordinator, recipients=[team.bup])


def test_a_helper_not_in_the_room_without_disclosure_cannot_open_minutes(team):
    minutes = approved_minutes(team)
    # BUP was not proposed or invited and has no disclosure
    with pytest.raises(Http404):
        access_minutes(user=team.bup, meeting_id=minutes.meeting_id)
    with pytest.raises(Http404):
        access_minutes(user=team.outsider, meeting_id=minutes.meeting_id)
    assert access_minutes(user=team.youth, meeting_id=minutes.meeting_id) == minutes


def test_reading_distributed_minutes_is_recorded_and_recipients_see_only_the_final(team):
    from cases.models import AccessEvent
    from consent.services import consent_request_approve

    from .helpers import as_user

    minutes = approved_minutes(team)
    result = minutes_distribute(minutes=minutes, actor=team.coordinator, recipients=[team.nurse])
    consent_request_approve(consent_request=result.consent_request, actor=team.youth)
    body = as_user(team.nurse).get(f"/api/v1/meetings/{minutes.meeting_id}/minutes/").json()
    assert [v["number"] for v in body["versions"]] == [1] and body["comments"] == []
    minutes.refresh_from_db()
    assert AccessEvent.objects.filter(entry=minutes.entry, user=team.nurse, via="api").exists()


def test_a_form_sent_from_the_minutes_page_records_no_reading(team):
    # One write per POST: the reading is recorded when the page is shown, not again by a form
    from django.test import Client

    from cases.models import AccessEvent

    minutes = approved_minutes(team)
    minutes_distribute(minutes=minutes, actor=team.coordinator, recipients=[team.nurse])
    minutes.refresh_from_db()
    page = Client()
    page.force_login(team.coordinator)
    url = f"/meetings/{minutes.meeting_id}/minutes/"
    response = page.post(url, {"action": "save", "summary": "Etterpå"})
    assert response.status_code == 302
    assert not AccessEvent.objects.filter(entry=minutes.entry).exists()
    assert page.get(url).status_code == 200
    assert AccessEvent.objects.filter(entry=minutes.entry, user=team.coordinator).count() == 1
