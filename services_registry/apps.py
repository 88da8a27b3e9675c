from datetime import date
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

DEMO_CATALOGUE = Path(__file__).parent / "demo" / "catalogue.json"
# (persona, service id in the demo catalogue): who receives each service's referrals.
DEMO_INTAKE = [
    ("bup", "9ae6207e-09a4-5721-b7b4-4ad4eca72f71"),  # BUP Fjordvik
    ("nav", "c8a18e6e-ea5f-50fa-9487-9d123e91dfc6"),  # NAV ungdomsveileder
    ("helsestasjon", "482a8b6c-e9d4-5b6a-8283-979445d16b6c"),  # Helsestasjon for ungdom
]


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
        from .models import Service
        from .services import catalogue_editors_grant, catalogue_import_path, service_staff_set

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
        for username, service_id in DEMO_INTAKE:
            service_staff_set(
                service=Service.objects.get(pk=service_id),
                user=users[username],
                receives_referrals=True,
            )
