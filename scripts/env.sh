# Development defaults shared by scripts/*.sh; every value can be overridden from the environment.
# Sourced, not executed.
# Python writes the bytecode of what it compiles, so the many processes of a run (pytest's workers,
# the serial run, the Celery workers and manage.py commands the tests start, make run's server,
# worker and beat) compile the project and the libraries they import once: uv installs them
# uncompiled (Makefile). An environment that sets PYTHONDONTWRITEBYTECODE made each process compile
# them again (~0.5 s of CPU a Django start for the project alone; pytest's rewritten test modules
# likewise). __pycache__ is ignored by git.
export PYTHONDONTWRITEBYTECODE=
export SAMMEN_PG_PORT="${SAMMEN_PG_PORT:-54329}"
export SAMMEN_REDIS_PORT="${SAMMEN_REDIS_PORT:-63799}"
export DEBUG="${DEBUG:-true}"
export DATABASE_URL="${DATABASE_URL:-postgres://sammen:sammen@127.0.0.1:${SAMMEN_PG_PORT}/sammen}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${SAMMEN_REDIS_PORT}/0}"
# The local OpenID providers of the sign-in tests (scripts/oidc_providers.sh).
export SAMMEN_OIDC_IDPORTEN_PORT="${SAMMEN_OIDC_IDPORTEN_PORT:-9414}"
export SAMMEN_OIDC_KOMMUNE_PORT="${SAMMEN_OIDC_KOMMUNE_PORT:-9415}"
