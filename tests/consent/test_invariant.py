"""The access invariant of docs/architecture.md §3, under random sequences of everything that
changes access: every view_entry row belongs to the youth (unless the entry is withheld from
them), an author still on the team, or an active disclosure, and each of those has its row."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cases.models import (
    Case,
    Entry,
    EntryUserObjectPermission,
    Invitation,
    Participant,
    Withholding,
)
from cases.selectors import entries_visible
from cases.services import (
    entry_open,
    entry_withhold,
    invitation_accept,
    invitation_create,
    participant_add,
    withholding_end,
)
from consent.models import ConsentRequest, Disclosure, HeldShare, Room, RoomMember, SharingRule
from consent.services import (
    case_close,
    case_reopen,
    consent_request_approve,
    consent_request_decline,
    disclosures_expire,
    guardianship_end,
    held_shares_release,
    held_shares_timeout,
    participant_remove,
    reading_first_set,
    share,
    sharing_rule_create,
    sharing_rule_end,
    withdraw,
    youth_adult_transitions,
)
from coordination.ages import born_by
from coordination.errors import StateConflict
from coordination.models import Guardianship, User
from coordination.selectors import guardianship_active
from coordination.services import guardianship_set
from referrals.models import Referral
from referrals.selectors import is_intake, payload_choices
from referrals.services import (
    referral_accept,
    referral_create,
    referral_decline,
    referral_withdraw,
)
from services_registry.services import service_staff_set
from tests.factories import CaseFactory, ParticipantFactory, ServiceFactory, UserFactory
from voice.rooms.services import (
    room_close,
    room_create,
    room_leave,
    room_member_add,
    room_member_remove,
    room_message_send,
)

from .helpers import write_entry

pytestmark = pytest.mark.django_db

EXPECTED_FAILURES = (ValidationError, PermissionDenied, StateConflict, Http404)
OPERATIONS = [
    "share",
    "read_first",
    "youth_opens",
    "share_now",
    "read_timeout",
    "legal_duty",
    "approve",
    "decline",
    "withdraw",
    "remove",
    "readd",
    "rule",
    "end_rule",
    "withhold",
    "unwithhold",
    "end_guardianship",
    "guardian_back",
    "invite",
    "accept",
    "close",
    "reopen",
    "adult",
    "expire",
    "room_open",
    "room_write",
    "room_add",
    "room_out",
    "room_close",
    "refer",
    "refer_answer",
    "intake_leaves",
]


def expected_rows(case) -> set[tuple[int, int]]:
    active = set(
        Participant.objects.filter(case=case, left__isnull=True).values_list("user_id", flat=True)
    )
    withheld = set(
        Withholding.objects.filter(entry__case=case, ended_at__isnull=True).values_list(
            "entry_id", flat=True
        )
    )
    rows = set()
    for entry_id, author_id in Entry.objects.filter(case=case).values_list("pk", "author_id"):
        if entry_id not in withheld:
            rows.add((entry_id, case.youth_id))
        if author_id in active:
            rows.add((entry_id, author_id))
    rows |= set(
        Disclosure.objects.filter(entry__case=case, withdrawn_at__isnull=True).values_list(
            "entry_id", "recipient_id"
        )
    )
    return rows


def actual_rows(case) -> set[tuple[int, int]]:
    return set(
        EntryUserObjectPermission.objects.filter(
            content_object__case=case, permission__codename="view_entry"
        ).values_list("content_object_id", "user_id")
    )


def pick(items, n):
    items = list(items)
    return items[n % len(items)] if items else None


def run(op: str, a: int, b: int, world) -> None:
    case, people, entries = world["case"], world["people"], world["entries"]
    team = list(Participant.objects.filter(case=case, left__isnull=True).select_related("user"))
    if op == "share":
        entry = pick(entries, a)
        recipients = [p.user for i, p in enumerate(team) if (b >> i) & 1]
        share(entry=entry, recipients=recipients, actor=entry.author)
    elif op == "read_first":
        # Reading first: rule shares of unread entries wait (HeldShare) instead of disclosing.
        reading_first_set(case_id=case.pk, actor=case.youth, on=bool(b % 2))
    elif op == "youth_opens":
        entry_open(user=case.youth, entry_id=pick(entries, a).pk, via="page")
    elif op == "share_now":
        held_shares_release(entry_id=pick(entries, a).pk, actor=case.youth)
    elif op == "read_timeout":
        world["clock"].shift(timedelta(hours=73))
        held_shares_timeout()
    elif op == "legal_duty":
        entry = pick(entries, a)
        share(
            entry=entry,
            recipients=[pick(team, b).user],
            actor=entry.author,
            basis="legal_duty",
            justification="Opplysningsplikt.",
        )
    elif op in ("approve", "decline"):
        request = pick(ConsentRequest.objects.filter(entry__case=case, status="pending"), a)
        if request is not None:
            decider = pick(request.deciders.all(), b)
            if op == "approve":
                # Every other approval lasts until the end of today (then "expire" ends it).
                consent_request_approve(
                    consent_request=request,
                    actor=decider or case.youth,
                    until=date.today() if (b // 8) % 2 else None,
                )
            else:
                consent_request_decline(consent_request=request, actor=decider or case.youth)
    elif op == "withdraw":
        disclosure = pick(Disclosure.objects.filter(entry__case=case, withdrawn_at__isnull=True), a)
        if disclosure is not None:
            actor = case.youth if b % 2 else disclosure.entry.author
            withdraw(disclosure=disclosure, actor=actor)
    elif op == "remove":
        participant = pick(team, a)
        participant_remove(participant=participant, actor=world["coordinator"])
    elif op == "readd":
        user = pick(people, a)
        participant_add(
            case=case,
            actor=world["coordinator"],
            user=user,
            role=Participant.Role.HELPER,
            service=world["service"],
        )
    elif op == "rule":
        sharing_rule_create(
            case=case,
            actor=case.youth,
            category=pick(["health", "school", "general"], a),
            recipient_user=pick([p.user for p in team], b),
            until=date.today() if (a // 3) % 2 else None,
        )
    elif op == "end_rule":
        rule = pick(SharingRule.objects.filter(case=case, ended_at__isnull=True), a)
        if rule is not None:
            sharing_rule_end(rule=rule, actor=case.youth)
    elif op == "withhold":
        entry = pick(entries, a)
        entry_withhold(entry_id=entry.pk, actor=entry.author, reason="Pbrl. § 3-4.")
    elif op == "end_guardianship":
        # The municipality ends the registration: the guardian leaves the case.
        guardianship = Guardianship.objects.filter(youth=case.youth, ended_at=None).first()
        if guardianship is not None:
            guardianship_end(guardianship=guardianship, actor=world["staff"], reason="Dom.")
    elif op == "guardian_back":
        # Re-registered (or not: then adding is refused) and added back as guardian.
        if b % 2 and guardianship_active(youth=case.youth, guardian=world["guardian"]) is None:
            guardianship_set(
                youth=case.youth, guardian=world["guardian"], reason="Ny dom.", actor=world["staff"]
            )
        participant_add(
            case=case,
            actor=world["coordinator"],
            user=world["guardian"],
            role=Participant.Role.GUARDIAN,
        )
    elif op == "invite":
        # Someone on the team invites a helper (back): accepting joins through participant_join.
        invitation_create(
            case_id=case.pk,
            actor=pick(team, b).user,
            role=Participant.Role.HELPER,
            user=pick(people, a),
            service=world["service"],
        )
    elif op == "accept":
        invitation = pick(Invitation.objects.filter(case=case).pending().order_by("pk"), a)
        if invitation is not None:
            invitation_accept(invitation_id=invitation.pk, user=invitation.invitee)
    elif op == "close":
        case_close(case=case, actor=world["coordinator"], summary="Hjelpen er ferdig.")
    elif op == "reopen":
        case_reopen(case=case, actor=world["coordinator"])
    elif op == "adult":
        # The young person turns 18 (a staff correction of the birth date does the same): the
        # daily job takes the guardians off the case.
        User.objects.filter(pk=case.youth_id).update(
            birth_date=born_by(today=date.today(), years=18)
        )
        case.youth.refresh_from_db()
        youth_adult_transitions()
    elif op == "expire":
        # A day passes: what was given until today ends, then the sweep records it.
        world["clock"].shift(timedelta(days=1))
        disclosures_expire()
    elif op.startswith("room_"):
        run_room(op, a, b, case=case, team=team)
    elif op == "refer":
        # A referral to the service whose intake is off the team: the payload goes through
        # the share path (a legal duty at once, else consent requests that "approve" answers).
        actor = pick(team, a).user
        choices = list(payload_choices(user=actor, case=case).order_by("pk"))
        referral_create(
            case_id=case.pk,
            actor=actor,
            service_id=world["intake_service"].pk,
            purpose="Vurdering.",
            entry_ids=[e.pk for i, e in enumerate(choices) if (b >> i) & 1],
            legal_duty="Opplysningsplikt." if (a // 4) % 2 else "",
        )
    elif op == "refer_answer":
        referral = pick(Referral.objects.filter(case=case).order_by("pk"), a)
        if referral is not None:
            intake = pick(world["intake"], b)
            if b % 3 == 0:
                referral_accept(referral_id=referral.pk, actor=intake)
            elif b % 3 == 1:
                referral_decline(referral_id=referral.pk, actor=intake, reason="Ikke her.")
            else:
                referral_withdraw(referral_id=referral.pk, actor=referral.created_by)
    elif op == "intake_leaves":
        # An intake worker stops (or starts again) receiving the service's referrals.
        service_staff_set(
            service=world["intake_service"],
            user=pick(world["intake"], a),
            receives_referrals=bool(b % 2),
        )
    elif op == "unwithhold":
        withholding = pick(Withholding.objects.filter(entry__case=case, ended_at__isnull=True), a)
        if withholding is not None:
            withholding_end(withholding=withholding, actor=withholding.decided_by)


def run_room(op: str, a: int, b: int, *, case, team) -> None:
    """Rooms (#19 item 1): the young person opens one for some of the team, people write in it,
    the young person adds (with or without the earlier messages) and takes out, members leave,
    the room closes."""
    others = [p.user for p in team if p.user_id != case.youth_id]
    if op == "room_open":
        chosen = [user for i, user in enumerate(others) if (b >> i) & 1]
        room_create(case_id=case.pk, actor=case.youth, title="Rom", members=chosen)
        return
    room = pick(Room.objects.filter(case=case).order_by("pk"), a)
    if room is None:
        return
    members = [
        m.user for m in RoomMember.objects.filter(room=room, left_at__isnull=True).order_by("pk")
    ]
    if op == "room_write":
        author = pick([case.youth, *members], b)
        room_message_send(room_id=room.pk, author=author, body="Hei")
    elif op == "room_add":
        room_member_add(
            room_id=room.pk, actor=case.youth, user=pick(others, b), show_earlier=bool(a % 2)
        )
    elif op == "room_out" and members:
        member = pick(members, b)
        if a % 2:
            room_member_remove(room_id=room.pk, actor=case.youth, user_id=member.pk)
        else:
            room_leave(room_id=room.pk, actor=member)
    elif op == "room_close":
        room_close(room_id=room.pk, actor=case.youth)


def build_world(age: int):
    # Exactly `age` today (1 January of `age` + 1 years ago made a 17-year-old 18 for most of
    # the year, and guardians leave at 18).
    youth = UserFactory(birth_date=born_by(today=date.today(), years=age))
    case = CaseFactory(youth=youth)
    guardian = ParticipantFactory(case=case, role=Participant.Role.GUARDIAN).user
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="coordination",
            codename__in=["add_guardianship", "change_guardianship"],
        )
    )
    coordinator = ParticipantFactory(case=case, role=Participant.Role.UNGDOMSHJELPER).user
    helpers = [ParticipantFactory(case=case).user for _ in range(3)]
    entries = [
        write_entry(case, helpers[0], category="health"),
        write_entry(case, helpers[1], category="school"),
    ]
    entries.append(write_entry(case, youth, category="general", kind="message"))
    intake_service = ServiceFactory()
    intake = [UserFactory(), UserFactory()]
    for person in intake:
        service_staff_set(service=intake_service, user=person, receives_referrals=True)
    return {
        "intake_service": intake_service,
        "intake": intake,
        "case": case,
        "people": helpers,
        "coordinator": coordinator,
        "entries": entries,
        "service": ServiceFactory(),
        "guardian": guardian,
        "staff": staff,
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    age=st.sampled_from([11, 13, 17]),
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 63), st.integers(0, 63)),
        min_size=1,
        max_size=25,
    ),
)
def test_view_permissions_match_authors_youth_and_active_disclosures(db, age, steps):
    with transaction.atomic(), time_machine.travel(timezone.now(), tick=True) as clock:
        world = build_world(age)
        world["clock"] = clock
        case = world["case"]
        for op, a, b in steps:
            try:
                run(op, a, b, world)
                event(f"{op}: done")
            except EXPECTED_FAILURES as refused:
                event(f"{op}: refused ({type(refused).__name__})")
            # The invariant holds after every step, including the refused ones.
            assert actual_rows(case) == expected_rows(case), (op, a, b)
            # Nobody off the team holds an active disclosure, but a service's intake who
            # received a referral's payload.
            assert (
                not Disclosure.objects.filter(
                    entry__case=case, withdrawn_at__isnull=True, service__isnull=True
                )
                .exclude(
                    recipient__participations__case=case,
                    recipient__participations__left__isnull=True,
                )
                .exists()
            )
            # Off the team, intake open exactly the payloads sent to their service, and
            # only while they receive its referrals.
            for person in world["intake"]:
                if Participant.objects.active().filter(case=case, user=person).exists():
                    continue
                opened = set(entries_visible(user=person, queryset=Entry.objects.filter(case=case)))
                payload = set(
                    Disclosure.objects.filter(
                        entry__case=case,
                        recipient=person,
                        withdrawn_at__isnull=True,
                        service=world["intake_service"],
                    )
                    .exclude(until__lte=timezone.now())
                    .values_list("entry_id", flat=True)
                )
                receiving = is_intake(user=person, service=world["intake_service"])
                assert {e.pk for e in opened} == (payload if receiving else set()), (op, a, b)
            # A disclosure past its end opens nothing, before the sweep as after it.
            for disclosure in Disclosure.objects.filter(
                entry__case=case, withdrawn_at__isnull=True, until__lte=timezone.now()
            ).select_related("recipient"):
                assert not entries_visible(
                    user=disclosure.recipient, queryset=Entry.objects.filter(pk=disclosure.entry_id)
                ).exists(), (op, a, b)
            # A room's message reaches only who is in the room now.
            assert (
                not Disclosure.objects.filter(
                    entry__case=case, withdrawn_at__isnull=True, room__isnull=False
                )
                .exclude(
                    room__memberships__user=models.F("recipient"),
                    room__memberships__left_at__isnull=True,
                )
                .exists()
            ), (op, a, b)
            # A closed case has no active disclosure at all (closing ended them, and nothing
            # shares on it until it is reopened), and nothing waits to be shared on it.
            if Case.objects.get(pk=case.pk).is_closed:
                assert not Disclosure.objects.filter(
                    entry__case=case, withdrawn_at__isnull=True
                ).exists(), (op, a, b)
                assert not HeldShare.objects.filter(
                    entry__case=case, ended_at__isnull=True
                ).exists(), (op, a, b)
        transaction.set_rollback(True)
