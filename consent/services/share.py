"""Sharing an entry and the disclosures it makes (or the consent request it asks)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.permissions import view_entry_grant, view_entry_revoke
from cases.services import case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.models import User
from coordination.notifications import NotificationKind
from coordination.services import (
    NotificationToCreate,
    audit_append,
    notification_create,
    notifications_create,
)
from coordination.statements import PreparedInsert
from services_registry.models import Service
from services_registry.selectors import intake_staff

from .. import links, notifications
from ..models import (
    PURPOSE_MAX_CHARS,
    ConsentRequest,
    Disclosure,
    HeldShare,
    Room,
    RoomMember,
    RoomMessage,
    SharingRule,
)
from ..periods import ends_at
from ..selectors import (
    authority_for,
    blocked_on,
    deciders_for,
    disclosures_run_out,
    entry_disclosures_active,
    entry_to_share,
    receives_entry,
    rules_covering,
    rules_run_out,
    run_out_on,
    team_receiving,
)
from .holding import reading_first_waits, shares_hold

SHARE_BASES = {
    Disclosure.Basis.AGREEMENT,
    Disclosure.Basis.CONSENT,
    Disclosure.Basis.OWN_CHOICE,
    Disclosure.Basis.LEGAL_DUTY,
}


class ShareBlocked(StateConflict):
    """A recipient is blocked on the case (the API answers 409 with code "blocked"). The
    message names only who; why they are blocked is never told."""

    code = "blocked"


def blocked_check(*, case: Case, recipient_ids: set[int], basis: str | None) -> set[int]:
    """THE block rule of the share path, asked by every path that would let someone see an entry
    (share, consent approval, rule shares, messages, minutes, referral payloads: they all
    reach `share` or `_disclose`). A blocked recipient receives nothing: ShareBlocked, nothing
    written. Only a legal duty goes through; the blocked recipients it reaches are returned, so
    the young person can be alerted. Caller holds the case lock."""
    blocked = blocked_on(case=case, user_ids=recipient_ids)
    if blocked and basis != Disclosure.Basis.LEGAL_DUTY:
        names = ", ".join(user.name for user in User.objects.filter(pk__in=blocked).order_by("pk"))
        raise ShareBlocked(
            _("Nothing was shared: %(names)s may not receive anything on this case.")
            % {"names": names}
        )
    return blocked


@dataclass
class ShareResult:
    status: str  # "shared", "consent_requested" or "waiting_for_youth" (reading first)
    disclosures: list[Disclosure] = field(default_factory=list)
    consent_request: ConsentRequest | None = None
    held: list[HeldShare] = field(default_factory=list)


# The disclosures' INSERT, prepared once a connection (coordination.statements.PreparedInsert).
_DISCLOSURES = PreparedInsert(Disclosure)


def _disclose(
    *,
    case: Case,
    entry: Entry,
    recipients: Sequence[User],
    basis: str,
    granted_by: User,
    rules: dict[int, SharingRule] | None = None,
    request: ConsentRequest | None = None,
    justification: str = "",
    purpose: str = "",
    received_url: str = "",
    room: Room | None = None,
    received_kind: NotificationKind | None = None,
    notify_recipients: bool = True,
    intake_of: Service | None = None,
    automatic: bool = False,
    blocked: set[int] | None = None,
) -> list[Disclosure]:
    """Writes the disclosures, grants view_entry, audits and notifies. Caller holds the case lock
    and has checked that none of the recipients can see the entry yet. Recipients are pointed at
    `received_url`, or at the entry's own page. A message in a room tells the young person, who
    is in every room of their case, with the room's own `received_kind` too. With `intake_of`
    the recipients receive it as that service's intake (a referral's payload), off the team.
    `automatic`: made by a rule that shares by itself when the entry was saved. `purpose`: why,
    as the sharer (or, through an approval, the asker) wrote it. `blocked`: what blocked_check
    returned for these recipients and this basis when the caller asked it under the same lock
    (share asks before any consent request); otherwise it is asked here."""
    if blocked is None:
        blocked = blocked_check(
            case=case, recipient_ids={recipient.pk for recipient in recipients}, basis=basis
        )
    now = timezone.now()
    rules = rules or {}
    disclosures = _DISCLOSURES(
        [
            Disclosure(
                entry=entry,
                recipient=recipient,
                basis=basis,
                rule=rules.get(recipient.pk),
                request=request,
                room=room,
                justification=justification,
                purpose=purpose,
                granted_by=granted_by,
                granted_at=now,
                until=_ends(rule=rules.get(recipient.pk), request=request),
                service=intake_of,
                automatic=automatic,
            )
            for recipient in recipients
        ]
    )
    by_end: dict[datetime | None, list[int]] = {}
    for disclosure in disclosures:
        by_end.setdefault(disclosure.until, []).append(disclosure.recipient_id)
    for until, user_ids in by_end.items():
        view_entry_grant(
            ((entry.pk, user_id) for user_id in user_ids), expires_at=until, via_service=intake_of
        )
    audit_append(
        actor=granted_by,
        action="entry.shared",
        case_id=case.pk,
        object_type="entry",
        object_id=str(entry.pk),
        data={
            "basis": basis,
            "category": entry.category,
            "disclosures": [d.pk for d in disclosures],
            "recipients": [r.pk for r in recipients],
            "rules": sorted({r.pk for r in rules.values()}),
            "consent_request": request.pk if request else None,
            "room": room.pk if room else None,
            "intake_of": str(intake_of.pk) if intake_of else None,
            "automatic": automatic,
            "blocked": sorted(blocked),
        },
    )
    # The young person and every recipient are told by one task after commit.
    notices = []
    if blocked:
        # Who, what and the justification are on who-knows-what, where this points.
        notices.append(
            NotificationToCreate(
                recipient=case.youth,
                kind=notifications.BLOCKED_SHARE_LEGAL_DUTY,
                case_id=case.pk,
                entry_id=entry.pk,
                target_url=links.who_knows_what(case),
            )
        )
    received_kind = received_kind or (
        notifications.MESSAGE_RECEIVED
        if entry.kind == Entry.Kind.MESSAGE
        else notifications.ENTRY_RECEIVED
    )
    received_url = received_url or links.entry(entry)
    if granted_by.pk != case.youth_id:
        in_room = room is not None
        notices.append(
            NotificationToCreate(
                recipient=case.youth,
                kind=received_kind if in_room else notifications.ENTRY_SHARED,
                case_id=case.pk,
                entry_id=entry.pk,
                target_url=received_url if in_room else links.who_knows_what(case),
            )
        )
    notices += [
        NotificationToCreate(
            recipient=recipient,
            kind=received_kind,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=received_url,
        )
        for recipient in (recipients if notify_recipients else ())
    ]
    notifications_create(notices)
    return disclosures


def _ends(*, rule: SharingRule | None, request: ConsentRequest | None) -> datetime | None:
    """When a new disclosure ends by itself: its rule's end date, or its approval's."""
    if rule is not None:
        return ends_at(rule.until)
    return ends_at(request.until) if request is not None else None


def _end_disclosures(
    *,
    case: Case,
    disclosures: Sequence[Disclosure],
    actor: User | None,
    reason: str,
    notify: bool = True,
    kind: NotificationKind = notifications.DISCLOSURE_WITHDRAWN,
) -> None:
    """Ends active disclosures at once: stamp, revoke view_entry, audit, notify with `kind`
    (unless the caller tells everyone concerned in one notification of its own, as closing a
    case does). One whose end date passed already is stamped as ended then, when access ended.
    Caller holds the case lock."""
    if not disclosures:
        return
    now = timezone.now()
    Disclosure.objects.filter(pk__in=[d.pk for d in disclosures]).update(
        withdrawn_at=Least(Coalesce(F("until"), Value(now)), Value(now)),
        withdrawn_by=actor,
        end_reason=reason,
    )
    for disclosure in disclosures:
        ended = min(disclosure.until or now, now)
        disclosure.withdrawn_at, disclosure.withdrawn_by = ended, actor
        disclosure.end_reason = reason
    view_entry_revoke((d.entry_id, d.recipient_id) for d in disclosures)
    audit_append(
        actor=actor,
        action="disclosure.ended",
        case_id=case.pk,
        object_type="disclosure",
        object_id=str(disclosures[0].pk) if len(disclosures) == 1 else "",
        data={"reason": reason, "disclosures": [d.pk for d in disclosures]},
    )
    if not notify:
        return
    for disclosure in disclosures:
        notification_create(
            recipient=disclosure.recipient,
            kind=kind,
            case_id=case.pk,
            entry_id=disclosure.entry_id,
        )
        if actor is None or actor.pk != case.youth_id:
            notification_create(
                recipient=case.youth,
                kind=kind,
                case_id=case.pk,
                entry_id=disclosure.entry_id,
                target_url=links.who_knows_what(case),
            )


def _expire_due(*, case: Case, due: bool | None = None) -> int:
    """Ends what has run out on `case`: rules past their last day, and disclosures past their
    end (reason expired; the recipient and the youth are told with disclosure_expired). Access
    ended at that moment already (cases.selectors.entries_visible); this records it, so a share
    under the lock sees the state as it is. Caller holds the case lock; a second call finds
    nothing. `due`: whether anything has run out, as the caller read it under the same lock
    (share reads it with its access check); None asks here, in one statement, before the two
    reads of what ran out, which almost never find anything. Returns how many disclosures
    ended."""
    now = timezone.now()
    today = timezone.localdate(now)
    if due is None:
        due = (
            Case.objects.filter(pk=case.pk)
            .filter(run_out_on(case=OuterRef("pk"), now=now, today=today))
            .exists()
        )
    if not due:
        return 0
    rules = list(rules_run_out(today=today).filter(case=case).order_by("pk"))
    for rule in rules:
        rule.ended_at = ends_at(rule.until)
        rule.save(update_fields=["ended_at"])
        audit_append(
            actor=None,
            action="rule.expired",
            case_id=case.pk,
            object_type="sharing_rule",
            object_id=str(rule.pk),
            data={"category": rule.category},
        )
    due_disclosures = list(
        disclosures_run_out(now=now)
        .filter(entry__case=case)
        .select_related("recipient")
        .order_by("pk")
    )
    _end_disclosures(
        case=case,
        disclosures=due_disclosures,
        actor=None,
        reason=Disclosure.EndReason.EXPIRED,
        kind=notifications.DISCLOSURE_EXPIRED,
    )
    return len(due_disclosures)


def _seeing(*, case: Case, entry: Entry, receiving: set[int] | None = None) -> set[int]:
    """Who may not receive `entry` again: the youth, its author and its active recipients
    (`receiving`: those of them the caller read with the people it asks about)."""
    if receiving is None:
        receiving = set(
            entry_disclosures_active(entry=entry).values_list("recipient_id", flat=True)
        )
    return {case.youth_id, entry.author_id} | receiving


def _validate_recipients(
    *, case: Case, entry: Entry, recipient_ids: set[int], intake_of: Service | None = None
) -> tuple[list[User], list[Participant]]:
    """The recipients, who cannot see the entry yet, or a 400 naming the problem; and those of
    them on the team, as participants (what standing rules key on). Everyone must be on the
    team, except the intake of `intake_of` (a referral's payload): they receive the entry
    without joining the case."""
    if not recipient_ids:
        raise ValidationError({"recipients": _("Choose at least one person to share with.")})
    # Read with each of them: whether they receive the entry already (for _seeing; one round
    # trip less for every share).
    team = {p.user_id: p for p in team_receiving(case=case, entry=entry, user_ids=recipient_ids)}
    users = {user_id: p.user for user_id, p in team.items()}
    receiving = {user_id for user_id, p in team.items() if p.receives}  # type: ignore[attr-defined]
    if intake_of is not None:
        for staff in (
            intake_staff(service_id=intake_of.pk)
            .filter(user_id__in=recipient_ids)
            .select_related("user")
            .annotate(receives=receives_entry(entry=entry))
        ):
            users[staff.user_id] = staff.user
            if staff.receives:
                receiving.add(staff.user_id)
    outsiders = sorted(recipient_ids - set(users))
    if outsiders:
        raise ValidationError(
            {
                "recipients": _(
                    "Only people on the team can receive an entry (not on it: %(ids)s)."
                )
                % {"ids": ", ".join(map(str, outsiders))}
            }
        )
    already = sorted(recipient_ids & _seeing(case=case, entry=entry, receiving=receiving))
    if already:
        raise ValidationError(
            {
                "recipients": _("These people can already see the entry: %(ids)s.")
                % {"ids": ", ".join(map(str, already))}
            }
        )
    return (
        [users[user_id] for user_id in sorted(recipient_ids)],
        [team[user_id] for user_id in sorted(team)],
    )


def _purpose_check(purpose: str | None, *, required: bool) -> str:
    """The purpose, trimmed, or a 400 on `purpose`: too long, or missing where it is `required`
    and the caller asks for one (`purpose` not None: the API and the share form)."""
    text = (purpose or "").strip()
    if len(text) > PURPOSE_MAX_CHARS:
        raise ValidationError(
            {"purpose": _("Write at most %(max)d characters.") % {"max": PURPOSE_MAX_CHARS}}
        )
    if purpose is not None and required and not text:
        raise ValidationError(
            {
                "purpose": _(
                    "Write why you share this. No standing rule covers everyone you chose, so "
                    "whoever decides reads it."
                )
            }
        )
    return text


@transaction.atomic
def share(
    *,
    entry: Entry,
    recipients: Sequence[User],
    actor: User,
    basis: str | None = None,
    justification: str = "",
    purpose: str | None = None,
    received_url: str = "",
    room: Room | None = None,
    received_kind: NotificationKind | None = None,
    notify_recipients: bool = True,
    automatic: bool = False,
) -> ShareResult:
    """Shares `entry` with `recipients`, or asks the consent authority.

    `received_url` is where the recipients' notification points when the entry lives on a page
    of a higher app (a message in voice's conversation); by default the entry's own page, and
    `received_kind` the kind they are told with (by default entry_received or
    message_received). `notify_recipients=False` when the caller tells them once itself.

    A message in a `room` (consent.Room) goes only to people in that room, shared by its author
    or, for earlier messages shown to someone the young person adds, by the young person. The
    basis is the room: `own_choice` for what the young person wrote, else `room` (the members
    the young person chose are their standing consent for that conversation).
    `automatic`: the share a rule that shares by itself makes when the entry is saved
    (consent.services.automatic; recorded on the disclosures).

    Only the author starts a share (the youth too, for what they wrote: basis own_choice). With
    no basis the path decides: every recipient covered by a standing rule -> `agreement`
    (held until the young person has read the entry when they chose reading first:
    consent.services.holding), otherwise a consent request for all of them. `legal_duty` needs a
    justification, which the youth sees.

    `purpose` (why, shown to the decider and on who-knows-what) is stored on the request and the
    disclosures. A caller that passes one (the API and the share form) must write it unless a
    standing rule covers every recipient or the youth shares their own entry; None (workflows
    such as minutes and messages) asks for none.
    """
    case = case_lock(entry.case_id)
    read = entry_to_share(user=actor, entry_id=entry.pk)
    entry = read.entry
    shows_room_history = room is not None and actor.pk == case.youth_id
    if actor.pk != entry.author_id and not shows_room_history:
        raise PermissionDenied(_("Only the person who wrote an entry can share it."))
    case_require_open(case)
    _expire_due(case=case, due=read.expiry_due)
    if room is not None:
        return _share_in_room(
            case=case,
            entry=entry,
            recipients=recipients,
            actor=actor,
            room=room,
            basis=basis,
            received_url=received_url,
            received_kind=received_kind,
            notify_recipients=notify_recipients,
        )
    if basis is not None and basis not in SHARE_BASES:
        raise ValidationError({"basis": _("Unknown basis for sharing.")})
    justification = justification.strip()
    actor_is_youth = actor.pk == case.youth_id
    if actor_is_youth and basis not in (None, Disclosure.Basis.OWN_CHOICE):
        raise ValidationError({"basis": _("What you wrote yourself you share by your own choice.")})
    if not actor_is_youth and basis == Disclosure.Basis.OWN_CHOICE:
        raise ValidationError({"basis": _("Only the young person shares by their own choice.")})
    if basis == Disclosure.Basis.LEGAL_DUTY and not justification:
        raise ValidationError(
            {"justification": _("Write which legal duty requires this; the young person sees it.")}
        )
    users, participants = _validate_recipients(
        case=case, entry=entry, recipient_ids={user.pk for user in recipients}
    )
    # Before anything is asked: a blocked person is not even the subject of a consent request.
    blocked = blocked_check(case=case, recipient_ids={user.pk for user in users}, basis=basis)

    rules: dict[int, SharingRule] = {}
    if actor_is_youth:
        basis = Disclosure.Basis.OWN_CHOICE
    elif basis != Disclosure.Basis.LEGAL_DUTY:
        rules = rules_covering(
            case=case, category=entry.category, recipients=participants, automatic_only=automatic
        )
        if len(rules) < len(users) and basis == Disclosure.Basis.AGREEMENT:
            raise ValidationError(
                {
                    "basis": _(
                        "No standing rule covers everyone you chose; leave the basis empty to ask."
                    )
                }
            )
        if len(rules) < len(users) or basis == Disclosure.Basis.CONSENT:
            return ShareResult(
                "consent_requested",
                consent_request=_consent_request_create(
                    case=case,
                    entry=entry,
                    recipients=users,
                    requested_by=actor,
                    purpose=_purpose_check(purpose, required=True),
                ),
            )
        basis = Disclosure.Basis.AGREEMENT
    # Covered by a rule, or the youth's own choice: the purpose is optional; a legal duty not.
    text = _purpose_check(purpose, required=basis == Disclosure.Basis.LEGAL_DUTY)
    if basis == Disclosure.Basis.AGREEMENT and reading_first_waits(
        case=case, entry=entry, reading_first=read.reading_first
    ):
        return ShareResult(
            "waiting_for_youth",
            held=shares_hold(
                case=case,
                entry=entry,
                recipients=users,
                rules=rules,
                actor=actor,
                automatic=automatic,
            ),
        )
    return ShareResult(
        "shared",
        _disclose(
            case=case,
            entry=entry,
            recipients=users,
            basis=basis,
            granted_by=actor,
            rules=rules,
            justification=justification if basis == Disclosure.Basis.LEGAL_DUTY else "",
            purpose=text,
            received_url=received_url,
            automatic=automatic and basis == Disclosure.Basis.AGREEMENT,
            # Asked above with the caller's basis: it let through only an empty set or a legal
            # duty, which keeps its basis, so asking again under the same lock tells nothing new.
            blocked=blocked,
        ),
    )


def _share_in_room(
    *,
    case: Case,
    entry: Entry,
    recipients: Sequence[User],
    actor: User,
    room: Room,
    basis: str | None,
    received_url: str,
    received_kind: NotificationKind | None,
    notify_recipients: bool,
) -> ShareResult:
    """The room's members are the consent: every recipient must be in the room now, and so must
    the actor (or be the young person). Caller holds the case lock."""
    room = Room.objects.get(pk=room.pk)
    if room.case_id != case.pk or not RoomMessage.objects.filter(room=room, entry=entry).exists():
        raise ValidationError({"room": _("This is not a message in that room.")})
    if basis is not None:
        raise ValidationError({"basis": _("A message in a room is shared by the room.")})
    if room.is_closed:
        raise StateConflict(_("The room is closed."))
    members = set(
        RoomMember.objects.filter(room=room, left_at__isnull=True).values_list("user_id", flat=True)
    )
    if actor.pk != case.youth_id and actor.pk not in members:
        raise PermissionDenied(_("Only people in the room can write there."))
    recipient_ids = {user.pk for user in recipients}
    outside = sorted(recipient_ids - members)
    if outside:
        raise ValidationError(
            {
                "recipients": _(
                    "Only people in the room can get its messages (not in it: %(ids)s)."
                )
                % {"ids": ", ".join(map(str, outside))}
            }
        )
    users, _participants = _validate_recipients(case=case, entry=entry, recipient_ids=recipient_ids)
    youth_wrote = entry.author_id == case.youth_id
    return ShareResult(
        "shared",
        _disclose(
            case=case,
            entry=entry,
            recipients=users,
            basis=Disclosure.Basis.OWN_CHOICE if youth_wrote else Disclosure.Basis.ROOM,
            granted_by=actor,
            received_url=received_url,
            room=room,
            received_kind=received_kind,
            notify_recipients=notify_recipients,
        ),
    )


def _consent_request_create(
    *,
    case: Case,
    entry: Entry,
    recipients: list[User],
    requested_by: User,
    intake_of: Service | None = None,
    purpose: str = "",
) -> ConsentRequest:
    authority = authority_for(case=case, category=entry.category)
    deciders = deciders_for(case=case, category=entry.category)
    if not deciders:
        raise ValidationError(
            {"recipients": _("Nobody on the team can give consent yet: a guardian must be added.")}
        )
    request = ConsentRequest.objects.create(
        entry=entry,
        requested_by=requested_by,
        youth_opinion_asked=authority.youth_opinion_asked,
        service=intake_of,
        purpose=purpose,
    )
    request.recipients.set(recipients)
    request.deciders.set(deciders)
    audit_append(
        actor=requested_by,
        action="consent.requested",
        case_id=case.pk,
        object_type="consent_request",
        object_id=str(request.pk),
        data={
            "entry": entry.pk,
            "category": entry.category,
            "recipients": [r.pk for r in recipients],
            "deciders": [d.pk for d in deciders],
            "intake_of": str(intake_of.pk) if intake_of else None,
        },
    )
    for decider in deciders:
        notification_create(
            recipient=decider,
            kind=notifications.CONSENT_REQUESTED,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=links.consent_request(request),
        )
    if authority.youth_opinion_asked:
        # The youth is asked for their view when their guardians decide.
        notification_create(
            recipient=case.youth,
            kind=notifications.CONSENT_REQUESTED,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=links.consent_request(request),
        )
    return request
