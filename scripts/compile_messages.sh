#!/usr/bin/env bash
# Compiles every bokmål and nynorsk catalogue (the .mo files are build products, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
for po in locale/{nb,nn}/LC_MESSAGES/django.po */locale/{nb,nn}/LC_MESSAGES/django.po; do
    [[ -f "$po" ]] && msgfmt --check -o "${po%.po}.mo" "$po"
done
true
