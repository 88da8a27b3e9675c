"""Production's static files: collected with DEBUG off, so the manifest every page's
`{% static %}` reads exists. Collected with DEBUG on (as the Docker image once did) there is
none, and every page of a DEBUG-off server answers 500."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_docker_image_collects_with_the_script():
    assert "scripts/collect_static.sh" in (ROOT / "Dockerfile").read_text()


def test_the_script_writes_the_manifest_production_reads(tmp_path):
    env = os.environ | {"STATIC_ROOT": str(tmp_path), "PYTHON": sys.executable}
    subprocess.run(
        [str(ROOT / "scripts" / "collect_static.sh")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "favicon.svg" in manifest["paths"]
    hashed = manifest["paths"]["favicon.svg"]
    assert (tmp_path / hashed).is_file() and (tmp_path / f"{hashed}.gz").is_file()
