"""The registry of notification kinds (docs/architecture.md §5).

Each app declares the kinds of the events it owns in its own `notifications.py` and registers
them in its AppConfig.ready(), so a new kind needs no migration here: `Notification.kind` is a
plain string that `notification_create` checks against this registry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Notification

KIND_MAX_LENGTH = 32


@dataclass(frozen=True)
class NotificationKind:
    """`label` names the kind in lists; `text` is what every channel says: what happened,
    never what it is about (no case content). `link`, when set, gives the path an e-mail or SMS
    links to at sending time instead of the row's `target_url` (an invitation's one-time link,
    which is never stored)."""

    key: str
    label: str | Promise
    text: str | Promise
    link: "Callable[[Notification], str] | None" = None


_registry: dict[str, NotificationKind] = {}


def register(*kinds: NotificationKind) -> None:
    for kind in kinds:
        if not kind.key or len(kind.key) > KIND_MAX_LENGTH:
            raise ImproperlyConfigured(f"notification kind key {kind.key!r} is empty or too long")
        known = _registry.get(kind.key)
        if known is not None and known is not kind:
            raise ImproperlyConfigured(f"notification kind {kind.key!r} is registered twice")
        _registry[kind.key] = kind


def kind_for(key: str) -> NotificationKind:
    """The registered kind; ValueError for a key no app has registered."""
    try:
        return _registry[key]
    except KeyError:
        raise ValueError(f"unknown notification kind {key!r}") from None


def kind_check(kind: object) -> NotificationKind:
    """`kind` itself if it is the registered kind of its key; ValueError otherwise."""
    if not isinstance(kind, NotificationKind) or kind_for(kind.key) is not kind:
        raise ValueError(f"unknown notification kind {kind!r}")
    return kind


def registered_kinds() -> list[NotificationKind]:
    return sorted(_registry.values(), key=lambda kind: kind.key)


def kind_choices() -> list[tuple[str, str]]:
    """(key, label) pairs of every registered kind, for the API schema's enum."""
    return [(kind.key, str(kind.label)) for kind in registered_kinds()]


GUARDIANSHIP_SET = NotificationKind(
    "guardianship_set",
    _("A guardian was registered for you"),
    _("Someone has been registered as your guardian in Sammen. See who on your home page."),
)
BIRTH_DATE_CHANGED = NotificationKind(
    "birth_date_changed",
    _("Your birth date was changed"),
    _(
        "The municipality has changed your birth date in Sammen. This can change who "
        "decides about sharing. Ask them if it is wrong."
    ),
)

EXPORT_READY = NotificationKind(
    "export_ready",
    _("Your download is ready"),
    _(
        "The copy of everything Sammen has about you is ready. The link works once and for "
        "seven days."
    ),
)

KINDS = (GUARDIANSHIP_SET, BIRTH_DATE_CHANGED, EXPORT_READY)
