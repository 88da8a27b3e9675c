"""Every room endpoint x every demo persona: the status each one gets (issue #19 item 1).

The world, on Jonas's case: Jonas (the young person, 13) opened a room with his teacher, who
wrote in it. The nurse and the child-welfare worker are helpers on the case but not in the
room; his father is his guardian; everyone on Sara's case, NAV's adviser and the admin (staff)
are outsiders. 404 means "not yours to see", 403 "you see it but may not do it". One world
serves every row (each request is rolled back).
"""

import pytest

from tests.consent.helpers import as_user
from tests.consent.test_permission_matrix import PERSONAS, matrix_statuses, statuses
from voice.rooms.services import room_create, room_message_send

pytestmark = pytest.mark.django_db

JONAS_TEAM = {"jonas", "far", "barnevern", "laerer", "helsesykepleier"}


def jonas_team(status: int, **overrides: int) -> dict[str, int]:
    return {p: overrides.get(p, status if p in JONAS_TEAM else 404) for p in PERSONAS}


def in_room(**statuses_in_room: int) -> dict[str, int]:
    """Everyone but the young person and the teacher (the one member) gets 404."""
    return statuses(404, **statuses_in_room)


MATRIX = [
    # On the case, not in a room: an empty list, never someone else's room.
    ("get", "/api/v1/cases/{jonas_case}/rooms/", None, jonas_team(200)),
    (
        "post",
        "/api/v1/cases/{jonas_case}/rooms/",
        {"title": "Nytt rom", "members": ["{barnevern}"]},
        jonas_team(403, jonas=201),
    ),
    ("get", "/api/v1/rooms/{room}/messages/", None, in_room(jonas=200, laerer=200)),
    ("post", "/api/v1/rooms/{room}/messages/", {"body": "Hei"}, in_room(jonas=201, laerer=201)),
    (
        "post",
        "/api/v1/rooms/{room}/members/",
        {"user": "{barnevern}"},
        in_room(jonas=201, laerer=403),
    ),
    ("post", "/api/v1/rooms/{room}/members/{laerer}/remove/", None, in_room(jonas=200, laerer=403)),
    ("post", "/api/v1/rooms/{room}/leave/", None, in_room(jonas=403, laerer=204)),
    ("post", "/api/v1/rooms/{room}/close/", None, in_room(jonas=200, laerer=403)),
]


def test_room_permission_matrix(demo):
    case, jonas, teacher = demo.jonas_case, demo["jonas"], demo["laerer"]
    room = room_create(case_id=case.pk, actor=jonas, title="Skolen", members=[teacher])
    room_message_send(room_id=room.pk, author=teacher, body="Hei Jonas")
    ids = {
        "jonas_case": case.pk,
        "room": room.pk,
        "laerer": teacher.pk,
        "barnevern": demo["barnevern"].pk,
    }
    got, expected = matrix_statuses(demo, MATRIX, ids)
    assert got == expected


def test_what_each_persona_lists(demo):
    """The list shows the room to Jonas and the teacher only; the others on the case see none."""
    case, jonas, teacher = demo.jonas_case, demo["jonas"], demo["laerer"]
    room = room_create(case_id=case.pk, actor=jonas, title="Skolen", members=[teacher])
    listed = {
        persona: [
            r["id"]
            for r in as_user(demo[persona]).get(f"/api/v1/cases/{case.pk}/rooms/").json()["results"]
        ]
        for persona in sorted(JONAS_TEAM)
    }
    assert listed == {
        "barnevern": [],
        "far": [],
        "helsesykepleier": [],
        "jonas": [room.pk],
        "laerer": [room.pk],
    }
