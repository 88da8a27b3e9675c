from datetime import date
from typing import TextIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    """The young person's own voice (issue #5): sharing rules in plain words, messages, the
    choice of an ungdomshjelper. Sits above consent: every disclosure goes through its share
    path."""

    name = "voice"
    verbose_name = _("The young person's voice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coordination.notifications import register

        from . import signals  # noqa: F401  (connects the login stamp)
        from .notifications import KINDS

        register(*KINDS)

    def seed_demo(self, *, users: dict, today: date, stdout: TextIO) -> None:
        from .demo import seed_voice

        seed_voice(users=users, today=today, stdout=stdout)

    def export_sections(self, *, user: object) -> list:
        from .export import export_sections

        return export_sections(user=user)  # type: ignore[arg-type]

    def home_sections(self, *, viewer: object) -> list:
        from .home import home_sections

        return home_sections(viewer=viewer)  # type: ignore[arg-type]

    def entry_erased(self, *, entry: object, text: str) -> None:
        from .services import entry_content_erase

        entry_content_erase(entry=entry, text=text)  # type: ignore[arg-type]

    def profile_sections(self, *, user: object) -> list:
        from .home import profile_sections

        return profile_sections(user=user)  # type: ignore[arg-type]

    def coordinator_items(self, *, user: object, cases: list) -> list:
        from .overview import voice_items

        return voice_items(user=user, cases=cases)  # type: ignore[arg-type]
