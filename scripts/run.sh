#!/usr/bin/env bash
# `make run`: services, migrations, demo data, Celery worker + beat and the web server.
# Ctrl-C stops every process this script started, the database and Redis included.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
py=.venv/bin/python

cleanup() {
    trap - INT TERM EXIT
    # Children first (web, worker, beat), then the services this run started.
    kill -TERM $(jobs -p) 2>/dev/null || true
    wait 2>/dev/null || true
    scripts/services.sh stop
}
trap cleanup INT TERM EXIT

scripts/services.sh start
$py manage.py migrate --noinput
$py manage.py seed_demo
.venv/bin/celery -A coordination worker --loglevel=INFO --concurrency=2 &
.venv/bin/celery -A coordination beat --loglevel=INFO --schedule=.data/celerybeat-schedule &
echo "Sammen: http://127.0.0.1:${SAMMEN_WEB_PORT:-8000}/  (Ctrl-C stops everything)"
$py manage.py runserver "127.0.0.1:${SAMMEN_WEB_PORT:-8000}" &
# Whichever process ends first (or Ctrl-C) ends the whole run.
wait -n
