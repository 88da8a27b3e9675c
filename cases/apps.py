from datetime import date
from typing import TextIO

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# What the invitation's page keeps in the session while its person signs in at an identity
# provider: the hash of the link's token (never the token itself).
INVITATION_SESSION_KEY = "sammen_invitation"


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coordination.notifications import register

        from .notifications import KINDS

        register(*KINDS)

    def seed_demo(self, *, users: dict, today: date, stdout: TextIO) -> None:
        from .demo import seed_cases

        seed_cases(users=users, today=today, stdout=stdout)

    def export_sections(self, *, user: object) -> list:
        from .export import export_sections

        return export_sections(user=user)  # type: ignore[arg-type]

    def entries_exported(self, *, user: object, entry_ids: list[int]) -> None:
        """A ready export of `user` carries these entries: each counts as opened by them."""
        from .models import AccessEvent, Entry
        from .services import access_events_record

        entries = list(Entry.objects.filter(pk__in=entry_ids))
        access_events_record(user=user, entries=entries, via=AccessEvent.Via.EXPORT)  # type: ignore[arg-type]

    def home_sections(self, *, viewer: object) -> list:
        from .home import home_sections

        return home_sections(viewer=viewer)  # type: ignore[arg-type]

    def oidc_new_identity(self, request: HttpRequest, provider: str, claims: dict) -> object:
        """coordination.oidc asks this for a person it does not know yet: someone who came from
        an invitation's page (cases.views.invitation_sign_in) joins as the invited account; for
        anyone else the answer is None (refused). The claims are not stored."""
        from django.core.exceptions import ValidationError

        from coordination.errors import StateConflict

        from .services import InvitationUnusable, invitation_accept_new_identity

        digest = request.session.pop(INVITATION_SESSION_KEY, None)
        if not isinstance(digest, str):
            return None
        try:
            return invitation_accept_new_identity(digest=digest)
        except (InvitationUnusable, StateConflict, ValidationError):
            return None
