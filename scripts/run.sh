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

# Inputs of migrate and seed_demo: every file of the apps (models, migrations, the demo and its
# catalogue), the installed packages, the demo password, the day (the demo's ages count from it)
# and the database itself (its oid changes when it is dropped and made again).
prepared_inputs() {
    {
        find ./*/apps.py -printf '%h\0' | xargs -0 -I{} find {} -type f \( -name '*.py' -o -name '*.json' \) |
            sort | xargs sha256sum
        sha256sum pyproject.toml
        stat -c %Y .venv/.installed
        echo "${SAMMEN_DEMO_PASSWORD:-}" "$DATABASE_URL" "$(TZ=Europe/Oslo date +%F)"
        psql "$DATABASE_URL" -tAc "SELECT oid FROM pg_database WHERE datname = current_database()"
    } | sha256sum | cut -d' ' -f1
}

scripts/services.sh start
# Both run only when one of their inputs changed since they last succeeded here: on a second start
# they would change nothing but bring back demo rows deleted while playing (`rm .data/prepared`
# asks for that), at the cost of two starts of Django and the seed's ~500 statements.
inputs="$(prepared_inputs)"
if [[ "$(cat .data/prepared 2>/dev/null)" != "$inputs" ]]; then
    rm -f .data/prepared
    $py manage.py migrate --noinput
    $py manage.py seed_demo
    echo "$inputs" >.data/prepared
else
    echo "Migrations and demo data are up to date (nothing they depend on changed)."
fi
port="${SAMMEN_WEB_PORT:-8000}"
echo "Sammen: http://127.0.0.1:$port/  (Ctrl-C stops everything)"
$py manage.py runserver "127.0.0.1:$port" &
# The worker and beat start once the web server listens: on 2 cores their start (each imports
# Django) would delay the first page by seconds, and what they do waits in Redis meanwhile.
web_listens() {
    until (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
}
(web_listens && exec .venv/bin/celery -A coordination worker --loglevel=INFO --concurrency=2) &
(web_listens && exec .venv/bin/celery -A coordination beat --loglevel=INFO \
    --schedule=.data/celerybeat-schedule) &
# Whichever process ends first (or Ctrl-C) ends the whole run.
wait -n
