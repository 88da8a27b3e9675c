"""Cases' sections of "everything about me" (coordination.exports): the person's cases with
their teams, their own places on teams, the entries they may open with their attachments (the
files go into the zip), and for a young person the placeholders of what is withheld from them:
the reason, who decided and when, never the entry. Every read goes through the selectors that
limit the pages (`cases_for_user`, `entries_visible`, `withholdings_active`)."""

from collections.abc import Callable
from typing import IO

from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from coordination.exports.sections import ExportFile, ExportSection, code_words, iso
from coordination.models import User

from .models import Attachment, Entry, Participant
from .selectors import cases_for_user, entries_visible, participants_for_case, withholdings_active


def _choices() -> dict[str, dict[str, str]]:
    return {
        "category": code_words(Entry.Category.choices),
        "kind": code_words(Entry.Kind.choices),
        "role": code_words(Participant.Role.choices),
    }


def _attachment_path(attachment: Attachment) -> str:
    name = get_valid_filename(attachment.original_name) or "file"
    return f"files/{attachment.entry_id}/{attachment.pk}-{name}"


def _opener(attachment: Attachment) -> Callable[[], IO[bytes]]:
    return lambda: attachment.file.storage.open(attachment.file.name, "rb")


def _cases(user: User) -> list[dict]:
    items = []
    for case in cases_for_user(user=user):
        team = [
            {
                "name": p.user.name,
                "role": p.role,
                "service": p.service.name if p.service else None,
                "joined": iso(p.joined),
                "left": iso(p.left),
            }
            for p in participants_for_case(case=case)
        ]
        items.append(
            {
                "id": case.pk,
                "title": case.title,
                "status": case.status,
                "young_person": case.youth.name,
                "created": iso(case.created),
                "closed": iso(case.closed_at),
                "closing_summary": case.closing_summary,
                "team": team,
            }
        )
    return items


def _participations(user: User) -> list[dict]:
    """The person's own places on teams, those they left included (a fact about them)."""
    return [
        {
            "case": p.case_id,
            "role": p.role,
            "service": p.service.name if p.service else None,
            "joined": iso(p.joined),
            "left": iso(p.left),
        }
        for p in Participant.objects.filter(user=user)
        .select_related("service")
        .order_by("joined", "id")
    ]


def _entries(user: User) -> tuple[list[dict], list[ExportFile]]:
    entries = list(
        entries_visible(user=user, queryset=Entry.objects.select_related("author")).order_by(
            "case_id", "created", "id"
        )
    )
    attachments: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(entry__in=[e.pk for e in entries]).order_by(
        "created", "id"
    ):
        attachments.setdefault(attachment.entry_id, []).append(attachment)
    items, files = [], []
    for entry in entries:
        described = []
        for attachment in attachments.get(entry.pk, []):
            kept = bool(attachment.file.name) and entry.erased_at is None
            path = _attachment_path(attachment) if kept else None
            described.append(
                {
                    "id": attachment.pk,
                    "name": attachment.original_name,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "created": iso(attachment.created),
                    "file": path,
                }
            )
            if path is not None:
                files.append(
                    ExportFile(path, attachment.size, attachment.created, _opener(attachment))
                )
        items.append(
            {
                "id": entry.pk,
                "case": entry.case_id,
                "kind": entry.kind,
                "category": entry.category,
                "title": entry.title,
                "body": entry.body,
                "author": entry.author.name,
                "created": iso(entry.created),
                "erased": iso(entry.erased_at),
                "attachments": described,
            }
        )
    return items, files


def _withheld(user: User) -> list[dict]:
    """For the young person only: what is kept from them, as the case page shows it."""
    items = []
    for case in cases_for_user(user=user).filter(youth=user):
        for withholding in withholdings_active(case=case):
            items.append(
                {
                    "case": case.pk,
                    "category": withholding.entry.category,
                    "reason": withholding.reason,
                    "decided_by": withholding.decided_by.name,
                    "decided_at": iso(withholding.decided_at),
                }
            )
    return items


def export_sections(*, user: User) -> list[ExportSection]:
    entries, files = _entries(user)
    choices = _choices()
    return [
        ExportSection(
            "cases",
            _("Your cases"),
            _("The cases you are on now, and who is or was on each team."),
            _cases(user),
            choices=choices,
            order=20,
        ),
        ExportSection(
            "participations",
            _("Your places on teams"),
            _("Every time you joined or left a team, also on cases you are no longer on."),
            _participations(user),
            choices=choices,
            order=21,
        ),
        ExportSection(
            "entries",
            _("What you can read"),
            _(
                "Everything written on your cases that you are allowed to see, with the "
                "attached files (in the folder files)."
            ),
            entries,
            files=files,
            choices=choices,
            order=30,
            opened=[entry["id"] for entry in entries],
        ),
        ExportSection(
            "withheld",
            _("What is kept from you"),
            _(
                "Things on your case you are not allowed to see, with the reason the person "
                "who wrote them gave. Only the young person of a case gets this list."
            ),
            _withheld(user),
            choices=choices,
            order=31,
        ),
    ]
