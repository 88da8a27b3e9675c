"""The zip of "everything about me", written as a stream: `data/export.json` (the machine-readable
part, valid against `export.schema.json`, published at /api/export-schema.json), a readable page
per section in the person's language with `index.html` linking them, and the attachments under
`files/`. stream-zip yields the archive in chunks as it reads each file in chunks, so an export
with hundreds of megabytes of attachments never holds more than a chunk of them in memory (the
JSON and the pages are built whole: text only)."""

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from stream_zip import ZIP_AUTO, stream_zip

from ..models import User
from .labels import FIELD_LABELS
from .sections import ExportSection, read_chunks

FORMAT = "sammen-export"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("export.schema.json")
FILE_MODE = 0o600


def schema_url() -> str:
    return settings.SAMMEN_BASE_URL.rstrip("/") + reverse("export-schema")


def export_document(
    *, user: User, sections: list[ExportSection], generated: datetime
) -> dict[str, Any]:
    """The machine-readable part: the sections' items under their keys."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema": schema_url(),
        "generated": generated.isoformat(),
        "language": user.preferred_language,
        "person": {"id": user.pk, "username": user.username, "display_name": user.name},
        "sections": {section.key: section.items for section in sections},
    }


# An ISO 8601 day or time as export_document writes them (sections.iso).
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z))?")


def _moment_in_words(text: str) -> str:
    """A day as "3. mars 2026", a time as "3. mars 2026 14:05" (local time), in the active
    language; text that only looks like a day (a title "2026-13-45") stays as it is."""
    try:
        if "T" not in text:
            return formats.date_format(date.fromisoformat(text), "j. F Y")
        moment = timezone.localtime(datetime.fromisoformat(text))
    except ValueError:
        return text
    return formats.date_format(moment, "j. F Y H:i")


def _readable(value: Any, *, key: str = "", choices: dict[str, dict[str, Any]]) -> SafeString:
    """A JSON value as HTML for people: codes in words (`choices`), lists as lists, objects as
    definitions, links as links; everything escaped."""
    if value is None or value == "":
        return format_html("<span class=none>{}</span>", "–")
    if value == []:
        return format_html("<span class=none>{}</span>", _("nothing"))
    if isinstance(value, bool):
        return format_html("{}", _("yes") if value else _("no"))
    if isinstance(value, dict):
        rows = (
            (FIELD_LABELS.get(name, name), _readable(item, key=name, choices=choices))
            for name, item in value.items()
        )
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))
    if isinstance(value, list):
        items = ((_readable(item, key=key, choices=choices),) for item in value)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", items))
    text = str(value)
    if key in choices and text in choices[key]:
        return format_html("{}", choices[key][text])
    if ISO_MOMENT.fullmatch(text):
        return format_html("{}", _moment_in_words(text))
    if key in ("url", "file") and (text.startswith(("http://", "https://", "files/"))):
        return format_html('<a href="{}">{}</a>', text, text)
    return format_html("{}", text)


def _page(template: str, context: dict[str, Any]) -> bytes:
    return render_to_string(template, context).encode()


def readable_pages(
    *, user: User, sections: list[ExportSection], generated: datetime
) -> Iterator[tuple[str, bytes]]:
    """(file name, HTML) of the index and one page per section, in the person's language."""
    with translation.override(user.preferred_language):
        common = {"person": user, "generated": generated, "sections": sections}
        yield "index.html", _page("exports/index.html", common)
        for section in sections:
            items = [_readable(item, choices=section.choices) for item in section.items]
            context = {**common, "section": section, "items": items}
            yield f"{section.key}.html", _page("exports/section.html", context)


# Attachments are mostly compressed already (PDF, JPEG, PNG, Office files): the fastest deflate
# level costs a fraction of the CPU of the default and gains nearly as much on the rest.
FILE_LEVEL = 1
TEXT_LEVEL = 9


def _member(
    name: str, modified: datetime, size: int, chunks: Iterable[bytes], *, level: int = TEXT_LEVEL
) -> tuple:
    return (name, modified, FILE_MODE, ZIP_AUTO(size, level=level), chunks)


def zip_chunks(*, user: User, sections: list[ExportSection]) -> Iterable[bytes]:
    """The archive, chunk by chunk; attachments are opened one at a time as the zip reaches
    them."""
    generated = timezone.now()
    folder = f"sammen-{user.username}-{timezone.localdate(generated).isoformat()}"

    def members() -> Iterator[tuple]:
        document = json.dumps(
            export_document(user=user, sections=sections, generated=generated),
            ensure_ascii=False,
            indent=1,
            default=str,
        ).encode()
        yield _member(f"{folder}/data/export.json", generated, len(document), (document,))
        for name, page in readable_pages(user=user, sections=sections, generated=generated):
            yield _member(f"{folder}/{name}", generated, len(page), (page,))
        for section in sections:
            for file in section.files:
                chunks = read_chunks(file.open())
                path = f"{folder}/{file.path}"
                yield _member(path, file.modified, file.size, chunks, level=FILE_LEVEL)

    return stream_zip(members())
