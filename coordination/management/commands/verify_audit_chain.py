from django.core.management.base import BaseCommand, CommandError

from coordination.selectors import audit_chains_verify


class Command(BaseCommand):
    help = "Checks every chain of the audit log and names the first broken row of each."

    def handle(self, *args: object, **options: object) -> None:
        report = audit_chains_verify()
        if report.broken:
            raise CommandError(
                " ".join(
                    f"Audit chain {event.chain or 'legacy'} broken at row {event.pk} "
                    f"({event.action}, {event.created:%Y-%m-%d %H:%M:%S})."
                    for event in report.broken
                )
            )
        self.stdout.write(f"Audit chain intact: {report.rows} rows in {report.chains} chains.")
