#!/usr/bin/env bash
# `make manage ARGS="..."`: a Django management command with the development settings of
# scripts/env.sh, against the database `make run` uses. Starts PostgreSQL and Redis when they are
# not running (and stops those again afterwards), so it works beside `make run` and without it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export SAMMEN_STARTED=".data/started-manage-$$"
trap 'scripts/services.sh stop' EXIT
scripts/services.sh start
.venv/bin/python manage.py migrate --noinput >/dev/null
.venv/bin/python manage.py "$@"
