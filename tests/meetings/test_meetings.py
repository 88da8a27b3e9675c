"""Planning a meeting and who is in the room: the youth's choice is what invitations follow."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cases.models import Participant
from coordination.models import Notification
from meetings import notifications as meetings_notifications
from meetings.models import Attendance, Meeting
from meetings.selectors import access_meeting, meetings_visible
from meetings.services import (
    attendance_choose,
    attendance_propose,
    meeting_create,
    meeting_update,
    suggested_kind,
)
from tests.factories import CaseFactory, ParticipantFactory

from .helpers import decided_meeting, hold, plan_meeting


def invitations(user):
    return Notification.objects.filter(
        recipient=user, kind=meetings_notifications.MEETING_INVITED.key
    )


def test_first_meeting_is_suggested_as_start_meeting(team):
    # Given a case without meetings, the suggestion is a start meeting
    assert suggested_kind(case=team.case) == Meeting.Kind.START
    # When the first one is planned without a kind, then it is a start meeting
    first = plan_meeting(team)
    assert first.kind == Meeting.Kind.START
    # and the next one is suggested as a follow-up
    assert plan_meeting(team).kind == Meeting.Kind.FOLLOW_UP


def test_only_the_coordinator_plans_or_a_helper_when_there_is_none(team):
    # Given a case with an ungdomshjelper, a helper may not plan a meeting
    with pytest.raises(PermissionDenied):
        meeting_create(
            case=team.case,
            actor=team.nurse,
            title="Møte",
            starts_at=timezone.now() + timedelta(days=2),
            place="Rom 1",
        )
    # Given a case without one, a helper may
    other = CaseFactory()
    helper = ParticipantFactory(case=other).user
    meeting = meeting_create(
        case=other,
        actor=helper,
        title="Møte",
        starts_at=timezone.now() + timedelta(days=2),
        video_link="https://video.example.test/rom",
    )
    assert meeting.organiser == helper
    # and a guardian never does
    guardian = ParticipantFactory(case=other, role=Participant.Role.GUARDIAN, service=None).user
    with pytest.raises(PermissionDenied):
        meeting_create(
            case=other, actor=guardian, title="M", starts_at=meeting.starts_at, place="Rom"
        )


def test_bad_meeting_input_is_refused_and_nothing_stored(team):
    # A naive time, no place and no video link, and someone not on the case: 400 each
    with pytest.raises(ValidationError):
        meeting_create(
            case=team.case,
            actor=team.coordinator,
            title="M",
            starts_at=datetime(2030, 1, 1, 12, 0),
            place="Rom",
        )
    with pytest.raises(ValidationError):
        meeting_create(
            case=team.case,
            actor=team.coordinator,
            title="M",
            starts_at=timezone.now() + timedelta(days=1),
        )
    with pytest.raises(ValidationError) as error:
        plan_meeting(team, attendees=[team.nurse, team.outsider])
    assert "attendees" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_inviting_someone_not_on_the_case_is_400(team):
    meeting = plan_meeting(team)
    with pytest.raises(ValidationError):
        attendance_propose(meeting=meeting, actor=team.coordinator, users=[team.outsider])
    assert not Attendance.objects.filter(user=team.outsider).exists()


def test_nobody_is_invited_before_the_youth_chooses(team):
    # Given a planned meeting with three people proposed
    meeting = plan_meeting(team)
    # Then nobody has an invitation, and the proposed helpers cannot see it yet
    assert not Notification.objects.filter(kind=meetings_notifications.MEETING_INVITED.key).exists()
    with pytest.raises(Http404):
        access_meeting(user=team.nurse, meeting_id=meeting.pk)
    assert access_meeting(user=team.youth, meeting_id=meeting.pk) == meeting


def test_youth_chooses_mother_does_not_come(team):
    # Given a planned meeting where the mother, nurse and teacher are proposed
    meeting = plan_meeting(team)
    # When Sara ticks the nurse and the teacher only
    invited = attendance_choose(
        meeting=meeting, actor=team.youth, coming=[team.nurse.pk, team.teacher.pk]
    )
    # Then invitations go to those two, not to the mother
    assert invited is True
    assert invitations(team.nurse).count() == 1
    assert invitations(team.teacher).count() == 1
    assert invitations(team.mother).count() == 0
    mother = Attendance.objects.get(meeting=meeting, user=team.mother)
    assert mother.decision is False and mother.invited_at is None
    # and the mother (a guardian of a 16-year-old) cannot see the meeting
    with pytest.raises(Http404):
        access_meeting(user=team.mother, meeting_id=meeting.pk)
    assert access_meeting(user=team.nurse, meeting_id=meeting.pk) == meeting
    # and BUP, not proposed, cannot either
    assert not meetings_visible(user=team.bup).exists()


def test_youth_can_be_represented(team):
    meeting = plan_meeting(team, attendees=[team.nurse])
    with pytest.raises(ValidationError):
        attendance_choose(
            meeting=meeting, actor=team.youth, coming=[], youth_presence="represented"
        )
    attendance_choose(
        meeting=meeting,
        actor=team.youth,
        coming=[team.nurse.pk],
        youth_presence="represented",
        representative=team.bup,
    )
    meeting.refresh_from_db()
    assert meeting.representative == team.bup
    assert invitations(team.bup).count() == 1


def test_others_cannot_choose_and_unproposed_people_are_400(team):
    meeting = plan_meeting(team)
    with pytest.raises(PermissionDenied):
        attendance_choose(meeting=meeting, actor=team.coordinator, coming=[team.nurse.pk])
    with pytest.raises(PermissionDenied):
        attendance_choose(meeting=meeting, actor=team.mother, coming=[team.nurse.pk])
    with pytest.raises(ValidationError):
        attendance_choose(meeting=meeting, actor=team.youth, coming=[team.outsider.pk])


def test_younger_child_wishes_and_guardian_decides(young_team):
    team = young_team
    meeting = plan_meeting(team)
    # The guardian (consent authority for a 13-year-old) can see the meeting to decide
    assert access_meeting(user=team.mother, meeting_id=meeting.pk) == meeting
    # When the youth says who they want, it is recorded, and nobody is invited yet
    assert attendance_choose(meeting=meeting, actor=team.youth, coming=[team.nurse.pk]) is False
    assert not Notification.objects.filter(kind=meetings_notifications.MEETING_INVITED.key).exists()
    # When the mother decides, invitations follow her decision, with the wish kept next to it
    assert (
        attendance_choose(
            meeting=meeting, actor=team.mother, coming=[team.nurse.pk, team.teacher.pk]
        )
        is True
    )
    teacher = Attendance.objects.get(meeting=meeting, user=team.teacher)
    assert teacher.youth_wish is False and teacher.decision is True
    assert invitations(team.teacher).count() == 1


def test_a_change_notifies_everyone_invited(team):
    meeting = decided_meeting(team)
    meeting_update(
        meeting=meeting, actor=team.coordinator, starts_at=meeting.starts_at + timedelta(hours=1)
    )
    # ... told as a change, not as a second invitation
    changes = Notification.objects.filter(kind=meetings_notifications.MEETING_CHANGED.key)
    assert invitations(team.nurse).count() == 1
    assert changes.filter(recipient=team.nurse).count() == 1
    assert invitations(team.youth).count() == 0
    assert changes.filter(recipient=team.youth).count() == 1
    assert invitations(team.mother).count() == 0
    assert changes.filter(recipient=team.mother).count() == 0
    meeting.refresh_from_db()
    assert meeting.sequence == 2
    with pytest.raises(PermissionDenied):
        meeting_update(meeting=meeting, actor=team.nurse, place="Annet rom")


def test_a_meeting_on_someone_elses_case_is_404(team):
    meeting = plan_meeting(team)
    with pytest.raises(Http404):
        access_meeting(user=team.outsider, meeting_id=meeting.pk)


def test_only_the_organiser_cancels_and_not_twice(team):
    from coordination.errors import StateConflict
    from meetings.services import meeting_cancel

    meeting = decided_meeting(team)
    with pytest.raises(PermissionDenied):
        meeting_cancel(meeting=meeting, actor=team.youth)
    meeting_cancel(meeting=meeting, actor=team.coordinator)
    with pytest.raises(StateConflict):
        meeting_cancel(meeting=meeting, actor=team.coordinator)
    held = hold(decided_meeting(team), team.coordinator)
    with pytest.raises(StateConflict):
        meeting_cancel(meeting=held, actor=team.coordinator)
