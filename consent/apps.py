from datetime import date
from typing import TextIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent and sharing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coordination.notifications import register

        from .notifications import KINDS

        register(*KINDS)

    def seed_demo(self, *, users: dict, today: date, stdout: TextIO) -> None:
        from .demo import seed_rules

        seed_rules(users=users, today=today, stdout=stdout)

    def export_sections(self, *, user: object) -> list:
        from .export import export_sections

        return export_sections(user=user)  # type: ignore[arg-type]

    def home_sections(self, *, viewer: object) -> list:
        from .home import home_sections

        return home_sections(viewer=viewer)  # type: ignore[arg-type]

    def coordinator_items(self, *, user: object, cases: list) -> list:
        from .coordinator import consent_items

        return consent_items(user=user, cases=cases)  # type: ignore[arg-type]

    def entries_opened(self, *, user: object, entries: list) -> None:
        """cases.services.access_events_record: tell a young person who watches them; when the
        young person opened them, share what waited for them to read it."""
        from .services import entries_opened, held_shares_on_open

        entries_opened(user=user, entries=entries)  # type: ignore[arg-type]
        held_shares_on_open(user=user, entries=entries)  # type: ignore[arg-type]

    def entry_created(self, *, entry: object) -> None:
        """cases.services.entry_create: share it under the rules that share by themselves."""
        from .services import entry_share_automatically

        entry_share_automatically(entry=entry)  # type: ignore[arg-type]

    def entry_notes(self, *, user: object, entry: object) -> list:
        """cases.selectors.entry_notes: with whom it was shared automatically."""
        from .rule_shares import entry_sharing_notes

        return entry_sharing_notes(user=user, entry=entry)  # type: ignore[arg-type]

    def case_sections(self, *, user: object, case: object) -> list:
        from .home import case_sections

        return case_sections(user=user, case=case)  # type: ignore[arg-type]
