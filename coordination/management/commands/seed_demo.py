from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coordination.demo import personas_ensure


class Command(BaseCommand):
    help = (
        "Creates the demo municipality (personas, cases, catalogue). Idempotent. "
        "Password from SAMMEN_DEMO_PASSWORD; 'demo' only with DEBUG on."
    )

    def handle(self, *args: object, **options: object) -> None:
        password = settings.SAMMEN_DEMO_PASSWORD
        if not password:
            raise CommandError(
                "Set SAMMEN_DEMO_PASSWORD: without DEBUG there is no default demo password."
            )
        today = timezone.localdate()
        users = personas_ensure(password=password, today=today)
        self.stdout.write(f"Personas: {', '.join(sorted(users))}")
        # Each app that owns demo data offers `seed_demo(users, today, stdout)` on its AppConfig;
        # they run in INSTALLED_APPS order, which is the import order of docs/architecture.md §1.
        for config in apps.get_app_configs():
            seed = getattr(config, "seed_demo", None)
            if seed is not None:
                seed(users=users, today=today, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo municipality ready."))
