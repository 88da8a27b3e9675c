"""Ending what a room shared with one person: the share path's side of leaving a room."""

from django.db import transaction

from cases.services import case_lock
from coordination.models import User

from ..models import Disclosure, Room
from .share import _end_disclosures


@transaction.atomic
def room_access_end(*, room: Room, user: User, actor: User) -> int:
    """`user` is out of `room` (they left, or the young person took them out): every message of
    the room they were shown ends for them at once (reason `room_left`). Told once by the caller,
    not per message. Returns how many disclosures ended."""
    case = case_lock(room.case_id)
    disclosures = list(
        Disclosure.objects.filter(room=room, recipient=user, withdrawn_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    _end_disclosures(
        case=case,
        disclosures=disclosures,
        actor=actor,
        reason=Disclosure.EndReason.ROOM_LEFT,
        notify=False,
    )
    return len(disclosures)
