"""Whether the guardians come, every endpoint x every demo persona: the status each one gets.

The world is the demo's: a meeting on Jonas' case (Jonas is 13, his father decides who comes)
planned by the child-welfare worker with the teacher and the nurse suggested, where Jonas has
said he does not want his father there; and Sara's start meeting (Sara is 16: she decides
herself). 404 means "not yours to see", 403 "you see it but may not do it", 409 "not in this
state".
"""

import pytest

from meetings.demo import DEMO_TITLE, JONAS_TITLE
from meetings.models import Meeting
from tests.consent.test_permission_matrix import matrix_statuses, statuses

pytestmark = pytest.mark.django_db


def build(demo) -> dict[str, int]:
    return {
        "jonas_meeting": Meeting.objects.get(case=demo.jonas_case, title=JONAS_TITLE).pk,
        "sara_meeting": Meeting.objects.get(case=demo.sara_case, title=DEMO_TITLE).pk,
    }


JONAS = "/api/v1/meetings/{jonas_meeting}/guardians/"
SARA = "/api/v1/meetings/{sara_meeting}/guardians/"
MATRIX = [
    # The teacher and the nurse are only suggested, not invited: not theirs to see yet.
    ("get", JONAS, None, statuses(404, jonas=200, far=200, barnevern=200)),
    ("post", JONAS + "wish/", {"wish": "yes"}, statuses(404, jonas=200, far=403, barnevern=403)),
    (
        "post",
        JONAS + "decision/",
        {"come": True, "reason": "Vi må snakke om skolen."},
        statuses(404, far=200, jonas=403, barnevern=403),
    ),
    # Sara's mother does not decide for a 16-year-old, so she does not see the meeting.
    ("get", SARA, None, statuses(404, sara=200, ungdomshjelper=200)),
    ("post", SARA + "wish/", {"wish": "no"}, statuses(404, sara=409, ungdomshjelper=403)),
    (
        "post",
        SARA + "decision/",
        {"come": False},
        statuses(404, sara=200, ungdomshjelper=403),
    ),
]


def test_guardians_permission_matrix(demo):
    got, expected = matrix_statuses(demo, MATRIX, build(demo))
    assert got == expected
