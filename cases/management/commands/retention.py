from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cases.selectors import entries_due_for_erasure
from cases.services import retention_run


class Command(BaseCommand):
    help = (
        "Erases the content of closed cases past their retention (SAMMEN_RETENTION_YEARS), "
        "as the daily job does; --dry-run lists what would go and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, do not erase")

    def handle(self, *args: object, dry_run: bool = False, **options: object) -> None:
        if not dry_run:
            self.stdout.write(f"Erased {retention_run()} entries.")
            return
        due = entries_due_for_erasure().select_related("case").order_by("case_id", "pk")
        count = 0
        # Ids, categories and dates only: never a title or a text.
        for entry in due.iterator():
            count += 1
            self.stdout.write(
                f"entry {entry.pk} on case {entry.case_id}: {entry.category}, case closed "
                f"{entry.case.closed_at:%Y-%m-%d}, kept "
                f"{settings.SAMMEN_RETENTION_YEARS[entry.category]} years"
            )
        self.stdout.write(f"{count} entries would be erased.")
