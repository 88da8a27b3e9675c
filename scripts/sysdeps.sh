#!/usr/bin/env bash
# Checks the Debian packages Sammen needs; as root installs the missing ones with apt-get,
# otherwise stops with the exact command to run. Usage: sysdeps.sh run|test
set -euo pipefail
mode="${1:-run}"
python="${PYTHON:-python3}"
missing=()

ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# Debian's own Python needs python3-venv for `python -m venv` to bring pip along.
if [[ "$(command -v "$python")" == /usr/bin/* ]] && ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
if [[ "$mode" == test ]]; then
    command -v chromium-headless-shell >/dev/null 2>&1 || missing+=(chromium-headless-shell)
fi

if ((${#missing[@]} == 0)); then
    exit 0
fi
if [[ "$(id -u)" == 0 ]]; then
    echo "Installing missing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Sammen needs these Debian packages. Run:" >&2
    echo "    sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
