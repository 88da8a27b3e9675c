#!/usr/bin/env bash
# Fails when the Norwegian catalogue misses a string the code uses, or has one untranslated/fuzzy.
# The catalogue is refreshed in place so the developer sees exactly what to translate.
set -euo pipefail
cd "$(dirname "$0")/.."
po=locale/nb/LC_MESSAGES/django.po
strip() { grep -v '^"POT-Creation-Date' "$po"; }
before="$(strip | sha256sum)"
.venv/bin/python manage.py makemessages -l nb --no-location --no-obsolete \
    --ignore=.venv --ignore=.data --ignore=tests --ignore=benchmarks >/dev/null
if [[ "$(strip | sha256sum)" != "$before" ]]; then
    echo "locale/nb: the catalogue was out of date and has been refreshed; translate and commit it:" >&2
    git --no-pager diff --stat -- "$po" >&2 || true
    exit 1
fi
untranslated="$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid' || true)"
fuzzy="$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid' || true)"
if [[ "$untranslated" != 0 || "$fuzzy" != 0 ]]; then
    echo "locale/nb: untranslated or fuzzy entries:" >&2
    msgattrib --untranslated "$po" >&2
    msgattrib --only-fuzzy "$po" >&2
    exit 1
fi
msgfmt --check -o locale/nb/LC_MESSAGES/django.mo "$po"
