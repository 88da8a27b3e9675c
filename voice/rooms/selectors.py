"""Reads about rooms; each returns only what the caller may see."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Entry, Participant
from cases.selectors import (
    CASE_IDS_SLOT,
    ENTRIES_VISIBLE_SLOTS,
    TODAY_SLOT,
    cases_for_user,
    entries_visible,
    entry_content_type_id,
    takes_part,
)
from consent.models import Room, RoomMember
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Paged, Slot

from ..models import RoomRead
from ..selectors import unread_compiled


def _member_now(*, user: User, today: date | None = None) -> Exists:
    """SQL: `user` is in the outer room now: a member who has not left and is still on the
    team (on `today`: the clock's by default)."""
    return Exists(
        RoomMember.objects.filter(room=OuterRef("pk"), user=user, left_at__isnull=True).filter(
            takes_part(user=OuterRef("user"), case=OuterRef("room__case"), today=today)
        )
    )


def rooms_visible(
    *, user: User, case_ids: list[int] | None = None, today: date | None = None
) -> QuerySet[Room]:
    """The rooms `user` is in: every room of the young person's own case, and the rooms where
    they are a member now, on a case they take part in (`case_ids`: of cases_for_user already
    read, or of some of those cases). `today`: the clock's by default."""
    on_cases = (
        Q(case__in=cases_for_user(user=user, today=today))
        if case_ids is None
        else AnyOf(F("case_id"), case_ids)
    )
    return Room.objects.filter(Q(case__youth=user) | _member_now(user=user, today=today), on_cases)


def rooms_for_case(*, user: User, case: Case, today: date | None = None) -> QuerySet[Room]:
    """The rooms of `case` that `user` is in, open ones first, newest first."""
    return (
        rooms_visible(user=user, today=today)
        .filter(case=case)
        .order_by("closed_at", "-created", "-id")
    )


# The API's rooms of a case, a page at a time: rooms_for_case's statement compiled once a process.
_ROOMS_LISTED = CompiledRead(
    lambda *, user, case, today: rooms_for_case(
        user=User(pk=user), case=Case(pk=case), today=today
    ),
    user=Slot(-1, -2),
    case=Slot(-3, -4),
    today=TODAY_SLOT,
)


def rooms_listed(*, user: User, case: Case) -> Paged:
    """rooms_for_case as the API's paginator reads it."""
    return _ROOMS_LISTED.paged(user=user.pk, case=case.pk, today=timezone.localdate())


def access_room(*, user: User, room_id: int) -> Room:
    try:
        return rooms_visible(user=user).select_related("case__youth").get(pk=room_id)
    except Room.DoesNotExist:
        raise Http404 from None


def room_members(*, room: Room) -> QuerySet[RoomMember]:
    """Who is in `room` now besides the young person (members still on the team)."""
    return (
        RoomMember.objects.filter(room=room, left_at__isnull=True)
        .filter(takes_part(user=OuterRef("user"), case=OuterRef("room__case")))
        .select_related("user")
        .order_by("added_at", "id")
    )


def room_member_ids(*, rooms: list[Room]) -> dict[int, list[int]]:
    """Per room, the ids of who is in it now besides the young person. One query (compiled once
    a process; none for no rooms, as the ORM's empty IN)."""
    members: dict[int, list[int]] = {room.pk: [] for room in rooms}
    if not rooms:
        return members
    for room_id, user_id in _MEMBER_IDS(rooms=list(members), today=timezone.localdate()):
        members[room_id].append(user_id)
    return members


def _member_ids(*, rooms: list[int], today: date) -> QuerySet[RoomMember, tuple[int, int]]:
    return (
        RoomMember.objects.filter(AnyOf(F("room_id"), rooms), left_at__isnull=True)
        .filter(takes_part(user=OuterRef("user"), case=OuterRef("room__case"), today=today))
        .order_by("added_at", "id")
        .values_list("room_id", "user_id")
    )


_MEMBER_IDS = CompiledRead(_member_ids, rooms=CASE_IDS_SLOT, today=TODAY_SLOT)


def room_member_candidates(*, room: Room) -> list[Participant]:
    """Who the young person may add: the team now, but not themself and not who is in already."""
    return list(
        Participant.objects.active()
        .filter(case_id=room.case_id)
        .exclude(user_id=room.case.youth_id)
        .exclude(user_id__in=room_members(room=room).values("user_id"))
        .select_related("user", "service")
        .order_by("joined", "id")
    )


def room_messages(*, user: User, room: Room) -> QuerySet[Entry]:
    """The messages of `room` that `user` may open, oldest first: someone added later sees
    earlier ones only if the young person showed them."""
    return entries_visible(
        user=user,
        queryset=Entry.objects.filter(room_message__room=room).select_related(
            "author", "room_message"
        ),
    ).order_by("created", "id")


def _unread(*, user: User, rooms: QuerySet[Room] | list[Room], per: str) -> dict[int, int]:
    """Messages in `rooms` that `user` may open, not their own, since they last read each room,
    counted per `per` (the room or the case). One query."""
    return {row[per]: row["unread"] for row in _unread_rows(user=user, rooms=rooms, per=per)}


def _unread_rows(
    *,
    user: User,
    rooms: QuerySet[Room] | list[Room],
    per: str,
    now: datetime | None = None,
    today: date | None = None,
) -> QuerySet[Entry, dict[str, int]]:
    """_unread's statement (on the clock's `now` and `today` unless given)."""
    read = RoomRead.objects.filter(room=OuterRef("room_message__room"), user=user)
    messages = Entry.objects.filter(room_message__room__in=rooms).exclude(author=user)
    return (
        entries_visible(user=user, queryset=messages, now=now, today=today)
        .filter(~Exists(read) | Q(created__gt=Subquery(read.values("read_at")[:1])))
        .values(per)
        .annotate(unread=Count("id"))
        .order_by()
    )


def room_unread(*, user: User, rooms: list[Room]) -> dict[int, int]:
    """Per room: what is unread for `user` (rooms with none are left out). One query (compiled
    once a process; none for no rooms, as the ORM's empty IN)."""
    if not rooms:
        return {}
    now = timezone.now()
    rows = _ROOM_UNREAD(
        rooms=[room.pk for room in rooms], user=user.pk, now=now, today=timezone.localdate(now)
    )
    return {row["room_message__room"]: row["unread"] for row in rows}


def _room_unread(
    *, rooms: list[int], user: int, now: datetime, today: date
) -> QuerySet[Entry, dict[str, int]]:
    return _unread_rows(
        user=User(pk=user),
        rooms=Room.objects.filter(AnyOf(F("pk"), rooms)),
        per="room_message__room",
        now=now,
        today=today,
    )


_ROOM_UNREAD = CompiledRead(
    _room_unread, key=entry_content_type_id, rooms=CASE_IDS_SLOT, **ENTRIES_VISIBLE_SLOTS
)


@dataclass
class RoomRow:
    """A room as a list shows it to one person."""

    room: Room
    member_ids: list[int]
    unread_count: int


def room_rows(*, user: User, rooms: list[Room]) -> list[RoomRow]:
    """`rooms` with who is in each and what is unread for `user`: two queries for any number."""
    members = room_member_ids(rooms=rooms)
    unread = room_unread(user=user, rooms=rooms)
    return [RoomRow(room, members[room.pk], unread.get(room.pk, 0)) for room in rooms]


def room_unread_by_case(*, user: User, cases: list[Case] | None = None) -> dict[int, int]:
    """Per case: the unread messages in every room of it that `user` is in (on `cases`, as
    rooms_visible). One query; with `cases`, compiled once a process (the home page asks it on
    every call)."""
    if cases is None:
        return _unread(user=user, rooms=rooms_visible(user=user), per="case_id")
    return unread_compiled(_ROOM_UNREAD_BY_CASE, user=user, cases=cases)


def _room_unread_by_case(
    *, user: int, case_ids: list[int], now: datetime, today: date
) -> QuerySet[Entry, dict[str, int]]:
    person = User(pk=user)
    rooms = rooms_visible(user=person, case_ids=case_ids, today=today)
    return _unread_rows(user=person, rooms=rooms, per="case_id", now=now, today=today)


_ROOM_UNREAD_BY_CASE = CompiledRead(
    _room_unread_by_case,
    key=entry_content_type_id,
    case_ids=CASE_IDS_SLOT,
    **ENTRIES_VISIBLE_SLOTS,
)
