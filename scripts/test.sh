#!/usr/bin/env bash
# `make test`: lint, types, translations, then the whole pytest suite against the real services.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# The tests use Redis database 1, so a `make run` on the same Redis keeps its queue.
export REDIS_URL="${REDIS_URL%/*}/1"
trap 'scripts/services.sh stop' EXIT
scripts/services.sh start

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy coordination cases consent meetings services_registry voice tests/waiting.py
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
    echo "Model changes without a migration: run manage.py makemigrations" >&2
    exit 1
}
scripts/check_messages.sh
.venv/bin/pytest "$@"
