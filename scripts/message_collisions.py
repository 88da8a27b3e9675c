#!/usr/bin/env python3
"""Fails when one string (same msgctxt and msgid) is translated differently in two catalogues.

Django merges every app's catalogue into one per language (the project's locale/ wins, then the
apps in INSTALLED_APPS order), so an app whose translation differs from another's silently shows
the other's words: "note" became "merknad" for an entry's kind because the catalogue's language
notes came first. Give a string whose meaning differs a context (pgettext, `context` in
templates); otherwise translate it the same everywhere.

    scripts/message_collisions.py          # nb and nn; exits 1 and lists them when any
"""

import subprocess
import sys
from collections import defaultdict

from untranslated import catalogues, entries

LANGS = ("nb", "nn")


def translated(po: object) -> list[dict[str, str]]:
    output = subprocess.run(
        ["msgattrib", "--translated", "--no-fuzzy", "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [entry for entry in entries(output) if entry.get("msgid")]


def main() -> int:
    found = 0
    for lang in LANGS:
        seen: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for po in catalogues(lang):
            for entry in translated(po):
                key = (entry.get("msgctxt", ""), entry["msgid"])
                seen[key][str(po)] = entry.get("msgstr", entry.get("msgstr[0]", ""))
        for (context, msgid), where in sorted(seen.items()):
            if len(set(where.values())) > 1:
                found += 1
                label = f"{context}|{msgid}" if context else msgid
                print(f"{lang}: {label!r} is translated differently:", file=sys.stderr)
                for po, text in sorted(where.items()):
                    print(f"    {text!r:40} {po}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
