"""Watching (issue #16 item 4): the young person asks to be told whenever someone else opens an
entry, or any entry of a category, on their case. Only the young person watches; an entry they
cannot open (withheld from them) cannot be watched and is never alerted about.

Alerts come from cases.services.access_events_record, the one place an open is recorded (page,
API, attachment, remarks, the conversation, minutes), through ConsentConfig.entries_opened.
"""

from collections.abc import Collection, Iterable, Sequence
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Withholding
from cases.selectors import CASE_IDS_SLOT, access_case, access_entry
from cases.services import case_lock, case_require_open
from coordination.models import User
from coordination.services import audit_append, notification_create
from coordination.statements import AnyOf, CompiledRead, Slot

from .. import links
from ..models import OpenAlert, Watch
from ..notifications import ENTRY_OPENED

# At most one alert per person who opens, per entry, in this time.
ENTRY_OPENED_ALERT_EVERY = timedelta(hours=1)


def _youth_only(*, case: Case, actor: User) -> None:
    if actor.pk != case.youth_id:
        raise PermissionDenied(_("Only the young person can be told when their things are opened."))


@transaction.atomic
def entry_watch(*, entry_id: int, actor: User, watching: bool) -> bool:
    """Starts (or stops) telling the young person when someone else opens the entry; whether
    they watch it now. 404 for an entry the actor cannot open, 403 for anyone but the youth."""
    entry = access_entry(user=actor, entry_id=entry_id)
    case = case_lock(entry.case_id)
    entry = access_entry(user=actor, entry_id=entry_id)
    _youth_only(case=case, actor=actor)
    case_require_open(case)
    _watch_set(case=case, actor=actor, watching=watching, entry=entry)
    return watching


@transaction.atomic
def category_watch(*, case_id: int, category: str, actor: User, watching: bool) -> bool:
    """Like entry_watch, for every entry of `category` on the case, now and later."""
    access_case(user=actor, case_id=case_id)
    case = case_lock(case_id)
    access_case(user=actor, case_id=case_id)
    _youth_only(case=case, actor=actor)
    if category not in Entry.Category.values:
        raise ValidationError({"category": _("Unknown category.")})
    case_require_open(case)
    _watch_set(case=case, actor=actor, watching=watching, category=category)
    return watching


def _watch_set(
    *, case: Case, actor: User, watching: bool, entry: Entry | None = None, category: str = ""
) -> None:
    """Makes the watch exist or not (idempotent: nothing written, nothing audited when it
    already is as asked). Callers hold the case lock."""
    current = Watch.objects.filter(case=case, watcher=actor, entry=entry, category=category)
    if watching == current.exists():
        return
    if watching:
        Watch.objects.create(case=case, watcher=actor, entry=entry, category=category)
    else:
        current.delete()
    audit_append(
        actor=actor,
        action="watch.started" if watching else "watch.ended",
        case_id=case.pk,
        object_type="watch",
        data={"entry": entry.pk} if entry else {"category": category},
    )


def _watches(*, entries: Collection[int], cases: Collection[int], opener: int) -> QuerySet[Watch]:
    """The watches an open of `entries` (on `cases`) by `opener` may alert: of one of the
    entries, or of a category on its case, never the opener's own. Only what the alert uses:
    the watcher comes as their id (a deferred User), not as their whole row. The ids go as two
    array parameters (AnyOf), so the statement's text is the same for any number of entries."""
    return (
        Watch.objects.filter(
            Q(AnyOf(F("entry_id"), entries)) | Q(AnyOf(F("case_id"), cases), entry__isnull=True)
        )
        .exclude(watcher_id=opener)
        .select_related("watcher")
        .only("entry", "case", "category", "watcher__id")
    )


# Every open (the page, the API, a list of messages) looks up watches, and nearly every one finds
# none: _watches' statement is compiled once a process, as building the query was most of the
# open's Python (coordination.statements; the sentinels match no row).
_WATCHES = CompiledRead(
    _watches,
    entries=Slot((-1,), (-2,), param=list),
    cases=CASE_IDS_SLOT,
    opener=Slot(-5, -6),
)


def entries_opened(*, user: User, entries: Sequence[Entry]) -> None:
    """`user` opened `entries`: tells each entry's young person who watches it (the entry or its
    category), unless they opened it themself or it is withheld from them, at most once per
    opener and entry in ENTRY_OPENED_ALERT_EVERY. One query when nobody watches."""
    by_id = {entry.pk: entry for entry in entries}
    watched: Iterable[Watch] = _WATCHES(
        entries=list(by_id), cases=sorted({entry.case_id for entry in entries}), opener=user.pk
    )
    wanted: dict[int, User] = {}  # entry id -> the young person who watches it
    for watch in watched:
        for entry in entries:
            same = watch.entry_id == entry.pk or (
                watch.case_id == entry.case_id and watch.category == entry.category
            )
            if same:
                wanted[entry.pk] = watch.watcher
    if not wanted:
        return
    withheld = set(
        Withholding.objects.filter(entry__in=wanted, ended_at__isnull=True).values_list(
            "entry_id", flat=True
        )
    )
    for entry_id, watcher in wanted.items():
        if entry_id not in withheld and _alert_claimed(
            watcher_id=watcher.pk, entry_id=entry_id, opened_by=user
        ):
            entry = by_id[entry_id]
            notification_create(
                recipient=watcher,
                kind=ENTRY_OPENED,
                case_id=entry.case_id,
                entry_id=entry.pk,
                target_url=links.access_log(entry),
            )


def _alert_claimed(*, watcher_id: int, entry_id: int, opened_by: User) -> bool:
    """Claims the right to alert: a conditional update of the row's time (or its first insert)
    succeeds for one opener's open at a time, so two opens at once alert once."""
    now = timezone.now()
    rows = OpenAlert.objects.filter(watcher_id=watcher_id, entry_id=entry_id, opened_by=opened_by)
    if rows.filter(last_at__lte=now - ENTRY_OPENED_ALERT_EVERY).update(last_at=now):
        return True
    if rows.exists():
        return False
    try:
        with transaction.atomic():
            OpenAlert.objects.create(
                watcher_id=watcher_id, entry_id=entry_id, opened_by=opened_by, last_at=now
            )
    except IntegrityError:
        return False
    return True
