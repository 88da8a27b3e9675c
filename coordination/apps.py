from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .notifications import KINDS, register

        register(*KINDS)

    def home_sections(self, *, viewer: object) -> list:
        from .home import guardianship_sections

        return guardianship_sections(viewer=viewer)  # type: ignore[arg-type]

    def export_sections(self, *, user: object) -> list:
        from .exports.own import platform_sections

        return platform_sections(user=user)  # type: ignore[arg-type]


class SammenAdminConfig(admin_apps.AdminConfig):
    """Django's admin (settings.INSTALLED_APPS names it instead of django.contrib.admin) on a
    site that asks for the second factor too."""

    default = False  # CoordinationConfig stays this module's app
    default_site = "coordination.admin_site.SammenAdminSite"
