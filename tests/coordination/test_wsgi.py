"""The production server's application (coordination/wsgi.py, which each gunicorn worker
imports): what it loaded is frozen out of the cyclic GC, whose full collections otherwise walk
it all again, every few large reads (the who-knows-what p95 of issue 18)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_freezes_the_loaded_application():
    frozen = subprocess.run(
        [sys.executable, "-c", "import gc, coordination.wsgi; print(gc.get_freeze_count())"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    # Django and the apps: ~170,000 objects; without the freeze, 0.
    assert int(frozen.stdout) > 50_000
