#!/usr/bin/env bash
# `make test`: lint, types, translations, then the whole pytest suite against the real services.
set -euo pipefail
cd "$(dirname "$0")/.."
# pytest runs twice below with `-m` splitting off the serial tests; a `-m` in ARGS would undo that.
for arg in "$@"; do
    if [[ "$arg" == -m* ]]; then
        echo "make test: -m is taken by the serial split; select with paths or -k," \
            "or run .venv/bin/pytest directly" >&2
        exit 2
    fi
done
source scripts/env.sh
# The tests use Redis databases 1 and up (one per xdist worker), so a `make run` on the same
# Redis keeps its queue in database 0.
export REDIS_URL="${REDIS_URL%/*}/1"
export SAMMEN_STARTED=.data/started-test
logs="$(mktemp -d)"
# Background steps still running when a check fails are ended before the services are stopped.
trap 'kill $(jobs -p) 2>/dev/null || true; wait || true; rm -rf "$logs"
    scripts/oidc_providers.sh stop; scripts/services.sh stop' EXIT
# The virtualenv (Makefile; on a fresh clone uv runs for ~20-60 s, much of it waiting on the
# package index and the disk) is made beside the steps that need none of its packages:
# PostgreSQL's initdb and start, Redis, the catalogues' compile. (Asked first whether it is up to
# date, so that a second run says nothing about it, as the Makefile's prerequisite did.)
venv=
if ! make --no-print-directory --question .venv/.installed; then
    make --no-print-directory .venv/.installed &
    venv=$!
fi
scripts/services.sh start
scripts/compile_messages.sh
[[ -z "$venv" ]] || wait "$venv"
# mypy (~20 s of one core without its cache) needs no service: it starts as soon as the
# virtualenv is there and runs beside everything up to pytest; its report is shown when it is
# waited for, before pytest.
.venv/bin/mypy coordination cases consent meetings services_registry voice referrals \
    tests/waiting.py >"$logs/mypy" 2>&1 &
mypy=$!

# In the background, beside the checks below (each waits on PostgreSQL, the checks do not): the
# two real local OpenID providers the sign-in tests drive (tests/oidc_provider/), and the migrated
# template every test database is a copy of (made again when a migration changes).
scripts/oidc_providers.sh start >"$logs/oidc" 2>&1 &
oidc=$!
.venv/bin/python scripts/test_template.py >"$logs/template" 2>"$logs/template-errors" &
template=$!

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
    echo "Model changes without a migration: run manage.py makemigrations" >&2
    exit 1
}
scripts/check_messages.sh

status=0
wait "$mypy" || status=$?
cat "$logs/mypy"
if ((status != 0)); then
    exit "$status"
fi
wait "$oidc" || {
    cat "$logs/oidc" >&2
    exit 1
}
wait "$template" || {
    cat "$logs/template-errors" >&2
    exit 1
}
SAMMEN_TEST_TEMPLATE="$(cat "$logs/template")"
export SAMMEN_TEST_TEMPLATE

# pytest runs twice with the same arguments: first every test but the `serial` ones on
# SAMMEN_TEST_WORKERS pytest-xdist workers (each with its own PostgreSQL and Redis database, see
# tests/conftest.py), then the `serial` ones (they stop Redis) alone.
# The first run lists the modules that hold serial tests, so that the second collects only
# those (tests/conftest.py); without the list (the first run stopped before collecting) the second
# collects everything as before.
parallel=0
serial=0
mkdir "$logs/serial"
SAMMEN_SERIAL_MODULES_OUT="$logs/serial" \
    .venv/bin/pytest -n "${SAMMEN_TEST_WORKERS:-2}" --dist worksteal -m "not serial" "$@" ||
    parallel=$?
if compgen -G "$logs/serial/*" >/dev/null; then
    sort -u "$logs"/serial/* >"$logs/serial-modules"
    export SAMMEN_SERIAL_MODULES="$logs/serial-modules"
fi
.venv/bin/pytest -m serial "$@" -n 0 || serial=$?
# Exit status 5 means "no test selected": fine for one run (a subset without serial tests), not
# for both.
if ((parallel == 5 && serial == 5)); then
    echo "make test: no test selected" >&2
    exit 5
fi
for status in "$parallel" "$serial"; do
    if ((status != 0 && status != 5)); then
        exit "$status"
    fi
done
