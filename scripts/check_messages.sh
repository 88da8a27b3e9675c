#!/usr/bin/env bash
# Fails when a bokmål or nynorsk catalogue misses a string the code uses, or has one
# untranslated or fuzzy. Each app keeps its own catalogues (<app>/locale/<lang>/), the project
# ones are locale/<lang>/; so parallel work on different apps never edits the same file.
# Catalogues are refreshed in place so the developer sees exactly what to translate;
# scripts/untranslated.py <lang> lists what is left, file by file.
set -euo pipefail
cd "$(dirname "$0")/.."
LANGS=(nb nn)
catalogues() {
    for lang in "${LANGS[@]}"; do
        ls "locale/$lang/LC_MESSAGES/django.po" */locale/"$lang"/LC_MESSAGES/django.po 2>/dev/null
    done
}
fingerprint() { catalogues | xargs cat | grep -v '^"POT-Creation-Date' | sha256sum; }
before="$(fingerprint)"
scripts/make_messages.sh
if [[ "$(fingerprint)" != "$before" ]]; then
    echo "catalogues were out of date and have been refreshed; translate and commit them:" >&2
    git --no-pager diff --stat -- $(catalogues) >&2 || true
    exit 1
fi
status=0
for po in $(catalogues); do
    if [[ -n "$(msgattrib --untranslated --no-obsolete "$po")$(msgattrib --only-fuzzy --no-obsolete "$po")" ]]; then
        echo "$po: untranslated or fuzzy entries:" >&2
        msgattrib --untranslated "$po" >&2
        msgattrib --only-fuzzy "$po" >&2
        status=1
    fi
    msgfmt --check -o "${po%.po}.mo" "$po"
done
python3 scripts/message_collisions.py || status=1
exit $status
