"""Evaluation after the meeting: anonymous if wanted, results only from five answers."""

import pytest
from django.core.exceptions import PermissionDenied

from coordination.errors import StateConflict
from meetings.models import Evaluation
from meetings.selectors import evaluation_for_meeting, evaluation_over_time
from meetings.services import attendance_propose, evaluation_submit
from tests.factories import ParticipantFactory

from .helpers import decided_meeting, hold


def answer(meeting, user, value=2, **kwargs):
    return evaluation_submit(
        meeting=meeting, actor=user, heard=value, understood=value, useful=value, **kwargs
    )


def test_evaluation_opens_after_the_meeting_for_the_invited_only(team):
    meeting = decided_meeting(team)
    with pytest.raises(StateConflict):
        answer(meeting, team.youth)
    meeting = hold(meeting, team.coordinator)
    with pytest.raises(PermissionDenied):
        answer(meeting, team.bup)
    answer(meeting, team.nurse)
    with pytest.raises(StateConflict):
        answer(meeting, team.nurse)


def test_anonymous_answer_keeps_no_person_and_only_the_week(team):
    meeting = hold(decided_meeting(team), team.coordinator)
    evaluation = answer(meeting, team.youth, anonymous=True, comment="Ble hørt")
    evaluation.refresh_from_db()
    assert evaluation.respondent_id is None
    assert evaluation.week.weekday() == 0
    assert [f.name for f in Evaluation._meta.get_fields() if "created" in f.name] == []


def test_results_hidden_below_five_answers(team):
    meeting = decided_meeting(team)
    extra = [ParticipantFactory(case=team.case).user for _ in range(3)]
    attendance_propose(meeting=meeting, actor=team.coordinator, users=extra)
    from meetings.services import attendance_choose

    attendance_choose(
        meeting=meeting,
        actor=team.youth,
        coming=[team.nurse.pk, team.teacher.pk] + [u.pk for u in extra],
    )
    meeting = hold(meeting, team.coordinator)
    for person in [team.youth, team.nurse, team.teacher, extra[0]]:
        answer(meeting, person, value=2, comment="Bra")
    summary = evaluation_for_meeting(meeting=meeting)
    assert summary.hidden and summary.answers == 4 and summary.comments == []
    answer(meeting, extra[1], value=0, anonymous=True)
    summary = evaluation_for_meeting(meeting=meeting)
    assert not summary.hidden
    assert (summary.heard, summary.useful) == (80, 80)
    assert summary.comments == ["Bra"] * 4
    (month,) = evaluation_over_time(organiser=team.coordinator)
    assert month.answers == 5 and month.heard == 80
