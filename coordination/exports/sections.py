"""What goes into "everything about me": each app offers the sections it owns through
`export_sections(self, *, user) -> list[ExportSection]` on its AppConfig (assembled like the
home page, so the platform imports none of the apps above it). Every app builds its sections
from its own selectors, which already limit what `user` may see: a section never holds more
than the person could read in Sammen themself."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.apps import apps
from django.utils.functional import Promise

from ..models import User


@dataclass(frozen=True)
class ExportFile:
    """A file in the zip, read in chunks when the zip is written (never held whole)."""

    path: str
    size: int
    modified: datetime
    open: Callable[[], IO[bytes]]


@dataclass(frozen=True)
class ExportSection:
    """One section: a key of the JSON's `sections` (and its page `<key>.html`), a title and a
    sentence in plain words for the readable page, the items (JSON values only), and the files
    the items name by their `file` path. `choices` turns codes into words on the readable page
    ({"category": {"school": "skole"}}); the JSON keeps the codes."""

    key: str
    title: str | Promise
    intro: str | Promise
    items: list[dict[str, Any]]
    files: list[ExportFile] = field(default_factory=list)
    choices: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: int = 100
    # Entries whose content the section carries: once the export is ready, the app that owns
    # them records that the person opened them (`entries_exported` on its AppConfig).
    opened: list[int] = field(default_factory=list)


def export_sections(*, user: User) -> list[ExportSection]:
    """Every app's sections about `user`, in their order."""
    sections: list[ExportSection] = []
    for config in apps.get_app_configs():
        provide = getattr(config, "export_sections", None)
        if provide is not None:
            sections.extend(provide(user=user))
    return sorted(sections, key=lambda section: (section.order, section.key))


def entries_exported(*, user: User, sections: list[ExportSection]) -> None:
    """Tells the apps which entries went into a ready export of `user`, in its transaction."""
    entry_ids = sorted({entry_id for section in sections for entry_id in section.opened})
    for config in apps.get_app_configs():
        record = getattr(config, "entries_exported", None)
        if record is not None:
            record(user=user, entry_ids=entry_ids)


def read_chunks(opened: IO[bytes], chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    with opened:
        while chunk := opened.read(chunk_size):
            yield chunk


def code_words(choices: list[tuple[Any, Any]]) -> dict[str, Any]:
    """A model's choices as {code: words} for `ExportSection.choices`."""
    return {str(value): label for value, label in choices}


def iso(moment: datetime | date | None) -> str | None:
    """A time or day in the JSON: ISO 8601 (times with their offset), or null."""
    return moment.isoformat() if moment is not None else None
