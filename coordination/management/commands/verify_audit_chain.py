import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coordination.selectors import audit_chains_verify, audit_heads_missing


class Command(BaseCommand):
    help = (
        "Checks every chain of the audit log and names the first broken row of each. With "
        "--heads FILE it also checks that each chain still reaches the last row FILE recorded "
        "(so that rows removed from a chain's end show), and then records the current ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--heads",
            type=Path,
            help="a file (best kept where the database's owner cannot write) of each chain's "
            "last row at the previous run",
        )

    def handle(self, *args: object, **options: object) -> None:
        heads_file = options["heads"]
        recorded = self.recorded(heads_file) if isinstance(heads_file, Path) else {}
        report = audit_chains_verify()
        problems = [
            f"Audit chain {event.chain or 'legacy'} broken at row {event.pk} "
            f"({event.action}, {event.created:%Y-%m-%d %H:%M:%S})."
            for event in report.broken
        ]
        problems += [
            f"Audit chain {chain or 'legacy'} lost rows from its end "
            f"(its recorded last row {recorded[chain][0]} is gone)."
            for chain in audit_heads_missing(recorded)
        ]
        if problems:
            raise CommandError(" ".join(problems))
        if isinstance(heads_file, Path):
            heads_file.write_text(json.dumps(report.heads, indent=0, sort_keys=True))
        self.stdout.write(f"Audit chain intact: {report.rows} rows in {report.chains} chains.")

    def recorded(self, path: Path) -> dict[str, tuple[int, str]]:
        """The heads an earlier run recorded, none if the file is not there yet."""
        if not path.exists():
            return {}
        try:
            heads = json.loads(path.read_text())
            return {str(chain): (int(pk), str(hash_)) for chain, (pk, hash_) in heads.items()}
        except (OSError, ValueError, TypeError, AttributeError) as error:
            raise CommandError(f"{path} is not a heads file written by this command.") from error
