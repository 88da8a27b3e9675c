from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from services_registry.hsds.exporter import catalogue_export


class Command(BaseCommand):
    help = (
        "Exports the catalogue as Open Referral HSDS 3 JSON: to one file (PATH ending in .json), "
        "or to a data package folder (an existing folder or a PATH without a suffix)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        catalogue_export(path)
        self.stdout.write(self.style.SUCCESS(f"Exported to {path}"))
