from datetime import date
from typing import TextIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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

    def home_sections(self, *, user: object) -> list:
        from .home import home_sections

        return home_sections(user=user)  # type: ignore[arg-type]
