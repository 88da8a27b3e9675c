"""Writes about rooms. Who may see a message changes only through consent.services (share, and
room_access_end when someone is out of the room); every write takes the case lock first."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.selectors import access_case, entries_visible
from cases.services import (
    access_events_record,
    case_lock,
    case_require_open,
    entry_create_from_workflow,
)
from consent.models import ROOM_TITLE_MAX_CHARS, Room, RoomMember, RoomMessage
from consent.selectors import blocked_on
from consent.services import room_access_end, share
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.notifications import NotificationKind
from coordination.services import audit_append, notification_create
from coordination.statements import PreparedInsert

from .. import links, notifications
from ..models import RoomRead
from ..services import message_body_clean, message_title
from .selectors import access_room, room_members


def _youth_only(*, case: Case, actor: User, message: str) -> None:
    if actor.pk != case.youth_id:
        raise PermissionDenied(message)


def _title_clean(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the room a name.")})
    if len(title) > ROOM_TITLE_MAX_CHARS:
        raise ValidationError(
            {
                "title": _("A room's name can be at most %(max)d characters.")
                % {"max": ROOM_TITLE_MAX_CHARS}
            }
        )
    return title


def _members_check(*, case: Case, users: Sequence[User], field: str) -> list[User]:
    """The people the young person chose: on the team now, not blocked on the case, never the
    young person (who is in every room of theirs), or a 400 on `field`."""
    if not users:
        raise ValidationError({field: _("Choose who is in the room.")})
    ids = {user.pk for user in users}
    if case.youth_id in ids:
        raise ValidationError({field: _("You are in the room already; choose the others.")})
    on_team = set(
        Participant.objects.active()
        .filter(case=case, user_id__in=ids)
        .values_list("user_id", flat=True)
    )
    outside = sorted(ids - on_team)
    if outside:
        raise ValidationError(
            {field: _("Not on the team: %(ids)s.") % {"ids": ", ".join(map(str, outside))}}
        )
    blocked = sorted(blocked_on(case=case, user_ids=ids))
    if blocked:
        raise ValidationError(
            {
                field: _("Blocked on this case, so they get nothing from it: %(ids)s.")
                % {"ids": ", ".join(map(str, blocked))}
            }
        )
    return sorted(users, key=lambda user: user.pk)


def _room_locked(*, room_id: int, actor: User) -> tuple[Case, Room]:
    """The case lock, then the room as `actor` may see it (404 otherwise), the room row locked
    and the case open."""
    room = access_room(user=actor, room_id=room_id)
    case = case_lock(room.case_id)
    room = for_update(Room.objects.filter(pk=room_id)).get()
    access_room(user=actor, room_id=room_id)
    case_require_open(case)
    return case, room


def _require_room_open(room: Room) -> None:
    if room.is_closed:
        raise StateConflict(_("The room is closed."))


@transaction.atomic
def room_create(*, case_id: int, actor: User, title: str, members: Sequence[User]) -> Room:
    """The young person opens a room for people on the team they choose; each is told."""
    case = case_lock(case_id)
    access_case(user=actor, case_id=case_id)
    _youth_only(case=case, actor=actor, message=_("Only the young person opens a room."))
    case_require_open(case)
    title = _title_clean(title)
    users = _members_check(case=case, users=members, field="members")
    room = Room.objects.create(case=case, title=title)
    RoomMember.objects.bulk_create([RoomMember(room=room, user=user) for user in users])
    audit_append(
        actor=actor,
        action="room.created",
        case_id=case.pk,
        object_type="room",
        object_id=str(room.pk),
        data={"members": [user.pk for user in users]},
    )
    for user in users:
        _tell(user=user, room=room, kind=notifications.ROOM_ADDED)
    return room


def _tell(*, user: User, room: Room, kind: NotificationKind) -> None:
    notification_create(
        recipient=user,
        kind=kind,
        case_id=room.case_id,
        target_url=links.room(room.pk),
    )


@transaction.atomic
def room_message_send(*, room_id: int, author: User, body: str) -> Entry:
    """A message in a room: an Entry of kind `message` shared through the share path to exactly
    who is in the room now (besides its author). The young person is in every room of theirs
    and is told through the share path, or here when nobody else is in the room."""
    case, room = _room_locked(room_id=room_id, actor=author)
    _require_room_open(room)
    body = message_body_clean(body)
    entry = entry_create_from_workflow(
        case=case,
        author=author,
        kind=Entry.Kind.MESSAGE,
        category=Entry.Category.GENERAL,
        title=message_title(body),
        body=body,
    )
    RoomMessage.objects.create(room=room, entry=entry)
    # Someone blocked after they were added stays listed but receives nothing (the block).
    members = [m.user for m in room_members(room=room) if m.user_id != author.pk]
    blocked = blocked_on(case=case, user_ids={user.pk for user in members})
    recipients = [user for user in members if user.pk not in blocked]
    if recipients:
        share(
            entry=entry,
            recipients=recipients,
            actor=author,
            room=room,
            received_url=links.room(room.pk),
            received_kind=notifications.ROOM_MESSAGE,
        )
    elif author.pk != case.youth_id:
        notification_create(
            recipient=case.youth,
            kind=notifications.ROOM_MESSAGE,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=links.room(room.pk),
        )
    _mark_read(room=room, user=author)
    return entry


@transaction.atomic
def room_member_add(*, room_id: int, actor: User, user: User, show_earlier: bool) -> Room:
    """The young person adds someone on the team. They see the messages from now on; the
    earlier ones only when the young person says so (`show_earlier`), each then shared to them
    through the share path by the young person."""
    case, room = _room_locked(room_id=room_id, actor=actor)
    _youth_only(case=case, actor=actor, message=_("Only the young person chooses who is in."))
    _require_room_open(room)
    (user,) = _members_check(case=case, users=[user], field="user")
    if room_members(room=room).filter(user=user).exists():
        raise ValidationError({"user": _("This person is in the room already.")})
    RoomMember.objects.create(room=room, user=user)
    shown = 0
    if show_earlier:
        earlier = (
            entries_visible(user=actor, queryset=Entry.objects.filter(room_message__room=room))
            .exclude(author=user)
            .exclude(pk__in=entries_visible(user=user).values("pk"))
            .order_by("created", "id")
        )
        for entry in earlier:
            share(entry=entry, recipients=[user], actor=actor, room=room, notify_recipients=False)
            shown += 1
    audit_append(
        actor=actor,
        action="room.member_added",
        case_id=case.pk,
        object_type="room",
        object_id=str(room.pk),
        data={"user": user.pk, "earlier_shown": shown},
    )
    _tell(user=user, room=room, kind=notifications.ROOM_ADDED)
    return room


def _member_out(*, case: Case, room: Room, user: User, actor: User, action: str) -> None:
    membership = for_update(
        RoomMember.objects.filter(room=room, user=user, left_at__isnull=True)
    ).first()
    if membership is None:
        raise ValidationError({"user": _("This person is not in the room.")})
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    ended = room_access_end(room=room, user=user, actor=actor)
    audit_append(
        actor=actor,
        action=action,
        case_id=case.pk,
        object_type="room",
        object_id=str(room.pk),
        data={"user": user.pk, "disclosures_ended": ended},
    )


@transaction.atomic
def room_member_remove(*, room_id: int, actor: User, user_id: int) -> Room:
    """The young person takes someone out: the messages they were shown end for them at once
    (through the share path), and they are told, without content."""
    case, room = _room_locked(room_id=room_id, actor=actor)
    _youth_only(case=case, actor=actor, message=_("Only the young person chooses who is in."))
    membership = room_members(room=room).filter(user_id=user_id).first()
    if membership is None:
        raise ValidationError({"user": _("This person is not in the room.")})
    _member_out(
        case=case, room=room, user=membership.user, actor=actor, action="room.member_removed"
    )
    _tell(user=membership.user, room=room, kind=notifications.ROOM_REMOVED)
    return room


@transaction.atomic
def room_leave(*, room_id: int, actor: User) -> None:
    """A member leaves: the room's messages end for them; the young person is told. The young
    person does not leave their own room: they close it."""
    case, room = _room_locked(room_id=room_id, actor=actor)
    if actor.pk == case.youth_id:
        raise PermissionDenied(_("You do not leave your own room; you can close it."))
    _member_out(case=case, room=room, user=actor, actor=actor, action="room.member_left")
    notification_create(
        recipient=case.youth,
        kind=notifications.ROOM_LEFT,
        case_id=case.pk,
        target_url=links.room_members(room.pk),
    )


@transaction.atomic
def room_close(*, room_id: int, actor: User) -> Room:
    """The young person closes the room: it stays readable for who is in it, and nobody writes
    there again."""
    case, room = _room_locked(room_id=room_id, actor=actor)
    _youth_only(case=case, actor=actor, message=_("Only the young person closes a room."))
    _require_room_open(room)
    room.closed_at = timezone.now()
    room.save(update_fields=["closed_at"])
    audit_append(
        actor=actor,
        action="room.closed",
        case_id=case.pk,
        object_type="room",
        object_id=str(room.pk),
    )
    return room


# One upsert, prepared once a connection, as voice.services._mark_read.
_READ_STAMP = PreparedInsert(RoomRead, unique_fields=["room", "user"], update_fields=["read_at"])


def _mark_read(*, room: Room, user: User) -> None:
    _READ_STAMP.values([{"room_id": room.pk, "user_id": user.pk, "read_at": timezone.now()}])


@transaction.atomic
def room_read(*, room: Room, user: User, messages: Sequence[Entry], via: str) -> None:
    """`user` read `room`: every message shown is logged as opened, and the unread count starts
    again from now. `messages` come from voice.rooms.selectors.room_messages."""
    access_events_record(user=user, entries=messages, via=via)
    _mark_read(room=room, user=user)
