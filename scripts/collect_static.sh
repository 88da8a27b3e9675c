#!/usr/bin/env bash
# Collects the static files as production serves them: DEBUG off, WhiteNoise's compressed
# manifest, which `{% static %}` reads on every page. Collected with DEBUG on there is no
# manifest, and every page of a DEBUG-off server fails. The settings refuse to load with DEBUG
# off without production values; throwaway ones stand in (collectstatic connects to nothing and
# signs nothing). STATIC_ROOT comes from the caller's environment (default: staticfiles/).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
DATABASE_URL="postgres://collectstatic.invalid/none" \
    REDIS_URL="redis://collectstatic.invalid/0" \
    "$PYTHON" scripts/production_env.py https://collectstatic.invalid \
    "$PYTHON" manage.py collectstatic --noinput "$@"
