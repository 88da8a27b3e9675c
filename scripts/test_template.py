"""Prints the name of the migrated database every test database is copied from, making it first
when the migrations (or the dependencies) changed since it was made (scripts/test.sh).

pytest-django creates one test database for each xdist worker and one for the serial run, and
each ran all the migrations (~14 s of CPU each); copied from this template (settings.py,
SAMMEN_TEST_TEMPLATE) each costs a file copy and a migrate that finds nothing to do.
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


def main() -> None:
    name = template_name()
    url = urlsplit(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(url._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [PREFIX])
        existing = {row[0] for row in cursor.fetchall()}
        if name not in existing:
            # Migrated under another name and renamed when complete: an interrupted run leaves
            # no half-migrated template behind, only a stale name dropped below next time.
            building = f"{name}_new"
            cursor.execute(f'DROP DATABASE IF EXISTS "{building}"')
            cursor.execute(f'CREATE DATABASE "{building}"')
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": url._replace(path=f"/{building}").geturl()},
                check=True,
            )
            cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        for stale in existing - {name}:
            cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
    admin.close()
    print(name)


if __name__ == "__main__":
    main()
