from datetime import date
from typing import TextIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coordination.notifications import register

        from .notifications import KINDS

        register(*KINDS)

    def seed_demo(self, *, users: dict, today: date, stdout: TextIO) -> None:
        from .demo import seed_meetings

        seed_meetings(users=users, today=today, stdout=stdout)

    def export_sections(self, *, user: object) -> list:
        from .export import export_sections

        return export_sections(user=user)  # type: ignore[arg-type]

    def home_sections(self, *, viewer: object) -> list:
        from .home import home_sections

        return home_sections(viewer=viewer)  # type: ignore[arg-type]

    def coordinator_items(self, *, user: object, cases: list) -> list:
        from .coordinator import meeting_items

        return meeting_items(user=user, cases=cases)  # type: ignore[arg-type]

    def entry_erased(self, *, entry: object, text: str) -> None:
        from .services import minutes_content_erase

        minutes_content_erase(entry=entry, text=text)  # type: ignore[arg-type]

    def participant_left(self, *, participant: object, actor: object) -> None:
        from .services import participant_left

        participant_left(participant=participant, actor=actor)  # type: ignore[arg-type]
