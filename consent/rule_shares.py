"""Reads about shares under standing rules that happen without the author's click (rules that
share by themselves, issue #19 item 7) or wait for the young person (reading first, issue #16
item 6). The writes are in consent.services.automatic and consent.services.reading_first."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from cases.models import Case, Entry
from cases.selectors import EntryNote, access_case
from coordination.models import User
from coordination.statements import CompiledRead, Slot

from .models import Disclosure, HeldShare, ReadingFirst


def access_reading_first(*, user: User, case_id: int) -> Case:
    """The case whose reading-first setting `user` may see and change: only its young person
    (404 for anyone not on the case, 403 for the others on it)."""
    case = access_case(user=user, case_id=case_id)
    if user.pk != case.youth_id:
        raise PermissionDenied(_("Only the young person chooses to read first."))
    return case


def reading_first_on(*, case: Case) -> bool:
    return ReadingFirst.objects.filter(case=case).exists()


def reading_first_hours() -> int:
    return int(settings.SAMMEN_READ_FIRST_HOURS)


def held_shares_visible(*, user: User, case: Case) -> QuerySet[HeldShare]:
    """What waits for the young person to read it on `case`: all of it for the young person,
    what they shared themself for anyone else (nothing for the rest). Waiting rows only, the
    oldest first."""
    who = Q() if user.pk == case.youth_id else Q(requested_by=user)
    return (
        HeldShare.objects.filter(who, entry__case=case, ended_at__isnull=True)
        .select_related("entry", "recipient", "requested_by", "rule")
        .order_by("created", "id")
    )


def access_held_share(*, user: User, held_share_id: int) -> HeldShare:
    """A held share (waiting or not) of the young person's case for the young person, or one
    `user` asked for; else 404."""
    held = (
        HeldShare.objects.filter(pk=held_share_id)
        .filter(Q(entry__case__youth=user) | Q(requested_by=user))
        .select_related("entry__case__youth", "recipient", "requested_by", "rule")
        .first()
    )
    if held is None:
        raise Http404
    return held


def _names(people: list[User]) -> str:
    return str(get_text_list([p.name for p in people], _("and")))


def _shared_automatically(*, entry: int) -> QuerySet[Disclosure]:
    """entry_sharing_notes' shares made by a rule that shares by itself, the oldest first."""
    return (
        Disclosure.objects.filter(entry_id=entry, automatic=True)
        .select_related("recipient")
        .order_by("granted_at", "id")
    )


def _waiting_for_youth(*, entry: int) -> QuerySet[HeldShare]:
    """entry_sharing_notes' shares that wait for the young person to read the entry first."""
    return (
        HeldShare.objects.filter(entry_id=entry, ended_at__isnull=True)
        .select_related("recipient")
        .order_by("created", "id")
    )


# The author's every open of their entry reads both (the entry API): compiled once a process.
_SHARED_AUTOMATICALLY = CompiledRead(_shared_automatically, entry=Slot(-1, -2))
_WAITING_FOR_YOUTH = CompiledRead(_waiting_for_youth, entry=Slot(-1, -2))


def entry_sharing_notes(*, user: User, entry: Entry) -> list[EntryNote]:
    """For the author of `entry`: with whom it was shared automatically, and who waits for the
    young person to read it first (entry page and entry API; cases.selectors.entry_notes).
    Nobody else is told here: the young person reads it in who-knows-what and on the page of
    what waits for them, recipients in their notification. Two queries for the author, none
    else."""
    if user.pk != entry.author_id:
        return []
    notes = []
    shared = [d.recipient for d in _SHARED_AUTOMATICALLY(entry=entry.pk)]
    if shared:
        notes.append(
            EntryNote(
                kind="shared_automatically",
                text=_("Shared automatically with %(people)s.") % {"people": _names(shared)},
                people=shared,
            )
        )
    waiting = _WAITING_FOR_YOUTH(entry=entry.pk)
    if waiting:
        until = min(h.release_at for h in waiting)
        notes.append(
            EntryNote(
                kind="waiting_for_youth",
                text=_(
                    "Waiting for %(youth)s to read it before it is shared with %(people)s "
                    "(at the latest %(when)s)."
                )
                % {
                    "youth": entry.case.youth.name,
                    "people": _names([h.recipient for h in waiting]),
                    "when": formats.date_format(timezone.localtime(until), "j. F Y H:i"),
                },
                people=[h.recipient for h in waiting],
                until=until,
            )
        )
    return notes
