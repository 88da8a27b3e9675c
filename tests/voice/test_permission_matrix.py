"""Every endpoint of the young person's voice x every demo persona: the status each one gets.

The world, on Jonas's case: Jonas's message to his teacher; a correction Jonas proposed to the
teacher's note on his absence, which the nurse received (with his father's consent) and so may
open, but whose remarks and earlier texts are Jonas' and the teacher's only; Jonas's plan with
one goal and one step (not shared); the child-welfare visit withheld from Jonas. 404 means "not
yours to see", 403 "you see it but may not do it". One world serves every row (each request is
rolled back), to keep the suite fast.
"""

import pytest
from django.db import transaction

from cases.models import Entry, Participant
from cases.services import entry_withhold
from consent.services import consent_request_approve, participant_remove, share
from tests.consent.helpers import as_user
from tests.consent.test_permission_matrix import PERSONAS, fill, matrix_statuses, statuses
from voice.plan import goal_add, step_add
from voice.services import message_send, remark_create

pytestmark = pytest.mark.django_db

JONAS_TEAM = {"jonas", "far", "barnevern", "laerer", "helsesykepleier"}


def jonas_team(status: int, **overrides: int) -> dict[str, int]:
    return {p: overrides.get(p, status if p in JONAS_TEAM else 404) for p in PERSONAS}


def build(demo) -> dict[str, object]:
    case, jonas, teacher = demo.jonas_case, demo["jonas"], demo["laerer"]
    message = message_send(case=case, author=jonas, body="Hei", recipients=[teacher])
    math = Entry.objects.get(case=case, title="Fravær i matematikk")
    asked = share(entry=math, recipients=[demo["helsesykepleier"]], actor=teacher).consent_request
    consent_request_approve(consent_request=asked, actor=demo["far"])
    remark = remark_create(
        entry_id=math.pk, author=jonas, kind="correction", text="To", proposed_body="To timer."
    )
    goal = goal_add(case=case, actor=jonas, text="Mål")
    step = step_add(goal=goal, actor=jonas, text="Steg", owner=jonas)
    visit = Entry.objects.get(case=case, title="Hjemmebesøk")
    withholding = entry_withhold(entry_id=visit.pk, actor=demo["barnevern"], reason="§ 12-1.")
    school = Participant.objects.get(case=case, user=teacher).service
    return {
        "jonas_case": case.pk,
        "message": message.pk,
        "math": math.pk,
        "remark": remark.pk,
        "goal": goal.pk,
        "step": step.pk,
        "plan": goal.plan_id,
        "withholding": withholding.pk,
        "school": str(school.pk),
        "laerer": teacher.pk,
        "jonas": jonas.pk,
    }


# (method, path template, body, expected status per persona)
MATRIX = [
    ("get", "/api/v1/cases/{jonas_case}/messages/", None, jonas_team(200)),
    (
        "post",
        "/api/v1/cases/{jonas_case}/messages/",
        {"body": "Hei"},
        jonas_team(201, jonas=400),  # the young person must name recipients
    ),
    ("get", "/api/v1/messages/unread/", None, statuses(200)),
    ("get", "/api/v1/cases/{jonas_case}/ungdomshjelper/", None, statuses(404, jonas=200, far=200)),
    (
        "post",
        "/api/v1/cases/{jonas_case}/ungdomshjelper/",
        {"user": "{laerer}"},
        statuses(404, jonas=201, far=201),  # Jonas is 13: his father decides with him
    ),
    (
        "post",
        "/api/v1/cases/{jonas_case}/ungdomshjelper/change/",
        None,
        statuses(404, jonas=409, far=409),  # no ungdomshjelper to change yet
    ),
    (
        "post",
        "/api/v1/cases/{jonas_case}/ungdomshjelper/change/cancel/",
        None,
        statuses(404, jonas=409, far=409),
    ),
    ("get", "/api/v1/ungdomshjelper/cases/", None, statuses(200)),  # empty unless one is
    # the nurse may open the note but not its remarks or earlier texts: 404
    ("get", "/api/v1/entries/{math}/remarks/", None, statuses(404, jonas=200, laerer=200)),
    (
        "post",
        "/api/v1/entries/{math}/remarks/",
        {"kind": "comment", "text": "Hm"},
        statuses(404, jonas=201, laerer=403, helsesykepleier=403),
    ),
    ("post", "/api/v1/remarks/{remark}/accept/", {}, statuses(404, laerer=200, jonas=403)),
    (
        "post",
        "/api/v1/remarks/{remark}/show/",
        {"shown": True},
        statuses(404, jonas=200, laerer=403),  # the youth's choice; the nurse cannot read it
    ),
    (
        "post",
        "/api/v1/remarks/{remark}/answer/",
        {"answer": "Nei"},
        statuses(404, laerer=200, jonas=403),
    ),
    (
        "post",
        "/api/v1/entries/{math}/withhold/",
        {"reason": "Lov § 1."},
        statuses(404, laerer=201, jonas=403, helsesykepleier=403),
    ),
    ("get", "/api/v1/cases/{jonas_case}/withheld/", None, statuses(404, jonas=200)),
    (
        "post",
        "/api/v1/withholdings/{withholding}/end/",
        None,
        statuses(404, barnevern=200, admin=200),  # who decided, or a case admin
    ),
    ("get", "/api/v1/cases/{jonas_case}/plan/", None, statuses(404, jonas=200)),
    (
        "post",
        "/api/v1/cases/{jonas_case}/plan/goals/",
        {"text": "Mål"},
        jonas_team(403, jonas=201),
    ),
    (
        "post",
        "/api/v1/plan-goals/{goal}/steps/",
        {"text": "Steg", "owner": "{jonas}"},
        statuses(404, jonas=201),
    ),
    ("patch", "/api/v1/plan-steps/{step}/", {"done": True}, statuses(404, jonas=200)),
    (
        "post",
        "/api/v1/plan-steps/{step}/comments/",
        {"text": "Hei"},
        statuses(404, jonas=201),  # the plan is not shared: 404 for everyone else
    ),
    (
        "post",
        "/api/v1/plan-goals/{goal}/evaluations/",
        {"score": 3},
        statuses(404, jonas=201),
    ),
    ("get", "/api/v1/entries/{plan}/versions/", None, statuses(404, jonas=200)),
    ("get", "/api/v1/entries/{math}/versions/", None, statuses(404, jonas=200, laerer=200)),
    # Jonas has no ungdomshjelper: the rhythm is his alone to read, nobody's to set
    ("get", "/api/v1/cases/{jonas_case}/check-ins/", None, statuses(404, jonas=200)),
    (
        "put",
        "/api/v1/cases/{jonas_case}/check-ins/",
        {"every_days": 14, "weekday": 3, "time": "15:00"},
        statuses(404, jonas=403),
    ),
    ("get", "/api/v1/glossary/", None, statuses(200)),
    ("get", "/api/v1/feedback/", None, statuses(200)),
    (
        "post",
        "/api/v1/feedback/",
        {"service": "{school}", "rating": 4},
        statuses(400, jonas=201, sara=201),  # only those the school helps now
    ),
]


def test_voice_permission_matrix(demo):
    got, expected = matrix_statuses(demo, MATRIX, build(demo))
    assert got == expected


# The same world after the teacher left Jonas's team (issue #11 item 7): they received Jonas's
# message and wrote the note he asked to correct. (persona, method, path, body, status)
FORMER_MATRIX = [
    ("laerer", "get", "/api/v1/cases/{jonas_case}/messages/", None, 404),
    ("laerer", "post", "/api/v1/cases/{jonas_case}/messages/", {"body": "Hei"}, 404),
    ("laerer", "get", "/api/v1/entries/{math}/remarks/", None, 404),
    ("laerer", "post", "/api/v1/remarks/{remark}/accept/", {}, 404),
    ("laerer", "get", "/api/v1/entries/{math}/versions/", None, 404),
    (
        "jonas",
        "post",
        "/api/v1/cases/{jonas_case}/messages/",
        {"body": "Hei", "recipients": ["{laerer}"]},
        400,
    ),
    (
        "jonas",
        "post",
        "/api/v1/plan-goals/{goal}/steps/",
        {"text": "Steg", "owner": "{laerer}"},
        400,
    ),
    ("jonas", "get", "/api/v1/entries/{math}/remarks/", None, 200),
]


def test_voice_permission_matrix_after_the_teacher_left(demo):
    ids = build(demo)
    teacher = Participant.objects.get(case=demo.jonas_case, user=demo["laerer"])
    participant_remove(participant=teacher, actor=None)
    got, expected = {}, {}
    for persona, method, path, body, status in FORMER_MATRIX:
        with transaction.atomic():
            kwargs = {"format": "json"} if body is not None else {}
            response = getattr(as_user(demo[persona]), method)(
                fill(path, ids), fill(body, ids), **kwargs
            )
            got[(persona, method, path)] = response.status_code
            expected[(persona, method, path)] = status
            transaction.set_rollback(True)
    assert got == expected
