#!/usr/bin/env bash
# `make bench`: the reads of benchmarks/bench.py on the benchmark municipality (database
# sammen_bench, built on the first run, ~2 min, and reused after). Starts PostgreSQL and Redis
# when they are not running (and stops those again afterwards), as scripts/manage.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export SAMMEN_STARTED=".data/started-bench-$$"
trap 'scripts/services.sh stop' EXIT
scripts/services.sh start
.venv/bin/python -m benchmarks.bench "$@"
