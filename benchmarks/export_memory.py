"""Peak memory of "everything about me" (coordination.exports) for a young person whose case has
2,000 entries and 200 MB of attachments: the zip is written as a stream, so the peak should stay
near the size of the JSON and the pages, far below the attachments.

Builds a throwaway database (`sammen_export_benchmark`, dropped at the end) and a throwaway
MEDIA_ROOT, then builds the export in a fresh child process (so ru_maxrss is the export's own)
and prints: the peak of Python's allocations during the build (tracemalloc), the process's
peak resident size before and after, the zip's size and the time.

    source scripts/env.sh && scripts/services.sh start
    .venv/bin/python benchmarks/export_memory.py [--entries 2000] [--files 200] [--file-mb 1]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")

DATABASE = "sammen_export_benchmark"
MB = 1024 * 1024


def _setup_django() -> None:
    import django

    django.setup()


def build(entries: int, files: int, file_mb: int) -> int:
    """The youth's case: `entries` notes by a nurse, the first `files` with one attachment of
    `file_mb` MB of random bytes each (incompressible, like photos and PDFs). The youth's id."""
    from datetime import date

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from cases.models import Attachment, Participant
    from cases.services import case_create, entry_create, participant_add
    from coordination.models import User
    from services_registry.models import Organization, Service

    service = Service.objects.create(
        name="Skolehelsetjenesten", organization=Organization.objects.create(name="Kommunen")
    )
    youth = User.objects.create(username="sara", birth_date=date(2009, 1, 1))
    nurse = User.objects.create(username="helsesykepleier")
    case = case_create(title="Sara", youth=youth)
    participant_add(
        case=case, user=nurse, role=Participant.Role.HELPER, service=service, actor=None
    )
    written = [
        entry_create(
            case=case,
            author=nurse,
            kind="note",
            category="health",
            title=f"Samtale {n}",
            body="Vi snakket om søvn, skole og venner. " * 20,
        )
        for n in range(entries)
    ]
    for entry in written[:files]:
        name = default_storage.save(
            f"attachments/{entry.pk}.bin", ContentFile(os.urandom(file_mb * MB))
        )
        Attachment.objects.create(
            entry=entry,
            file=name,
            original_name=f"vedlegg-{entry.pk}.pdf",
            content_type="application/pdf",
            size=file_mb * MB,
            uploaded_by=nurse,
        )
    return youth.pk


def measure(youth_id: int) -> None:
    """In the child: build the export and report memory and time."""
    import tracemalloc

    from coordination.exports.services import export_build, export_request
    from coordination.models import Export, User

    user = User.objects.get(pk=youth_id)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    export, _ = export_request(user=user)
    tracemalloc.start()
    started = time.monotonic()
    assert export_build(export_id=export.pk)
    seconds = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    export = Export.objects.get(pk=export.pk)
    print(f"zip: {export.size / MB:.1f} MB in {seconds:.1f} s")
    print(f"tracemalloc peak during the build: {peak / MB:.1f} MB")
    print(f"ru_maxrss before: {rss_before / 1024:.1f} MB, after: {rss_after / 1024:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--file-mb", type=int, default=1)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup_django()
    if args.measure is not None:
        measure(args.measure)
        return

    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DATABASES["default"]["TEST"]["NAME"] = DATABASE
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            started = time.monotonic()
            youth_id = build(args.entries, args.files, args.file_mb)
            print(
                f"built {args.entries} entries, {args.files} x {args.file_mb} MB attachments "
                f"in {time.monotonic() - started:.0f} s"
            )
            url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{DATABASE}").geturl()
            connection.close()
            subprocess.run(
                [sys.executable, __file__, "--measure", str(youth_id)],
                env={**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": media},
                check=True,
            )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
