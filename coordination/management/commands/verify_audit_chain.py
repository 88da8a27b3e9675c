from django.core.management.base import BaseCommand, CommandError

from coordination.models import AuditEvent
from coordination.selectors import audit_chain_first_broken


class Command(BaseCommand):
    help = "Checks the audit log's hash chain and names the first broken row."

    def handle(self, *args: object, **options: object) -> None:
        broken = audit_chain_first_broken()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at row {broken.pk} "
                f"({broken.action}, {broken.created:%Y-%m-%d %H:%M:%S})."
            )
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} rows.")
