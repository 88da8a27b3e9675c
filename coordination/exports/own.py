"""The platform's own sections of the export: the profile (with registered guardianships) and
every notification the person received."""

from django.utils.translation import gettext_lazy as _

from ..models import User
from ..notifications import kind_for
from ..selectors import guardianships_as_guardian, guardianships_of_youth, notifications_for
from ..services import user_channels
from .sections import ExportSection, iso


def _profile(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "birth_date": iso(user.birth_date),
        "language": user.preferred_language,
        "channels": user_channels(user),
        "presentation": user.presentation,
        "joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "guardians": [
            {"name": g.guardian.name, "since": iso(g.created)}
            for g in guardianships_of_youth(youth=user)
        ],
        "guardian_of": [
            {"name": g.youth.name, "since": iso(g.created)}
            for g in guardianships_as_guardian(guardian=user)
        ],
    }


def _notification_text(kind: str) -> str:
    try:
        return str(kind_for(kind).text)
    except ValueError:  # a kind no app registers any more
        return kind


def platform_sections(*, user: User) -> list[ExportSection]:
    notifications = [
        {
            "id": n.pk,
            "kind": n.kind,
            "text": _notification_text(n.kind),
            "case": n.case_id,
            "entry": n.entry_id,
            "created": iso(n.created),
            "read": iso(n.read_at),
        }
        for n in notifications_for(user=user)
    ]
    return [
        ExportSection(
            "profile",
            _("Your profile"),
            _("What Sammen knows about you as a person: name, contact details and settings."),
            [_profile(user)],
            order=10,
        ),
        ExportSection(
            "notifications",
            _("Notifications"),
            _("Every message Sammen has sent you about something that happened."),
            notifications,
            order=90,
        ),
    ]
