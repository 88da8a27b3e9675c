"""A page of rooms' members and unread counts (voice.rooms.selectors.room_rows: the rooms API's
list and one room, the rooms page) read through statements compiled once a process: for every
persona and both demo cases, the API's list answers the same bytes with as many
statements as the ORM's reads did, with members who left, a member taken out,
messages read and unread."""

import pytest
from django.db.models import OuterRef

import voice.rooms.selectors
from cases.models import Case
from cases.selectors import takes_part
from consent.models import RoomMember
from tests.consent.helpers import answers
from tests.consent.test_permission_matrix import PERSONAS
from voice.rooms.selectors import room_messages
from voice.rooms.services import room_member_remove, room_message_send, room_read

from .test_rooms import sara_room

pytestmark = pytest.mark.django_db


def members_by_the_orm(*, rooms):
    """room_member_ids as the ORM read it before it was compiled."""
    members = {room.pk: [] for room in rooms}
    for room_id, user_id in (
        RoomMember.objects.filter(room__in=rooms, left_at__isnull=True)
        .filter(takes_part(user=OuterRef("user"), case=OuterRef("room__case")))
        .order_by("added_at", "id")
        .values_list("room_id", "user_id")
    ):
        members[room_id].append(user_id)
    return members


def unread_by_the_orm(*, user, rooms):
    """room_unread as the ORM read it before it was compiled."""
    return voice.rooms.selectors._unread(user=user, rooms=rooms, per="room_message__room")


def rooms_of_every_case() -> list[tuple[str, str]]:
    return [
        (persona, f"/api/v1/cases/{case.pk}/rooms/")
        for persona in PERSONAS
        for case in Case.objects.order_by("pk")
    ]


def test_the_rooms_members_and_unread_counts_are_the_orms(demo, monkeypatch):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    school = sara_room(demo)
    health = sara_room(demo, "helsesykepleier", "mor", "bup", title="Helsa")
    for room, author, body in [
        (school, teacher, "Hei"), (school, nurse, "Hallo"), (health, sara, "Hjelp"),
        (health, nurse, "Ja"), (health, demo["mor"], "Kommer"),
    ]:  # fmt: skip
        room_message_send(room_id=room.pk, author=author, body=body)
    room_read(
        room=school, user=nurse, messages=list(room_messages(user=nurse, room=school)), via="api"
    )
    room_member_remove(room_id=health.pk, actor=sara, user_id=demo["bup"].pk)
    compiled = answers(demo, rooms_of_every_case())
    monkeypatch.setattr(voice.rooms.selectors, "room_member_ids", members_by_the_orm)
    monkeypatch.setattr(voice.rooms.selectors, "room_unread", unread_by_the_orm)
    assert compiled == answers(demo, rooms_of_every_case())
    # The answers compared rooms with members and unread messages.
    bodies = b"".join(body for _, body, _ in compiled.values())
    assert b'"unread":2' in bodies
    assert bodies.count(b'"members":[') > 4
