"""Reading first (issue #16 item 6): the young person's setting, and the end of each share it
held (consent.services.holding). A held share is released only through `share`, under the case
lock, when the young person opens the entry (the `entries_opened` hook), says "share it", turns
reading first off, or when SAMMEN_READ_FIRST_HOURS have passed (the beat); it is cancelled, and
nothing is shared, when it is withdrawn, its rule ended, someone left or the case closed first.
Every end is a conditional change of waiting rows under the case lock, so two at once (an open
and the timeout) release once."""

from collections.abc import Sequence
from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.selectors import access_entry
from cases.services import case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.services import audit_append, notification_create

from .. import links, notifications
from ..models import Disclosure, HeldShare, ReadingFirst
from ..rule_shares import access_held_share, access_reading_first
from ..selectors import rules_covering, sharing_rules_active
from .holding import WAITING_KINDS
from .share import _seeing, share


@transaction.atomic
def reading_first_set(*, case_id: int, actor: User, on: bool) -> bool:
    """Turns reading first on or off for the young person's case; whether it is on now.
    Idempotent (nothing written when it already is as asked). Turning it off releases what it
    held at once."""
    access_reading_first(user=actor, case_id=case_id)
    case = case_lock(case_id)
    case_require_open(case)
    current = ReadingFirst.objects.filter(case=case)
    if on == current.exists():
        return on
    if on:
        ReadingFirst.objects.create(case=case)
    else:
        current.delete()
    audit_append(
        actor=actor,
        action="reading_first.on" if on else "reading_first.off",
        case_id=case.pk,
        object_type="case",
        object_id=str(case.pk),
    )
    if not on:
        _release(
            case=case, held=_waiting(case=case), reason=HeldShare.EndReason.TURNED_OFF, actor=actor
        )
    return on


def _waiting(*, case: Case, entry: Entry | None = None) -> list[HeldShare]:
    """The held shares still waiting on `case` (of one entry), locked. Caller holds the case
    lock."""
    rows = HeldShare.objects.filter(entry__case=case, ended_at__isnull=True)
    if entry is not None:
        rows = rows.filter(entry=entry)
    return list(
        for_update(rows.select_related("entry", "recipient", "requested_by")).order_by("pk")
    )


def _end(held: Sequence[HeldShare], *, reason: str) -> None:
    if held:
        HeldShare.objects.filter(pk__in=[h.pk for h in held]).update(
            ended_at=timezone.now(), end_reason=reason
        )


def _cancelled_why(*, case: Case, held: Sequence[HeldShare]) -> dict[int, str]:
    """Why some of `held` may not be released now (id -> end reason): their rule ended or no
    longer covers the recipient, the recipient or the sharer left the team. The same reads the
    share path makes, so whatever is left passes it."""
    active_rules = set(sharing_rules_active(case=case).values_list("pk", flat=True))
    team = {
        p.user_id: p
        for p in Participant.objects.active()
        .filter(case=case)
        .filter(user_id__in={h.recipient_id for h in held} | {h.requested_by_id for h in held})
    }
    why: dict[int, str] = {}
    for h in held:
        if h.recipient_id not in team or h.requested_by_id not in team:
            why[h.pk] = HeldShare.EndReason.LEFT_CASE
        elif h.rule_id not in active_rules or not rules_covering(
            case=case,
            category=h.entry.category,
            recipients=[team[h.recipient_id]],
            automatic_only=h.automatic,
        ):
            why[h.pk] = HeldShare.EndReason.RULE_ENDED
    return why


def _release(
    *, case: Case, held: list[HeldShare], reason: str, actor: User | None = None
) -> list[Disclosure]:
    """Ends `held` (waiting rows, locked, of `case`) with `reason` and shares what may still be
    shared through the share path, per entry, sharer and kind of rule. Caller holds the case
    lock. On a closed case nothing is shared."""
    if not held:
        return []
    try:
        case_require_open(case)
    except StateConflict:
        _end(held, reason=HeldShare.EndReason.CASE_CLOSED)
        return []
    why = _cancelled_why(case=case, held=held)
    for cancel_reason in set(why.values()):
        _end([h for h in held if why.get(h.pk) == cancel_reason], reason=cancel_reason)
    releasing = [h for h in held if h.pk not in why]
    # Marked released first: the share path then finds nothing to wait for.
    _end(releasing, reason=reason)
    disclosures: list[Disclosure] = []
    key = lambda h: (h.entry_id, h.requested_by_id, h.automatic)  # noqa: E731
    for (_entry_id, _requester, automatic), group in groupby(sorted(releasing, key=key), key=key):
        group_list = list(group)
        entry = group_list[0].entry
        seeing = _seeing(case=case, entry=entry)
        recipients = [h.recipient for h in group_list if h.recipient_id not in seeing]
        if not recipients:
            continue
        made = share(
            entry=entry,
            recipients=recipients,
            actor=group_list[0].requested_by,
            basis=Disclosure.Basis.AGREEMENT,
            automatic=automatic,
        ).disclosures
        by_recipient = {d.recipient_id: d for d in made}
        for h in group_list:
            if h.recipient_id in by_recipient:
                HeldShare.objects.filter(pk=h.pk).update(disclosure=by_recipient[h.recipient_id])
        disclosures += made
    audit_append(
        actor=actor,
        action="share.held_ended",
        case_id=case.pk,
        object_type="held_share",
        data={
            "released": [h.pk for h in releasing],
            "reason": reason,
            "cancelled": {str(pk): cancel for pk, cancel in why.items()},
        },
    )
    return disclosures


@transaction.atomic
def held_shares_release(*, entry_id: int, actor: User) -> list[Disclosure]:
    """The young person's "share it": what waits for them to read `entry` is shared now.
    404 for an entry they cannot open, 403 for anyone else, 409 when nothing waits."""
    entry = access_entry(user=actor, entry_id=entry_id)
    case = case_lock(entry.case_id)
    entry = access_entry(user=actor, entry_id=entry_id)
    if actor.pk != case.youth_id:
        raise PermissionDenied(_("Only the young person says when it may be shared."))
    case_require_open(case)
    held = _waiting(case=case, entry=entry)
    if not held:
        raise StateConflict(_("Nothing is waiting for you to read this."))
    return _release(case=case, held=held, reason=HeldShare.EndReason.YOUTH_SAID, actor=actor)


@transaction.atomic
def held_share_withdraw(*, held_share_id: int, actor: User) -> HeldShare:
    """Stops one waiting share before it goes out: the young person, or the person who shared.
    404 for anyone who may not see it, 409 when it no longer waits. The other one is told."""
    held = access_held_share(user=actor, held_share_id=held_share_id)
    case = case_lock(held.entry.case_id)
    held = for_update(HeldShare.objects.select_related("entry", "requested_by")).get(pk=held.pk)
    access_held_share(user=actor, held_share_id=held.pk)
    case_require_open(case)
    if held.ended_at is not None:
        raise StateConflict(_("This is no longer waiting."))
    _end([held], reason=HeldShare.EndReason.WITHDRAWN)
    held.refresh_from_db()
    audit_append(
        actor=actor,
        action="share.held_withdrawn",
        case_id=case.pk,
        object_type="held_share",
        object_id=str(held.pk),
        data={"entry": held.entry_id, "recipient": held.recipient_id},
    )
    other = held.requested_by if actor.pk == case.youth_id else case.youth
    notification_create(
        recipient=other,
        kind=notifications.HELD_SHARE_WITHDRAWN,
        case_id=case.pk,
        entry_id=held.entry_id,
        target_url=links.held_shares(case)
        if other.pk == case.youth_id
        else links.entry(held.entry),
    )
    return held


def _may_wait_for(*, user: User, entry: Entry) -> bool:
    """Whether a share of `entry` could be waiting for `user` to read it, told without a query
    where the entry says so: only notes, documents and plans wait, never for their author, and
    only for the case's young person (known when the case came with the entry)."""
    if entry.kind not in WAITING_KINDS or entry.author_id == user.pk:
        return False
    return not Entry.case.is_cached(entry) or entry.case.youth_id == user.pk


def held_shares_on_open(*, user: User, entries: Sequence[Entry]) -> None:
    """`user` opened `entries` (cases.services.access_events_record): if they are the young
    person, what waited for them to read each is shared now. No query for opens that cannot
    release anything (a helper opening an entry fetched with its case, a message, one's own
    entry), one otherwise when nothing waits."""
    candidates = [entry for entry in entries if _may_wait_for(user=user, entry=entry)]
    if not candidates:
        return
    waiting = set(
        HeldShare.objects.filter(
            entry__in=[e.pk for e in candidates],
            entry__case__youth=user,
            ended_at__isnull=True,
        ).values_list("entry_id", flat=True)
    )
    for entry in candidates:
        if entry.pk in waiting:
            with transaction.atomic():
                case = case_lock(entry.case_id)
                _release(
                    case=case,
                    held=_waiting(case=case, entry=entry),
                    reason=HeldShare.EndReason.OPENED,
                    actor=user,
                )


def held_shares_timeout() -> int:
    """Beat: shares whose time to read first ran out are shared now, case by case under the
    case lock (re-read there, so a share released meanwhile is not found again). Idempotent.
    Returns how many waited."""
    now = timezone.now()
    case_ids = sorted(
        set(
            HeldShare.objects.filter(ended_at__isnull=True, release_at__lte=now).values_list(
                "entry__case_id", flat=True
            )
        )
    )
    ended = 0
    for case_id in case_ids:
        with transaction.atomic():
            case = case_lock(case_id)
            due = [h for h in _waiting(case=case) if h.release_at <= now]
            _release(case=case, held=due, reason=HeldShare.EndReason.TIMEOUT)
            ended += len(due)
    return ended


def held_shares_cancel(*, case: Case, reason: str) -> None:
    """Ends what waits on `case` without sharing it (the case is closing). Caller holds the
    case lock."""
    _end(_waiting(case=case), reason=reason)
