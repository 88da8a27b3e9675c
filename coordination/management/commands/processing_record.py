from django.core.management.base import BaseCommand, CommandError

from coordination.processing import processing_record_markdown, undescribed_models


class Command(BaseCommand):
    help = "Prints the record of processing activities (GDPR Art. 30) as Markdown."

    def handle(self, *args: object, **options: object) -> None:
        missing = undescribed_models()
        if missing:
            raise CommandError("Not described in coordination/processing.py: " + ", ".join(missing))
        self.stdout.write(processing_record_markdown())
