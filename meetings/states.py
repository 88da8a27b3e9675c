"""What may happen to a meeting in its state: planned (neither held nor cancelled), held or
cancelled. One function the services enforce (a 409 with the reason, for page and API alike)
and the meeting page reads to show only the buttons that work."""

from datetime import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.errors import StateConflict

from .models import Meeting


class Change(StrEnum):
    # Time and place, who is proposed and invited, the agenda: what invitations are about.
    EDIT = "edit"
    HOLD = "hold"
    CANCEL = "cancel"


def refusal(meeting: Meeting, change: Change, *, now: datetime | None = None) -> str | None:
    """Why `change` cannot happen to `meeting` now, or None when it can. A meeting is marked
    held once, and only once it has begun; a held or cancelled one is no longer changed."""
    if meeting.cancelled_at is not None:
        return _("The meeting is cancelled.")
    if meeting.held_at is not None:
        return {
            Change.HOLD: _("The meeting has already been marked as held."),
            Change.CANCEL: _("The meeting has been held; it cannot be cancelled."),
        }.get(change, _("The meeting has been held, so it can no longer be changed."))
    if change == Change.HOLD and (now or timezone.now()) < meeting.starts_at:
        return _("The meeting has not begun yet. Mark it as held once it has started.")
    return None


def require(meeting: Meeting, change: Change) -> None:
    """Callers hold the meeting row locked, so the state cannot change under them."""
    reason = refusal(meeting, change)
    if reason is not None:
        raise StateConflict(reason)


def possible(meeting: Meeting) -> dict[str, bool]:
    """For pages: which changes work now, by name (`possible.edit`, `.hold`, `.cancel`)."""
    now = timezone.now()
    return {change.value: refusal(meeting, change, now=now) is None for change in Change}
