#!/usr/bin/env bash
# The two local OpenID providers the sign-in tests drive (tests/oidc_provider/), on loopback:
# an ID-porten-like one on $SAMMEN_OIDC_IDPORTEN_PORT (default 9414) and a municipal, Entra-like
# one on $SAMMEN_OIDC_KOMMUNE_PORT (default 9415), each with its own PostgreSQL database on the
# project's server (scripts/services.sh start must have run) and its own RSA key made at start.
#   oidc_providers.sh start   start both at once (migrate, seed test people and clients, serve)
#   oidc_providers.sh stop    stop the ones this script started (PIDs in .data/oidc-*.pid)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
source scripts/env.sh
root="$(pwd)"
data="$root/.data"
mkdir -p "$data"
python="$root/.venv/bin/python"
export PGPASSWORD=sammen

port_of() {
    if [[ "$1" == idporten ]]; then echo "$SAMMEN_OIDC_IDPORTEN_PORT"; else echo "$SAMMEN_OIDC_KOMMUNE_PORT"; fi
}

start_one() {
    local flavor="$1" port
    port="$(port_of "$flavor")"
    if curl -sf "http://127.0.0.1:$port/o/.well-known/openid-configuration" >/dev/null; then
        return 0
    fi
    if [[ -z "$(psql -h 127.0.0.1 -p "$SAMMEN_PG_PORT" -U sammen -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'sammen_oidc_$flavor'")" ]]; then
        createdb -h 127.0.0.1 -p "$SAMMEN_PG_PORT" -U sammen "sammen_oidc_$flavor"
    fi
    export OIDC_PROVIDER_FLAVOR="$flavor" OIDC_PROVIDER_PORT="$port"
    (cd tests/oidc_provider && "$python" manage.py provider_seed)
    (cd tests/oidc_provider && exec "$python" manage.py runserver --noreload \
        "127.0.0.1:$port") >"$data/oidc-$flavor.log" 2>&1 &
    echo $! >"$data/oidc-$flavor.pid"
    for _ in $(seq 100); do
        if curl -sf "http://127.0.0.1:$port/o/.well-known/openid-configuration" >/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "The $flavor test provider did not start; see $data/oidc-$flavor.log" >&2
    exit 1
}

stop_one() {
    local pidfile="$data/oidc-$1.pid"
    [[ -f "$pidfile" ]] || return 0
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
}

case "${1:-}" in
start)
    # Both at once, each waited on until it answers (or fails).
    start_one idporten &
    idporten=$!
    start_one kommune &
    kommune=$!
    status=0
    wait "$idporten" || status=1
    wait "$kommune" || status=1
    exit "$status"
    ;;
stop)
    stop_one idporten
    stop_one kommune
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
