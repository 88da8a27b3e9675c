from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from services_registry.hsds.formats import ImportRejected
from services_registry.hsds.importer import skipped_lines
from services_registry.services import catalogue_import_path


class Command(BaseCommand):
    help = (
        "Imports Open Referral HSDS 3: a nested organization file, one compiled service or "
        "organization, an HSDS API page of either, or a data package folder of JSON or CSV "
        "tables. Each bad record is reported with its id and field and rejects its "
        "organization; every other organization loads in its own transaction. Fields and tables "
        "Sammen does not keep are listed. Running it again updates, never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    @no_translations  # the command speaks English, like the rest of its output
    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        try:
            report = catalogue_import_path(path=path)
        except ImportRejected as error:
            raise CommandError(str(error)) from error
        saved = sum(report.saved.values())
        self.stdout.write(
            f"Organizations loaded: {report.organizations_loaded}; rows saved: {saved}, "
            f"unchanged: {report.unchanged}, deleted: {report.deleted}."
        )
        for line in skipped_lines(report):
            self.stdout.write(line)
        if report.errors:
            for problem in report.errors:
                self.stderr.write(f"ERROR {problem}")
            rejected = ", ".join(report.rejected_organizations) or "none"
            raise CommandError(
                f"{len(report.errors)} bad record(s); organizations not imported: {rejected}"
            )
        self.stdout.write(self.style.SUCCESS("Import complete."))
