from datetime import date
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

DEMO_CATALOGUE = Path(__file__).parent / "demo" / "catalogue.json"


def _grant_editors(sender: AppConfig, **kwargs: Any) -> None:
    from .services import catalogue_editors_grant

    catalogue_editors_grant()


class ServicesRegistryConfig(AppConfig):
    name = "services_registry"
    verbose_name = _("Service catalogue")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Permissions exist only after migrate; the editors' group gets new ones every time.
        post_migrate.connect(_grant_editors, sender=self)

    def seed_demo(self, *, users: dict[str, Any], today: date, stdout: Any) -> None:
        """Loads the demo municipality's catalogue through the HSDS importer (idempotent)."""
        from .services import catalogue_editors_grant, catalogue_import_path

        catalogue_editors_grant()
        report = catalogue_import_path(path=DEMO_CATALOGUE)
        if report.errors:
            raise RuntimeError(
                "The demo catalogue has bad records: " + "; ".join(map(str, report.errors))
            )
        stdout.write(
            f"Service catalogue: {report.organizations_loaded} organizations, "
            f"{sum(report.saved.values())} rows saved, {report.unchanged} unchanged."
        )
