#!/usr/bin/env bash
# The project's own PostgreSQL cluster and Redis server on loopback, data under .data/.
#   services.sh start   start whichever is not already answering on its port; writes the started ones
#                       to $SAMMEN_STARTED (default .data/started, one name a line) so the caller
#                       can stop exactly those
#   services.sh stop    stop the ones named in $SAMMEN_STARTED
# Callers that may run beside `make run` (make test, make manage) name their own SAMMEN_STARTED,
# so that neither stops the other's services nor forgets its own.
#   services.sh redis-up  start Redis again if it is down
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
source scripts/env.sh
root="$(pwd)"
data="$root/.data"
mkdir -p "$data"
started_file="${SAMMEN_STARTED:-$data/started}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pg_password=sammen

as_postgres() {
    # PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` system user,
    # from a directory that user can enter.
    if [[ "$(id -u)" == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_dir() {
    # The cluster lives in .data/postgres. Where the postgres user cannot reach the clone (a clone
    # under a root-only directory such as mktemp -d), .data/postgres is a link to a directory
    # under /var/lib/sammen that it can reach, one per clone.
    local dir="$data/postgres"
    if [[ -L "$dir" || -d "$dir" ]]; then
        readlink -f "$dir"
        return
    fi
    if [[ "$(id -u)" == 0 ]]; then
        mkdir -p "$dir"
        chown postgres: "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            rmdir "$dir"
            local outside
            outside="/var/lib/sammen/$(echo "$root" | sha1sum | cut -c1-12)"
            mkdir -p "$outside/postgres"
            chown postgres: "$outside" "$outside/postgres"
            chmod 700 "$outside/postgres"
            ln -s "$outside/postgres" "$dir"
        fi
    else
        mkdir -p "$dir"
    fi
    readlink -f "$dir"
}

# Each start_* sets started=yes when it started the service (and is not used as a condition, so
# that `set -e` stays in force inside it).
start_postgres() {
    started=no
    if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$SAMMEN_PG_PORT"; then
        return 0
    fi
    local dir cluster
    dir="$(pg_dir)"
    cluster="$dir/cluster"
    if [[ ! -f "$cluster/PG_VERSION" ]]; then
        local pwfile="$dir/pwfile"
        echo "$pg_password" >"$pwfile"
        [[ "$(id -u)" == 0 ]] && chown postgres: "$pwfile"
        as_postgres "$pg_bin/initdb" -D "$cluster" -U sammen --pwfile="$pwfile" \
            --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
        rm -f "$pwfile"
        cat >>"$cluster/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
synchronous_commit = off
CONF
    fi
    as_postgres "$pg_bin/pg_ctl" -D "$cluster" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $SAMMEN_PG_PORT" start >/dev/null
    started=yes
}

ensure_database() {
    local name="${DATABASE_URL##*/}"
    name="${name%%\?*}"
    export PGPASSWORD="$pg_password"
    if [[ -z "$(psql -h 127.0.0.1 -p "$SAMMEN_PG_PORT" -U sammen -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]]; then
        createdb -h 127.0.0.1 -p "$SAMMEN_PG_PORT" -U sammen "$name"
    fi
}

start_redis() {
    started=no
    if redis-cli -h 127.0.0.1 -p "$SAMMEN_REDIS_PORT" ping >/dev/null 2>&1; then
        return 0
    fi
    mkdir -p "$data/redis"
    redis-server --bind 127.0.0.1 --port "$SAMMEN_REDIS_PORT" --dir "$data/redis" \
        --daemonize yes --pidfile "$data/redis/redis.pid" --logfile "$data/redis/redis.log" \
        --save 60 1 --appendonly no
    for _ in $(seq 50); do
        if redis-cli -h 127.0.0.1 -p "$SAMMEN_REDIS_PORT" ping >/dev/null 2>&1; then
            started=yes
            return 0
        fi
        sleep 0.1
    done
    echo "Redis did not start; see $data/redis/redis.log" >&2
    exit 1
}

stop_services() {
    [[ -f "$started_file" ]] || return 0
    if grep -qx postgres "$started_file"; then
        as_postgres "$pg_bin/pg_ctl" -D "$(readlink -f "$data/postgres")/cluster" -m fast -w stop \
            >/dev/null || true
    fi
    if grep -qx redis "$started_file"; then
        redis-cli -h 127.0.0.1 -p "$SAMMEN_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    fi
    rm -f "$started_file"
}

case "${1:-}" in
start)
    : >"$started_file"
    start_postgres
    [[ "$started" == yes ]] && echo postgres >>"$started_file"
    ensure_database
    start_redis
    [[ "$started" == yes ]] && echo redis >>"$started_file"
    true
    ;;
redis-up)
    # Starts Redis if it is down, without changing what `stop` will stop (used by the tests
    # that stop Redis on purpose).
    start_redis
    ;;
stop) stop_services ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
