#!/usr/bin/env python3
"""Lists the untranslated or fuzzy strings of one language, catalogue by catalogue.

    scripts/untranslated.py nn        # what is left to translate into nynorsk
    scripts/untranslated.py nn --refresh   # first refresh the catalogues (make messages)

Each string is shown with its bokmål translation (when the language is not bokmål itself), the
text a nynorsk translation starts from. Exits 1 when something is left, 0 when all is done.
Needs only Python and gettext's msgattrib (as scripts/check_messages.sh does).
"""

import argparse
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def catalogues(lang: str) -> list[Path]:
    project = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    apps = sorted(ROOT.glob(f"*/locale/{lang}/LC_MESSAGES/django.po"))
    return [po for po in [project, *apps] if po.is_file()]


def entries(text: str) -> list[dict[str, str]]:
    """msgctxt/msgid/msgid_plural/msgstr of each entry of a .po text (header left out)."""
    found: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            if current.get("msgid"):
                found.append(current)
            current, key = {}, ""
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif line.startswith("msg"):
            key, _, value = line.partition(" ")
            current.setdefault(key, "")
            current[key] += ast.literal_eval(value)
    return found


def left(po: Path) -> list[dict[str, str]]:
    todo = []
    for flag in ("--untranslated", "--only-fuzzy"):
        output = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        todo += entries(output)
    return todo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lang", help="a catalogue language, e.g. nn or nb")
    parser.add_argument("--refresh", action="store_true", help="run scripts/make_messages.sh first")
    args = parser.parse_args()
    if args.refresh:
        subprocess.run([str(ROOT / "scripts" / "make_messages.sh")], check=True)
    pos = catalogues(args.lang)
    if not pos:
        print(f"No catalogues for {args.lang!r}.", file=sys.stderr)
        return 2
    total = 0
    for po in pos:
        todo = left(po)
        if not todo:
            continue
        bokmal = {}
        if args.lang != "nb":
            sibling = Path(str(po).replace(f"/locale/{args.lang}/", "/locale/nb/"))
            if sibling.is_file():
                bokmal = {
                    (e.get("msgctxt"), e["msgid"]): e.get("msgstr") or e.get("msgstr[0]", "")
                    for e in entries(sibling.read_text())
                }
        print(f"{po.relative_to(ROOT)}: {len(todo)}")
        for entry in todo:
            print(f"  msgid  {entry['msgid']!r}")
            if entry.get("msgid_plural"):
                print(f"  plural {entry['msgid_plural']!r}")
            hint = bokmal.get((entry.get("msgctxt"), entry["msgid"]))
            if hint:
                print(f"  nb     {hint!r}")
        total += len(todo)
    print(f"{total} left in {args.lang}.")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
