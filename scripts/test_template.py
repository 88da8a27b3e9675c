"""Prints the name of the migrated database every test database is copied from, making it first
when the migrations (or the dependencies) changed since it was made (scripts/test.sh).

pytest-django creates one test database for each xdist worker and one for the serial run, and
each ran all the migrations (~14 s of CPU each); copied from this template (settings.py,
SAMMEN_TEST_TEMPLATE) each costs a file copy and a migrate that finds nothing to do.

The name printed is that of a copy of the migrated template that also holds the tests'
seeded demo, recorded aside (tests/demo_template.py), made again when the code it is seeded
with changed or it was seeded more than an hour ago: the test databases adopt the record instead
of seeding the demo.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "test_sammen_template_"


def template_name() -> str:
    digest = hashlib.sha256()
    for path in [*sorted(ROOT.glob("*/migrations/*.py")), ROOT / "pyproject.toml"]:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return PREFIX + digest.hexdigest()[:12]


# What the demo is seeded with: the apps (each has apps.py), their templates and translations.
DEMO_SOURCES = ("templates", "locale", "tests/db_reset.py", "tests/demo_template.py")


def demo_template_name(migrated: str) -> str:
    digest = hashlib.sha256()
    sources = [path.parent for path in ROOT.glob("*/apps.py")]
    sources += [ROOT / source for source in DEMO_SOURCES]
    for source in sorted(sources):
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return f"{migrated}_demo_{digest.hexdigest()[:12]}"


def seeded_lately(url) -> bool:  # type: ignore[no-untyped-def]
    """Whether the demo template at `url` was seeded for today, in the time zone it was, and
    within the hour: the demo's times (meetings, deadlines) count from when it was seeded, and
    the tests expect them as a seed at the start of a run (minutes) leaves them."""
    with psycopg2.connect(url.geturl()) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT day = (now() AT TIME ZONE time_zone)::date"
            " AND seeded_at > now() - interval '1 hour' FROM e2e_demo_seeded.day"
        )
        seeded = cursor.fetchone()[0]
    database.close()
    return seeded


def build(  # type: ignore[no-untyped-def]
    cursor, url, name: str, template: str | None, command: list[str]
) -> None:
    # Made under another name and renamed when complete: an interrupted run leaves no half-made
    # template behind, only a stale name dropped below next time.
    building = f"{name}_new"
    cursor.execute(f'DROP DATABASE IF EXISTS "{building}"')
    cursor.execute(
        f'CREATE DATABASE "{building}"' + (f' TEMPLATE "{template}"' if template else "")
    )
    subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coordination.settings",
            "DATABASE_URL": url._replace(path=f"/{building}").geturl(),
        },
        # This script's output is the template's name alone (scripts/test.sh reads it).
        stdout=sys.stderr,
        check=True,
    )
    cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')


def main() -> None:
    migrated = template_name()
    name = demo_template_name(migrated)
    url = urlsplit(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(url._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [PREFIX])
        existing = {row[0] for row in cursor.fetchall()}
        if migrated not in existing:
            # Without the system checks (~0.65 s of CPU, on the longest chain before pytest):
            # test.sh's makemigrations --check runs the same ones beside it.
            build(
                cursor,
                url,
                migrated,
                None,
                ["manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"],
            )
        if name not in existing or not seeded_lately(url._replace(path=f"/{name}")):
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            build(
                cursor,
                url,
                name,
                migrated,
                [
                    "manage.py",
                    "shell",
                    "-v",
                    "0",
                    "-c",
                    "from tests.demo_template import make; make()",
                ],
            )
        for stale in existing - {migrated, name}:
            cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
    admin.close()
    print(name)


if __name__ == "__main__":
    main()
