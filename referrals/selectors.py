"""Reads for referrals. Who sees a referral is one rule, `referrals_visible`, in SQL; anyone
else gets 404 (`access_referral`), exactly like a referral that does not exist."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.selectors import (
    CASE_IDS_SLOT,
    ENTRIES_VISIBLE_SLOTS,
    TODAY_SLOT,
    entries_visible,
    entry_content_type_id,
    participant_active,
    takes_part,
)
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Paged, Slot
from services_registry.models import Service, ServiceStaff
from services_registry.selectors import intake_staff

from .models import Referral

BOXES = ("sent", "received")
# What the intake sees: from the moment the payload went out. Before that (waiting for consent,
# or consent refused) the referral is the case's alone.
RECEIVED = Q(sent_at__isnull=False)


def _on_case_side(user: User, today: date | None) -> Q | Exists:
    """The referrer while on the team, the young person, and the case's ungdomshjelper (who
    follows every referral up); not guardians, nor the rest of the team."""
    ungdomshjelper = Participant.objects.active(today=today).filter(
        case=OuterRef("case"), user=user, role=Participant.Role.UNGDOMSHJELPER
    )
    return (
        Q(case__youth=user)
        | (Q(created_by=user) & takes_part(user=user, case=OuterRef("case"), today=today))
        | Exists(ungdomshjelper)
    )


def _as_intake(user: User) -> Q:
    return Q(RECEIVED, Exists(intake_staff(service_id=OuterRef("service_id")).filter(user=user)))


def referrals_visible(
    *, user: User, box: str | None = None, status: str | None = None, today: date | None = None
) -> QuerySet[Referral]:
    """The referrals `user` may see, newest first: `sent` those of their case side, `received`
    those to services whose intake they are; both without `box`. On the local date `today`
    (the clock's by default; a compiled statement passes its own)."""
    rule = {"sent": _on_case_side(user, today), "received": _as_intake(user)}.get(
        box or "", _on_case_side(user, today) | _as_intake(user)
    )
    queryset = Referral.objects.filter(rule)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related(
        "service", "created_by", "case__youth", "answered_by", "helper"
    ).order_by("-created", "-id")


def access_referral(*, user: User, referral_id: int) -> Referral:
    referral = referrals_visible(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def is_intake(*, user: User, service: Service) -> bool:
    return intake_staff(service_id=service.pk).filter(user=user).exists()


def service_staff_member(*, service: Service, user_id: int) -> User | None:
    """An active person who works at `service` (any staff member, intake or not): who may join a
    case for it when it accepts a referral."""
    staff = (
        ServiceStaff.objects.filter(service=service, user_id=user_id, user__is_active=True)
        .select_related("user")
        .first()
    )
    return staff.user if staff else None


def referrals_listed(*, user: User, box: str | None = None, status: str | None = None) -> Paged:
    """referrals_visible as the API's paginator reads it, its statement for each box and status
    (None or one of BOXES, of Referral.Status) compiled once a process."""
    read = _REFERRALS_LISTED[box, status]
    if box == "received":
        return read.paged(user=user.pk)
    return read.paged(user=user.pk, today=timezone.localdate())


def _referrals_read(box: str | None, status: str | None) -> CompiledRead[Referral]:
    def build(*, user: int, today: date | None = None) -> QuerySet[Referral]:
        return referrals_visible(user=User(pk=user), box=box, status=status, today=today)

    if box == "received":
        # The intake's box does not depend on the day (who is on a team does).
        return CompiledRead(build, user=Slot(-1, -2))
    return CompiledRead(build, user=Slot(-1, -2), today=TODAY_SLOT)


_REFERRALS_LISTED = {
    (box, status): _referrals_read(box, status)
    for box in (None, *BOXES)
    for status in (None, *Referral.Status.values)
}
_PAYLOAD = CompiledRead(
    lambda *, referrals: Referral.entries.through.objects.filter(
        AnyOf(F("referral_id"), referrals)
    ).values_list("referral_id", "entry_id"),
    referrals=CASE_IDS_SLOT,
)
_PAYLOAD_OPEN = CompiledRead(
    lambda *, entries, user, now, today: entries_visible(
        user=User(pk=user),
        queryset=Entry.objects.filter(AnyOf(F("pk"), entries)),
        now=now,
        today=today,
    ),
    key=entry_content_type_id,
    entries=CASE_IDS_SLOT,
    **ENTRIES_VISIBLE_SLOTS,
)
_SUGGESTED = CompiledRead(
    lambda *, referrals: Referral.suggested_services.through.objects.filter(
        AnyOf(F("referral_id"), referrals)
    ).select_related("service"),
    referrals=CASE_IDS_SLOT,
)


def referrals_detailed(*, user: User, referrals: Iterable[Referral]) -> list[Referral]:
    """A page of referrals, each given in three queries for the whole page (compiled once a
    process; none for an empty page, nor the second without payload): `payload_open`,
    the payload entries `user` may open (the one rule, cases.selectors.entries_visible; the
    rest stay hidden, titles too), `payload_total`, how many there are in all, and
    `suggested`, the services a no suggested instead."""
    referrals = list(referrals)
    if not referrals:
        return referrals
    ids = [referral.pk for referral in referrals]
    payload: dict[int, list[int]] = {}
    for referral_id, entry_id in _PAYLOAD(referrals=ids):
        payload.setdefault(referral_id, []).append(entry_id)
    wanted = sorted({entry_id for ids in payload.values() for entry_id in ids})
    now = timezone.now()
    openable = (
        {
            entry.pk: entry
            for entry in _PAYLOAD_OPEN(
                entries=wanted, user=user.pk, now=now, today=timezone.localdate(now)
            )
        }
        if wanted
        else {}
    )
    suggested: dict[int, list[Service]] = {}
    for link in _SUGGESTED(referrals=ids):
        suggested.setdefault(link.referral_id, []).append(link.service)
    for referral in referrals:
        ids = sorted(payload.get(referral.pk, []))
        referral.payload_open = [openable[pk] for pk in ids if pk in openable]  # type: ignore[attr-defined]
        referral.payload_total = len(ids)  # type: ignore[attr-defined]
        referral.suggested = sorted(suggested.get(referral.pk, []), key=lambda s: s.name)  # type: ignore[attr-defined]
    return referrals


def payload_choices(*, user: User, case: Case) -> QuerySet[Entry]:
    """The entries `user` may put in a referral's payload: those of the case they may open."""
    return entries_visible(user=user, queryset=Entry.objects.filter(case=case)).order_by(
        "-created", "-id"
    )


def services_taking_referrals(*, query: str = "") -> QuerySet[Service]:
    """Catalogue services with an intake in Sammen, optionally searched by name."""
    services = Service.objects.filter(Exists(intake_staff(service_id=OuterRef("pk"))))
    if query:
        services = services.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return services.order_by("name")


def referrals_of_case(*, user: User, case: Case) -> QuerySet[Referral]:
    return referrals_visible(user=user, box="sent").filter(case=case)


@dataclass(frozen=True)
class Step:
    """One step of a referral's timeline, in plain words for the young person."""

    at: datetime | None
    text: str
    late: bool = False


def referral_timeline(*, referral: Referral) -> list[Step]:
    """What happened to a referral, in order (for a referral from `referrals_detailed`): who
    referred and why, how the payload went (consent asked, or a legal duty), when the service
    received it and what it could see, the answer, or the withdrawal."""
    service = referral.service.name
    steps = [
        Step(
            referral.created,
            _("%(name)s made a referral to %(service)s, for: «%(purpose)s»")
            % {"name": referral.created_by.name, "service": service, "purpose": referral.purpose},
        )
    ]
    if referral.legal_duty:
        steps.append(
            Step(
                referral.created,
                _("It was sent without consent because of a legal duty: %(why)s")
                % {"why": referral.legal_duty},
            )
        )
    elif referral.payload_total:  # type: ignore[attr-defined]
        steps.append(
            Step(
                referral.created,
                _("The person who gives consent was asked to approve what goes with it."),
            )
        )
    if referral.consent_declined_at:
        steps.append(
            Step(
                referral.consent_declined_at,
                _("Consent was not given, so the referral was not sent."),
            )
        )
    if referral.sent_at:
        seen = ", ".join(entry.title for entry in referral.payload_open)  # type: ignore[attr-defined]
        steps.append(
            Step(
                referral.sent_at,
                _(
                    "The people who receive referrals at %(service)s got it. "
                    "They could see: %(what)s"
                )
                % {"service": service, "what": seen}
                if seen
                else _("The people who receive referrals at %(service)s got it.")
                % {"service": service},
            )
        )
    if referral.status == Referral.Status.SENT and referral.due_at:
        steps.append(
            Step(
                referral.due_at,
                _("The answer is late: it was expected by this date.")
                if referral.overdue
                else _("An answer is expected by this date."),
                late=referral.overdue,
            )
        )
    if referral.status == Referral.Status.ACCEPTED:
        steps.append(
            Step(
                referral.answered_at,
                _("%(service)s said yes. %(name)s joined the team.")
                % {"service": service, "name": referral.helper.name if referral.helper else ""},
            )
        )
    if referral.status == Referral.Status.DECLINED:
        steps.append(
            Step(
                referral.answered_at,
                _("%(service)s said no, because: «%(reason)s»")
                % {"service": service, "reason": referral.decline_reason},
            )
        )
    if referral.withdrawn_at:
        steps.append(
            Step(
                referral.withdrawn_at,
                _(
                    "%(name)s withdrew the referral. "
                    "The service can no longer see what went with it."
                )
                % {"name": referral.created_by.name},
            )
        )
    return steps


def staff_of_service(*, service: Service) -> QuerySet[User]:
    """Who may join a case for `service` when it accepts a referral."""
    return User.objects.filter(is_active=True, service_memberships__service=service).order_by(
        "display_name", "username"
    )


def services_to_suggest(*, instead_of: Service) -> QuerySet[Service]:
    """The catalogue, for a no that suggests somewhere else to go."""
    return Service.objects.exclude(pk=instead_of.pk).order_by("name")


def referral_may_answer(*, user: User, referral: Referral) -> bool:
    return referral.status == Referral.Status.SENT and is_intake(
        user=user, service=referral.service
    )


def referral_may_withdraw(*, user: User, referral: Referral) -> bool:
    return referral.is_open and referral.created_by_id == user.pk


def may_refer(*, user: User, case: Case) -> bool:
    """The one rule for who refers from a case (the service checks it too): a helper or the
    ungdomshjelper on the team of an open case."""
    me = participant_active(case=case, user=user)
    return (
        me is not None
        and me.role in (Participant.Role.HELPER, Participant.Role.UNGDOMSHJELPER)
        and not case.is_closed
    )


def _intake_anywhere(*, user: int) -> QuerySet[ServiceStaff, Any]:
    return ServiceStaff.objects.filter(
        user_id=user, receives_referrals=True, user__is_active=True
    ).values("pk")[:1]


# Every home page asks (referrals.home): compiled once a process.
_INTAKE_ANYWHERE = CompiledRead(_intake_anywhere, user=Slot(-1, -2))


def is_intake_anywhere(*, user: User) -> bool:
    return bool(_INTAKE_ANYWHERE(user=user.pk))
