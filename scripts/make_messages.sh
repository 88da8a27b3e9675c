#!/usr/bin/env bash
# Refreshes every catalogue (bokmål and nynorsk; English is the source text): strings of an app
# with a locale/ folder go to that folder, the rest (coordination/, templates/) to locale/.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l nb -l nn --no-location --no-obsolete \
    --ignore=.venv --ignore=.data --ignore=tests --ignore=benchmarks --ignore=staticfiles >/dev/null
