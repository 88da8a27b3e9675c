from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services import case_legal_hold_set
from coordination.models import User


class Command(BaseCommand):
    help = "Puts a case on legal hold (its content is not erased) or lifts the hold."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_id", type=int)
        parser.add_argument("--by", required=True, help="username of the case administrator")
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--reason", help="why the case is held")
        what.add_argument("--lift", action="store_true", help="lift the hold")

    def handle(self, *args: object, **options: object) -> None:
        try:
            actor = User.objects.get(username=options["by"], is_active=True)
            case = case_legal_hold_set(
                case_id=options["case_id"],  # type: ignore[arg-type]
                actor=actor,
                reason=None if options["lift"] else str(options["reason"]),
            )
        except (ObjectDoesNotExist, PermissionDenied, ValidationError) as refusal:
            raise CommandError(f"Refused: {refusal}") from None
        state = (
            f"held since {case.legal_hold_since:%Y-%m-%d}" if case.legal_hold_since else "not held"
        )
        self.stdout.write(f"Case {case.pk}: {state}.")
