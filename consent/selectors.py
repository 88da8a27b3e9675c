"""Reads for consent: the consent authority, what each person knows, requests and rules.

`access_*` functions fetch and authorise in one step and raise Http404 for anything the caller
may not see.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.models import AccessEvent, Case, Entry, Participant, Withholding
from cases.selectors import (
    CASE_IDS_SLOT,
    ENTRIES_VISIBLE_SLOTS,
    ENTRY_TO_OPEN_SLOTS,
    TODAY_SLOT,
    entries_visible,
    entry_content_type_id,
    entry_may_open,
    entry_to_open,
    is_active_participant,
    on_team,
    participant_active,
    participants_for_case,
    takes_part,
)
from coordination.ages import adult_since
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Paged, Slot
from services_registry.models import Service

from .models import (
    Block,
    ConsentRequest,
    Disclosure,
    HeldShare,
    ReadingFirst,
    Room,
    SharingRule,
    Watch,
)
from .policy import Authority, consent_authority, self_decision_age, youth_decides_born_by


def authority_for(*, case: Case, category: str, today: date | None = None) -> Authority:
    return consent_authority(
        category=category,
        birth_date=case.youth.birth_date,
        today=today or timezone.localdate(),
        ages=settings.SAMMEN_CONSENT_AGES,
    )


def youth_decides_q(
    *,
    birth_date: str,
    category: str | None = None,
    category_field: str | None = None,
    today: date | None = None,
) -> Q:
    """SQL twin of `authority_for(...).youth_decides`, drawn from the same policy dates: the
    young person whose birth date is the column `birth_date` decides about `category` (or about
    the category in the column `category_field`, row by row) today. An unknown birth date is
    never old enough, as in consent.policy."""
    today = today or timezone.localdate()
    ages = settings.SAMMEN_CONSENT_AGES
    categories = [category] if category is not None else Entry.Category.values
    by_age: dict[int, list[str]] = {}
    for each in categories:
        by_age.setdefault(self_decision_age(category=each, ages=ages), []).append(each)
    decides = Q()
    for same_age in by_age.values():
        cutoff = youth_decides_born_by(category=same_age[0], today=today, ages=ages)
        born = Q(**{f"{birth_date}__lte": cutoff})
        if category is None:
            born &= Q(**{f"{category_field}__in": same_age})
        decides |= born
    return decides


def guardians_of(*, case: Case | int, today: date | None = None) -> QuerySet[User]:
    guardian = Participant.objects.active(today=today).filter(
        case=case, user=OuterRef("pk"), role=Participant.Role.GUARDIAN
    )
    return User.objects.filter(Exists(guardian)).order_by("pk")


def deciders_for(*, case: Case, category: str) -> list[User]:
    """Who answers a consent request about `category` on `case` today."""
    if authority_for(case=case, category=category).youth_decides:
        return [case.youth]
    return list(guardians_of(case=case))


def decides_for(*, case: Case, user: User, category: str) -> bool:
    if user.pk == case.youth_id:
        return authority_for(case=case, category=category).youth_decides
    return (
        not authority_for(case=case, category=category).youth_decides
        and guardians_of(case=case).filter(pk=user.pk).exists()
    )


def categories_guardians_decide(*, case: Case) -> set[str]:
    return {
        category
        for category in Entry.Category.values
        if not authority_for(case=case, category=category).youth_decides
    }


def categories_decided_by(*, case: Case, user: User) -> set[str]:
    """The categories `user` is the consent authority for on `case` (at most one query)."""
    guardian_categories = categories_guardians_decide(case=case)
    if user.pk == case.youth_id:
        return set(Entry.Category.values) - guardian_categories
    if guardian_categories and guardians_of(case=case).filter(pk=user.pk).exists():
        return guardian_categories
    return set()


@dataclass(frozen=True)
class WhoDecides:
    """Who decides about sharing on a case today: the categories the youth decides, those the
    guardians decide, and the guardians on the team (empty: nobody can approve those now)."""

    youth_categories: set[str]
    guardian_categories: set[str]
    guardians: list[User]

    @property
    def nobody_can_approve(self) -> bool:
        return bool(self.guardian_categories) and not self.guardians


def who_decides(*, case: Case) -> WhoDecides:
    """deciders_for over every category at once (one query, compiled once a process: the home
    page asks it for each of the young person's cases)."""
    guardian_categories = categories_guardians_decide(case=case)
    return WhoDecides(
        youth_categories=set(Entry.Category.values) - guardian_categories,
        guardian_categories=guardian_categories,
        guardians=_GUARDIANS(case=case.pk, today=timezone.localdate())
        if guardian_categories
        else [],
    )


_GUARDIANS = CompiledRead(
    guardians_of, case=Slot(-1, -2, param=Case._meta.pk.get_prep_value), today=TODAY_SLOT
)


def cases_about(*, user: User) -> list[Case]:
    """The cases whose young person `user` is, oldest first, with them (the home page shows
    who decides on each): compiled once a process, as the home page asks on every call."""
    return _CASES_ABOUT(user=user.pk)


_CASES_ABOUT = CompiledRead(
    lambda user: Case.objects.filter(youth=user).select_related("youth").order_by("pk"),
    user=Slot(-1, -2),
)


def may_see_who_knows_what(*, user: User, case: Case) -> bool:
    """Who sees who-knows-what and the sharing rules of `case`: the youth, the ungdomshjelper,
    and a guardian who is the consent authority for some category. The case page shows its link
    by this rule and the pages and API open by it (access_case_overview)."""
    if user.pk == case.youth_id:
        return True
    participant = participant_active(case=case, user=user)
    if participant is None:
        return False
    if participant.role == Participant.Role.UNGDOMSHJELPER:
        return True
    return participant.role == Participant.Role.GUARDIAN and bool(
        categories_decided_by(case=case, user=user)
    )


def access_case_overview(*, user: User, case_id: int) -> Case:
    """A case whose who-knows-what and sharing rules `user` may see (may_see_who_knows_what),
    else 404."""
    try:
        case = Case.objects.select_related("youth").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404 from None
    if not may_see_who_knows_what(user=user, case=case):
        raise Http404
    return case


def access_case_rules(*, user: User, case_id: int) -> Case:
    """Like access_case_overview, for setting standing rules: a guardian on the case of a young
    person who decides everything themself (16 and over) may see the case, so they get 403 with
    the reason instead of a 404."""
    try:
        return access_case_overview(user=user, case_id=case_id)
    except Http404:
        participant = (
            Participant.objects.active()
            .filter(case_id=case_id, user=user, role=Participant.Role.GUARDIAN)
            .first()
        )
        if participant is None:
            raise
        raise PermissionDenied(
            _(
                "The young person is old enough to decide who may see what about them, so the "
                "sharing rules are theirs. You see what they choose to share with you."
            )
        ) from None


# -- blocks -----------------------------------------------------------------------------------


def may_block(*, user: User, case: Case) -> bool:
    """Who blocks people on `case` and sees its blocks: the young person, and a guardian who is
    the consent authority for some category (one query at most)."""
    return user.pk == case.youth_id or bool(categories_decided_by(case=case, user=user))


# The case of a blocks call with its young person, compiled once a process (as `get` reads it).
_CASE_WITH_YOUTH = CompiledRead(
    lambda *, case: Case.objects.select_related("youth").filter(pk=case).order_by(),
    case=Slot(-1, -2, param=Case._meta.pk.get_prep_value),
)


def access_case_blocks(*, user: User, case_id: int) -> Case:
    """A case whose blocks `user` may see and change (may_block), else 404."""
    cases = _CASE_WITH_YOUTH(case=case_id)
    if not cases or not may_block(user=user, case=cases[0]):
        raise Http404
    return cases[0]


def blocks_active(*, case: Case, viewer: User) -> QuerySet[Block]:
    """The blocks in force on `case` as `viewer` (who may_block) sees them: never one naming
    the viewer, so a blocked guardian does not read why."""
    return (
        Block.objects.filter(case=case, ended_at__isnull=True)
        .exclude(user=viewer)
        .select_related("user", "created_by")
        .order_by("created", "id")
    )


# The API's blocks of a case, a page at a time: blocks_active's statement compiled once a process.
_BLOCKS_LISTED = CompiledRead(
    lambda *, case, viewer: blocks_active(case=Case(pk=case), viewer=User(pk=viewer)),
    case=Slot(-1, -2),
    viewer=Slot(-3, -4),
)


def blocks_listed(*, case: Case, viewer: User) -> Paged:
    """blocks_active as the API's paginator reads it."""
    return _BLOCKS_LISTED.paged(case=case.pk, viewer=viewer.pk)


def access_block(*, user: User, block_id: int) -> Block:
    """An active block `user` may see (blocks_active), else 404."""
    block = Block.objects.filter(pk=block_id, ended_at__isnull=True).only("case_id").first()
    if block is None:
        raise Http404
    case = access_case_blocks(user=user, case_id=block.case_id)
    try:
        return blocks_active(case=case, viewer=user).get(pk=block_id)
    except Block.DoesNotExist:
        raise Http404 from None


def block_candidates(*, case: Case, viewer: User) -> list[Participant]:
    """Whom `viewer` could block: the team now but the young person, the viewer and whoever is
    blocked already."""
    blocked = Block.objects.filter(case=case, user=OuterRef("user"), ended_at__isnull=True)
    return list(
        Participant.objects.active()
        .filter(case=case)
        .exclude(user_id__in=[case.youth_id, viewer.pk])
        .exclude(Exists(blocked))
        .select_related("user", "service")
        .order_by("joined", "id")
    )


def _blocked_on(*, case: int, users: list[int]) -> QuerySet[Block, int]:
    return (
        Block.objects.filter(case=case, ended_at__isnull=True)
        .filter(AnyOf(F("user_id"), users))
        .values_list("user_id", flat=True)
    )


# Asked by every share (consent.services.share.blocked_check): compiled once a process.
_BLOCKED_ON = CompiledRead(_blocked_on, case=Slot(-1, -2), users=Slot([-3], [-4]))


def blocked_on(*, case: Case, user_ids: set[int]) -> set[int]:
    """Which of `user_ids` are blocked on `case` now (one query)."""
    if not user_ids:
        return set()
    return set(_BLOCKED_ON(case=case.pk, users=sorted(user_ids)))


# -- who knows what ---------------------------------------------------------------------------


def entry_label(*, entry: Entry, visible: bool, withheld: bool) -> str:
    """An entry's title for a viewer who may open it, or what they read instead: the young
    person (`withheld`: it is kept from them) only that it exists, anyone else its kind,
    category and author (who-knows-what and the access log alike)."""
    if visible:
        return entry.title
    if withheld:
        return _("Something you cannot see")
    return _("%(kind)s about %(category)s by %(name)s (you cannot see it)") % {
        "kind": capfirst(entry.get_kind_display()),
        "category": entry.get_category_display(),
        "name": entry.author.name,
    }


def rule_summary(rule: SharingRule) -> str:
    """What a standing rule says, in a few words: "Skole → alle hjelpere". The caller has
    fetched the rule with its recipient user and service."""
    if rule.recipient_role == Participant.Role.HELPER:
        recipient = _("all helpers")
    elif rule.recipient_role == Participant.Role.GUARDIAN:
        recipient = _("all guardians")
    else:
        recipient = rule.recipient_label
    return f"{rule.get_category_display()} → {recipient}"


@dataclass(slots=True)
class DisclosureRow:
    """What who_knows_what's rows and basis_text read of a Disclosure, with its rule (and the
    rule's people), request (and who decided) and room: plain rows instead of model instances,
    which at 1,500 disclosures were most of the call (issue 18)."""

    pk: int
    basis: str
    rule_id: int | None
    request_id: int | None
    room_id: int | None
    justification: str
    purpose: str
    end_reason: str
    rule: SharingRule | None
    request: ConsentRequest | None
    room: Room | None


# What who-knows-what reads of a person it names (User.name, UserSummarySerializer) and of a
# service (its name, ServiceSummarySerializer): the other columns of their rows rode on each of
# a 500-entry case's 1,500 disclosure rows, converted and thrown away.
_NAMED: dict[type[Model], tuple[str, ...]] = {
    User: ("id", "username", "first_name", "last_name", "display_name"),
    Service: ("id", "name"),
}


class _Related:
    """A related row's columns in a `values_list` (`path`__each of its `fields`, every concrete
    field by default, then those of its own `related`), made into one model instance per
    distinct id, with its relations set: `select_related` makes one per row, so 1,500
    disclosures to six people built 1,500 users. The fields not fetched are deferred: reading one
    would cost a query (tests/consent/test_who_knows_what_rows.py counts none)."""

    def __init__(
        self,
        path: str,
        model: type[Model],
        related: dict[str, type[Model]] | None = None,
        fields: tuple[str, ...] | None = None,
    ) -> None:
        self._model = model
        self._fields = [
            field.attname
            for field in model._meta.concrete_fields
            if fields is None or field.attname in fields
        ]
        self._pk = self._fields.index(model._meta.pk.attname)
        self._related = [
            (name, _Related(f"{path}__{name}", each, fields=_NAMED[each]))
            for name, each in (related or {}).items()
        ]
        self.columns = [f"{path}__{name}" for name in self._fields]
        for _name, each in self._related:
            self.columns += each.columns
        self._made: dict[object, Model] = {}

    def make(self, row: tuple, start: int, db: str) -> Model | None:
        """The instance of the columns from `start` of `row`; None where the relation is null."""
        pk = row[start + self._pk]
        if pk is None:
            return None
        made = self._made.get(pk)
        if made is None:
            own = len(self._fields)
            made = self._made[pk] = self._model.from_db(db, self._fields, row[start : start + own])
            at = start + own
            for name, related in self._related:
                value = related.make(row, at, db)
                if value is not None:
                    setattr(made, name, value)
                at += len(related.columns)
        return made


def basis_text(
    *,
    basis: str,
    disclosure: DisclosureRow | None,
    viewer_id: int | None,
    youth: User | None,
    visible: bool,
) -> str:
    """Why someone can see an entry, naming who decided, in the viewer's words: "you said yes
    on 3 March" only when the viewer said it; otherwise the name of who did. The text depends
    only on the basis, its rule, request or room, and (for a room) whether the viewer may read
    the entry, so who_knows_what builds it once per distinct basis (`basis_key`)."""
    viewer_is_youth = youth is not None and viewer_id == youth.pk
    if basis == "author":
        return _("wrote it")
    if basis == "youth":
        return _("it is about you") if viewer_is_youth else _("it is about the young person")
    if disclosure is None:
        return basis
    if disclosure.basis == Disclosure.Basis.AGREEMENT and disclosure.rule is not None:
        rule = disclosure.rule
        date = formats.date_format(timezone.localtime(rule.created), "j. F Y")
        if rule.created_by_id == viewer_id:
            return _("your rule: %(rule)s, set %(date)s") % {
                "rule": rule_summary(rule),
                "date": date,
            }
        return _("a standing rule %(name)s set %(date)s: %(rule)s") % {
            "name": rule.created_by.name,
            "date": date,
            "rule": rule_summary(rule),
        }
    if disclosure.basis == Disclosure.Basis.CONSENT:
        request = disclosure.request
        if request is None or request.decided_by is None or request.decided_at is None:
            return _("consent was given")
        date = formats.date_format(timezone.localtime(request.decided_at), "j. F Y")
        if request.decided_by_id == viewer_id:
            return _("you said yes %(date)s") % {"date": date}
        return _("%(name)s said yes %(date)s") % {"name": request.decided_by.name, "date": date}
    if disclosure.basis == Disclosure.Basis.OWN_CHOICE:
        if viewer_is_youth:
            return _("you chose to share it")
        return _("%(name)s chose to share it") % {"name": youth.name if youth else ""}
    if disclosure.basis == Disclosure.Basis.LEGAL_DUTY:
        return _("the law requires it")
    if disclosure.basis == Disclosure.Basis.ROOM and disclosure.room is not None:
        # The room's title is the young person's words: only for those who may read it.
        if viewer_is_youth:
            return _("you chose who is in the room «%(title)s»") % {"title": disclosure.room.title}
        name = youth.name if youth else ""
        if visible:
            return _("%(name)s chose who is in the room «%(title)s»") % {
                "name": name,
                "title": disclosure.room.title,
            }
        return _("%(name)s chose who is in a room") % {"name": name}
    return basis


def basis_key(
    *, basis: str, disclosure: DisclosureRow | None, visible: bool
) -> tuple[str, int | None, int | None, int | None, bool]:
    """What basis_text depends on besides the viewer and the young person, who are the same for
    every row of one who_knows_what: rows with equal keys have equal texts."""
    if disclosure is None:
        return (basis, None, None, None, visible)
    return (basis, disclosure.rule_id, disclosure.request_id, disclosure.room_id, visible)


@dataclass(slots=True)
class Knowledge:
    """One thing a person can (or could) see. `visible` says whether the viewer may read the
    entry's title: only when they may open the entry themself. Otherwise the page and the API
    show the hidden form: kind, category and author to others, and to the young person (from whom
    it is withheld) only the placeholder of `withholding`, without the disclosure or its
    justification. `basis_text` says why they can see it (the function basis_text)."""

    entry: Entry
    basis: str
    since: datetime
    basis_text: str
    until: datetime | None = None
    disclosure: DisclosureRow | None = None
    last_opened: datetime | None = None
    visible: bool = True
    withheld: bool = False
    withholding: Withholding | None = None
    # "Now" for in_force and end_reason: who_knows_what's moment, the same for every row of one
    # read (a 500-entry case's ~2,000 rows read the clock once, not once each).
    now: datetime = field(default_factory=timezone.now)

    @property
    def in_force(self) -> bool:
        """The person can see it now: no end, or an end still ahead (consent that ends by
        itself shows its planned end in `until`)."""
        return self.until is None or self.until > self.now

    @property
    def justification(self) -> str:
        if self.withheld or self.disclosure is None:
            return ""
        return self.disclosure.justification

    @property
    def purpose(self) -> str:
        """Why it was shared, as the sharer wrote it ("" for none, and on the placeholder)."""
        if self.withheld or self.disclosure is None:
            return ""
        return self.disclosure.purpose

    @property
    def end_reason(self) -> str | None:
        """Why the disclosure ended ("" while in force; None on author and youth rows). One
        past its end date ended then, before the sweep records it."""
        disclosure = self.shown_disclosure
        if disclosure is None:
            return None
        if not disclosure.end_reason and self.until is not None and self.until <= self.now:
            return str(Disclosure.EndReason.EXPIRED)
        return disclosure.end_reason

    @property
    def end_reason_label(self) -> str:
        reason = self.end_reason
        return str(Disclosure.EndReason(reason).label) if reason else ""

    @property
    def shown_disclosure(self) -> DisclosureRow | None:
        """None for the young person's placeholder: nothing there leads to the entry. A consent
        authority may still end a disclosure of an entry they cannot open."""
        return None if self.withheld else self.disclosure

    @property
    def label(self) -> str:
        return entry_label(entry=self.entry, visible=self.visible, withheld=self.withheld)


# The role of someone off the team who received a referral's payload for a service.
INTAKE_ROLE = "intake"


@dataclass
class PersonKnowledge:
    """`blocked`: the person is blocked on the case (consent.models.Block); false on the
    viewer's own row, whatever the truth."""

    user: User
    role: str
    participant: Participant | None
    entries: list[Knowledge] = field(default_factory=list)
    blocked: bool = False
    # Someone off the team who received entries as a service's intake (a referral's payload).
    intake_of: Service | None = None

    @property
    def service(self) -> Service | None:
        """The service they act for on the team, or whose intake received what they saw."""
        if self.participant is not None and self.participant.service_id is not None:
            return self.participant.service
        return self.intake_of


def who_knows_what(*, case: Case, viewer: User | None = None) -> list[PersonKnowledge]:
    """Per person: what they can (or could) see on `case`, since when, on what basis, and when
    they last opened it, and whether they are blocked. Four queries whatever the size of the
    case.

    A guardian viewer sees only the categories the guardians decide about. Every row says
    whether the viewer may open the entry (`Knowledge.visible`), which is what page and API use
    to show its title or only the hidden form.
    """
    # 1: the team now and before, each with whether they are on it by the rule of
    # Participant.objects.active(), and whether they are blocked (never told to themself).
    if viewer is None:
        participants = list(_team(case=case.pk))
    else:
        participants = _TEAM(case=case.pk, viewer=viewer.pk, today=timezone.localdate())
    ended_by_age = _ended_by_age(participants, case=case)
    # 2: the entries, each with whether the viewer may open it (the one rule of
    # cases.selectors.entries_visible, as a subquery) and its active withholding.
    entries = _entries(case=case, viewer=viewer)
    if viewer is not None and viewer.pk != case.youth_id and guardian_only(participants, viewer):
        allowed = categories_guardians_decide(case=case)
        entries = {pk: e for pk, e in entries.items() if e.category in allowed}
    # 3: every disclosure, active and ended, with its recipient, rule, request, room and service.
    related = _disclosure_related()
    disclosure_rows = _DISCLOSURES(case=case.pk)
    # 4: the last open per (entry, person).
    opened = {(entry_id, user_id): last for entry_id, user_id, last in _LAST_OPENS(case=case.pk)}

    people: dict[int, PersonKnowledge] = {}
    for participant in participants:
        # A person who left and came back is listed once, with their current membership.
        if participant.user_id not in people or participant.left is None:
            known = people.get(participant.user_id)
            people[participant.user_id] = PersonKnowledge(
                user=participant.user,
                role=participant.role,
                participant=participant,
                entries=known.entries if known else [],
                blocked=participant.blocked,  # type: ignore[attr-defined]
            )

    def person(user: User) -> PersonKnowledge:
        if user.pk not in people:
            people[user.pk] = PersonKnowledge(user=user, role="", participant=None)
        return people[user.pk]

    viewer_is_youth = viewer is not None and viewer.pk == case.youth_id
    viewer_id = viewer.pk if viewer is not None else None
    now = timezone.now()
    # From the team query: case.youth may not be loaded.
    youth = people[case.youth_id].user
    texts: dict[tuple[str, int | None, int | None, int | None, bool], str] = {}

    # What the viewer may know of each entry, the same for each of its ~5 rows.
    seen: dict[int, tuple[bool, bool, Withholding | None]] = {}
    for entry in entries.values():
        visible: bool = getattr(entry, "viewer_may_open", True)
        withheld = viewer_is_youth and not visible
        # The young person is told why they cannot see it; nobody else needs to know.
        seen[entry.id] = (
            visible,
            withheld,
            entry.active_withholding if withheld else None,  # type: ignore[attr-defined]
        )

    def knowledge(
        entry: Entry,
        user_id: int,
        basis: str,
        since: datetime,
        until: datetime | None = None,
        disclosure: DisclosureRow | None = None,
    ) -> Knowledge:
        visible, withheld, withholding = seen[entry.id]
        key = basis_key(basis=basis, disclosure=disclosure, visible=visible)
        text = texts.get(key)
        if text is None:
            text = texts[key] = basis_text(
                basis=basis,
                disclosure=disclosure,
                viewer_id=viewer_id,
                youth=youth,
                visible=visible,
            )
        return Knowledge(
            entry=entry,
            basis=basis,
            since=since,
            basis_text=text,
            until=until,
            disclosure=disclosure,
            last_opened=opened.get((entry.id, user_id)),
            visible=visible,
            withheld=withheld,
            withholding=withholding,
            now=now,
        )

    for entry in entries.values():
        person(youth).entries.append(knowledge(entry, youth.id, basis="youth", since=entry.created))
        if entry.author_id != case.youth_id:
            author = people.get(entry.author_id)
            if author is not None:
                left = author.participant.left if author.participant else None
                author.entries.append(
                    knowledge(
                        entry, entry.author_id, basis="author", since=entry.created, until=left
                    )
                )
    recipients, rules, requests, rooms, services = related
    starts = [len(_DISCLOSURE_FIELDS)]
    for each in related[:-1]:
        starts.append(starts[-1] + len(each.columns))
    db = DEFAULT_DB_ALIAS
    for row in disclosure_rows:
        entry_id, recipient_id, granted_at, withdrawn_at, until = row[8:13]
        disclosed = entries.get(entry_id)
        if disclosed is None:
            continue
        recipient = people.get(recipient_id)
        if recipient is None:
            recipient = person(recipients.make(row, starts[0], db))  # type: ignore[arg-type]
        if recipient.participant is None:
            service = services.make(row, starts[4], db)
            if service is not None:
                recipient.role, recipient.intake_of = INTAKE_ROLE, service  # type: ignore[assignment]
        own: tuple[int, str, int | None, int | None, int | None, str, str, str] = row[:8]
        disclosure = DisclosureRow(
            *own,
            rules.make(row, starts[1], db),  # type: ignore[arg-type]
            requests.make(row, starts[2], db),  # type: ignore[arg-type]
            rooms.make(row, starts[3], db),  # type: ignore[arg-type]
        )
        recipient.entries.append(
            knowledge(
                disclosed,
                recipient_id,
                basis=disclosure.basis,
                since=granted_at,
                until=withdrawn_at or ended_by_age.get(recipient_id) or until,
                disclosure=disclosure,
            )
        )
    return list(people.values())


def _ended_by_age(participants: list[Participant], *, case: Case) -> dict[int, datetime]:
    """Guardians whom the age rule took off the team (the youth is 18) before the daily job
    stamped it: shown as having left, and their shares as ended, at midnight on the birthday,
    which is when their access ended. Sets `left` on those rows in memory only."""
    youth = next((p.user for p in participants if p.user_id == case.youth_id), None)
    if youth is None or youth.birth_date is None:
        return {}
    since = timezone.make_aware(datetime.combine(adult_since(youth.birth_date), time.min))
    ended = {}
    for participant in participants:
        if participant.left is None and not on_team(participant):
            participant.left = since
            ended[participant.user_id] = since
    return ended


def _team(
    *, case: int, viewer: int | None = None, today: date | None = None
) -> QuerySet[Participant]:
    """Query 1 of who_knows_what: participants_for_case, each with whether they are blocked
    (never told to the viewer about themself)."""
    blocked = Block.objects.filter(case=case, user=OuterRef("user"), ended_at__isnull=True)
    if viewer is not None:
        blocked = blocked.exclude(user=viewer)
    return participants_for_case(case=case, today=today).annotate(blocked=Exists(blocked))


def _last_opens(*, case: int) -> QuerySet[Any, tuple[Any, ...]]:
    """Query 4 of who_knows_what: (entry, person, when last opened) of every open on `case`."""
    return (
        AccessEvent.objects.filter(entry__case=case)
        .values_list("entry_id", "user_id")
        .annotate(last=Max("at"))
    )


# Queries 1 and 4 compiled once a process, as 2 and 3: the ORM built and compiled them anew on
# every call, which at ~50 entries cost more than running them.
_TEAM = CompiledRead(_team, case=Slot(-3, -4), viewer=Slot(-5, -6), today=TODAY_SLOT)
_LAST_OPENS = CompiledRead(_last_opens, case=Slot(-3, -4))


# The columns of query 3 before its related rows', in the order who_knows_what reads them.
_DISCLOSURE_FIELDS = (
    # DisclosureRow's own fields, in its order
    "id",
    "basis",
    "rule_id",
    "request_id",
    "room_id",
    "justification",
    "purpose",
    "end_reason",
    # and what who_knows_what reads besides
    "entry_id",
    "recipient_id",
    "granted_at",
    "withdrawn_at",
    "until",
)


def _disclosure_related() -> tuple[_Related, ...]:
    """Query 3's related rows after _DISCLOSURE_FIELDS, in order: recipient, rule, request, room,
    service (a new set a call: each remembers the instances it made)."""
    return (
        _Related("recipient", User, fields=_NAMED[User]),
        _Related(
            "rule",
            SharingRule,
            {"created_by": User, "recipient_user": User, "recipient_service": Service},
            # What basis_text and rule_summary read.
            fields=(
                "id",
                "category",
                "recipient_user_id",
                "recipient_service_id",
                "recipient_role",
                "created_by_id",
                "created",
            ),
        ),
        _Related(
            "request",
            ConsentRequest,
            {"decided_by": User},
            fields=("id", "decided_by_id", "decided_at"),
        ),
        _Related("room", Room, fields=("id", "title")),
        _Related("service", Service, fields=_NAMED[Service]),
    )


def _disclosures(*, case: int) -> QuerySet[Disclosure]:
    columns = (column for related in _disclosure_related() for column in related.columns)
    return (
        Disclosure.objects.filter(entry__case=case)
        .order_by("granted_at", "id")
        .values_list(*_DISCLOSURE_FIELDS, *columns)
    )


# Compiled once a process: the ORM resolved its joins and columns anew on every call.
_DISCLOSURES = CompiledRead(_disclosures, case=Slot(-3, -4))

# Nothing here shows an entry's text, and at 500 entries it was most of the rows' bytes.
_ENTRY_FIELDS = [field.attname for field in Entry._meta.concrete_fields if field.name != "body"]


def _entry_related() -> tuple[_Related, _Related]:
    """The entries' related rows after _ENTRY_FIELDS, in order: author, active withholding (a
    new pair a call: each remembers the instances it made)."""
    return (
        _Related("author", User, fields=_NAMED[User]),
        _Related("active_withholding", Withholding, {"decided_by": User}),
    )


def _entry_rows(
    *, case: int, user: int | None = None, now: datetime | None = None, today: date | None = None
) -> QuerySet[Entry, tuple[Any, ...]]:
    """The case's entries in order, each with its author, `active_withholding` (with who decided
    it) and, for a viewer `user`, whether they may open it (the one rule of
    cases.selectors.entries_visible, as an EXISTS on the row) as the last column. Not `pk IN
    (entries_visible of the case)`: PostgreSQL's generic plan for that, made for a case of
    ~50 entries, compared each of a 500-entry case's entries with each permission row
    (125,000 comparisons, most of the statement's time)."""
    entries = (
        Entry.objects.filter(case=case)
        .annotate(
            active_withholding=FilteredRelation(
                "withholdings", condition=Q(withholdings__ended_at__isnull=True)
            )
        )
        .order_by("created", "id")
    )
    extra = []
    if user is not None:
        openable = entries_visible(
            user=User(pk=user),
            queryset=Entry.objects.filter(pk=OuterRef("pk")),
            now=now,
            today=today,
        )
        entries = entries.annotate(viewer_may_open=Exists(openable))
        extra.append("viewer_may_open")
    columns = (column for related in _entry_related() for column in related.columns)
    return entries.values_list(*_ENTRY_FIELDS, *columns, *extra)


# A viewer's entries, compiled once a process: building and compiling this statement (its
# FilteredRelation and entries_visible's subqueries) was most of a ~50-entry case's call.
_ENTRY_ROWS = CompiledRead(
    _entry_rows, key=entry_content_type_id, case=Slot(-5, -6), **ENTRIES_VISIBLE_SLOTS
)


def _entries(*, case: Case, viewer: User | None) -> dict[int, Entry]:
    """The case's entries by id, in order (_entry_rows), each author made once (_Related)."""
    rows: list[tuple[Any, ...]]
    if viewer is None:
        rows = list(_entry_rows(case=case.pk))
    else:
        rows = _ENTRY_ROWS(
            case=case.pk, user=viewer.pk, now=timezone.now(), today=timezone.localdate()
        )
    author, withholding = _entry_related()
    own, db = len(_ENTRY_FIELDS), DEFAULT_DB_ALIAS
    made = {}
    for row in rows:
        entry = Entry.from_db(db, _ENTRY_FIELDS, row[:own])
        entry.author = author.make(row, own, db)  # type: ignore[assignment]
        entry.active_withholding = withholding.make(  # type: ignore[attr-defined]
            row, own + len(author.columns), db
        )
        if viewer is not None:
            entry.viewer_may_open = row[-1]  # type: ignore[attr-defined]
        made[entry.pk] = entry
    return made


def guardian_only(participants: list[Participant], viewer: User) -> bool:
    roles = {p.role for p in participants if p.user_id == viewer.pk and p.left is None}
    return roles == {Participant.Role.GUARDIAN}


# -- consent requests, disclosures, rules ------------------------------------------------------


def consent_requests_visible(
    *,
    user: User,
    status: str | None = None,
    now: datetime | None = None,
    today: date | None = None,
) -> QuerySet[ConsentRequest]:
    """Requests `user` asked, must decide, or that are about them (the youth), on cases they
    take part in now: someone who left no longer reads what they asked there. Each carries
    `entry_withheld_from_viewer`: the viewer is the youth and the entry is withheld from them, so
    pages and API show the placeholder instead of its title; and `viewer_decides_now` (read as
    ConsentRequest.viewer_decides), the one rule of who answers a request for the service, the
    pages and home alike: a decider stored when it was asked who still decides today, as
    decides_for says (the policy may have moved to the youth, or the guardian left). At `now`
    and on the local date `today` (the clock's by default; the home page's compiled statement
    passes its own)."""
    now = timezone.now() if now is None else now
    queryset = ConsentRequest.objects.filter(
        Q(requested_by=user) | Q(deciders=user) | Q(entry__case__youth=user),
        takes_part(user=user, case=OuterRef("entry__case"), today=today),
    )
    if status is not None:
        pending = Q(status=ConsentRequest.Status.PENDING)
        if status == ConsentRequest.Status.PENDING:
            queryset = queryset.filter(pending, expires_at__gt=now)
        elif status == ConsentRequest.Status.EXPIRED:
            queryset = queryset.filter(
                Q(status=ConsentRequest.Status.EXPIRED) | (pending & Q(expires_at__lte=now))
            )
        else:
            queryset = queryset.filter(status=status)
    # The OR over a join can repeat a row; select the ids once, then the rows.
    # The youth opens every entry on their case but what is withheld (entries_visible's rule).
    openable = entries_visible(user=user, now=now, today=today).values("pk")
    stored_decider = ConsentRequest.deciders.through.objects.filter(
        consentrequest=OuterRef("pk"), user=user
    )
    guardian = Participant.objects.active(today=today).filter(
        case=OuterRef("entry__case"), user=user, role=Participant.Role.GUARDIAN
    )
    youth_decides = youth_decides_q(
        birth_date="entry__case__youth__birth_date", category_field="entry__category", today=today
    )
    is_youth = Q(entry__case__youth=user)
    decides_now = (is_youth & youth_decides) | (~is_youth & ~youth_decides & Exists(guardian))
    return (
        ConsentRequest.objects.filter(pk__in=queryset.values("pk"))
        .annotate(
            entry_withheld_from_viewer=ExpressionWrapper(
                is_youth & ~Q(entry__in=openable), output_field=BooleanField()
            ),
            viewer_decides_now=ExpressionWrapper(
                Exists(stored_decider) & decides_now, output_field=BooleanField()
            ),
        )
        .select_related("entry__case__youth", "requested_by", "decided_by", "service")
        # The people in the order of their ids (unordered, the order was the plan's), as
        # consent_requests_detailed reads a listed page's.
        .prefetch_related(
            Prefetch("recipients", User.objects.order_by("pk")),
            Prefetch("deciders", User.objects.order_by("pk")),
        )
        .order_by("-created", "-id")
    )


def consent_requests_pending(*, user: User) -> list[ConsentRequest]:
    """consent_requests_visible's pending requests (the home page's), compiled once a process:
    building and compiling that statement was most of the page's consent section. The home
    page shows neither the recipients nor the deciders: they are not read."""
    now = timezone.now()
    return _REQUESTS_PENDING(user=user.pk, now=now, today=timezone.localdate(now))


def consent_requests_listed(*, user: User, status: str | None = None) -> Paged:
    """consent_requests_visible as the API's paginator reads it, its statement for each
    `status` (one of ConsentRequest.Status, or None) compiled once a process; a page's
    recipients and deciders are read by consent_requests_detailed."""
    now = timezone.now()
    return _REQUESTS_LISTED[status].paged(user=user.pk, now=now, today=timezone.localdate(now))


def consent_requests_detailed(requests: list[ConsentRequest]) -> list[ConsentRequest]:
    """A page of consent_requests_listed with its recipients (`listed_recipients`, the people)
    and deciders (`listed_deciders`, their ids), in the order of their ids, a statement each
    for the page as consent_requests_visible's prefetch reads them, both compiled once a process
    (building the prefetch's querysets, and a related manager per request, was half of the
    list's Python: benchmarks/README.md); none for an empty page."""
    if not requests:
        return requests
    ids = [request.pk for request in requests]
    recipients: dict[int, list[User]] = {}
    for link in _RECIPIENTS(requests=ids):
        recipients.setdefault(link.consentrequest_id, []).append(link.user)
    deciders: dict[int, list[int]] = {}
    for request_id, user_id in _DECIDERS(requests=ids):
        deciders.setdefault(request_id, []).append(user_id)
    for request in requests:
        request.listed_recipients = recipients.get(request.pk, [])  # type: ignore[attr-defined]
        request.listed_deciders = deciders.get(request.pk, [])  # type: ignore[attr-defined]
    return requests


_RECIPIENTS = CompiledRead(
    lambda *, requests: (
        ConsentRequest.recipients.through.objects.filter(AnyOf(F("consentrequest_id"), requests))
        .select_related("user")
        .order_by("user_id")
    ),
    requests=CASE_IDS_SLOT,
)
_DECIDERS = CompiledRead(
    lambda *, requests: (
        ConsentRequest.deciders.through.objects.filter(AnyOf(F("consentrequest_id"), requests))
        .order_by("user_id")
        .values_list("consentrequest_id", "user_id")
    ),
    requests=CASE_IDS_SLOT,
)


def _requests_of(status: str | None) -> Callable[..., QuerySet[ConsentRequest]]:
    def build(*, user: int, now: datetime, today: date) -> QuerySet[ConsentRequest]:
        return consent_requests_visible(user=User(pk=user), status=status, now=now, today=today)

    return build


def _consent_ages_key() -> tuple[int, tuple[tuple[str, int], ...]]:
    """What the statement's text depends on besides the database: entries_visible's content
    type, and the ages of deciding (youth_decides_q groups the categories by them)."""
    return entry_content_type_id(), tuple(sorted(settings.SAMMEN_CONSENT_AGES.items()))


def _decides_born_by(category: str) -> Callable[[date], date]:
    return lambda today: youth_decides_born_by(
        category=category, today=today, ages=settings.SAMMEN_CONSENT_AGES
    )


_REQUESTS_SLOTS = {
    **ENTRIES_VISIBLE_SLOTS,
    # The day is also each category's birth-date cutoff of deciding (youth_decides_q).
    "today": replace(
        TODAY_SLOT, also=(*TODAY_SLOT.also, *map(_decides_born_by, Entry.Category.values))
    ),
}
# One statement for each status filter (its text differs: pending and expired compare with now).
_REQUESTS_LISTED = {
    status: CompiledRead(_requests_of(status), key=_consent_ages_key, **_REQUESTS_SLOTS)
    for status in (None, *ConsentRequest.Status.values)
}
_REQUESTS_PENDING = _REQUESTS_LISTED[ConsentRequest.Status.PENDING]


def access_consent_request(*, user: User, request_id: int) -> ConsentRequest:
    try:
        return consent_requests_visible(user=user).get(pk=request_id)
    except ConsentRequest.DoesNotExist:
        raise Http404 from None


def may_see_youth_opinion(*, consent_request: ConsentRequest, user: User) -> bool:
    """The young person's view on a request is for them and the deciders only (not the asker),
    on the page and in the API alike (docs/architecture.md §4). A decider is who answers the
    request today (`ConsentRequest.viewer_decides`, the one rule the service also asks), so a
    guardian stored as decider before the youth could decide no longer reads it."""
    return user.pk == consent_request.entry.case.youth_id or consent_request.viewer_decides


def access_disclosure(*, user: User, disclosure_id: int) -> Disclosure:
    """A disclosure is visible to the youth, the consent authority for its category, the entry's
    author and whoever granted it while they are on the team. The recipient is not shown the
    record itself, nor the youth one of an entry withheld from them (it names the entry)."""
    try:
        disclosure = Disclosure.objects.select_related("entry__case__youth", "recipient").get(
            pk=disclosure_id
        )
    except Disclosure.DoesNotExist:
        raise Http404 from None
    entry = disclosure.entry
    if user.pk == entry.case.youth_id:
        if not entry_may_open(user=user, entry_id=entry.pk):
            raise Http404
        return disclosure
    if user.pk in {entry.author_id, disclosure.granted_by_id} and is_active_participant(
        user=user, case=entry.case
    ):
        return disclosure
    if decides_for(case=entry.case, user=user, category=entry.category):
        return disclosure
    raise Http404


def sharing_rules_active(*, case: Case | int, today: date | None = None) -> QuerySet[SharingRule]:
    """The rules in force: not ended, and not past their last day (before the sweep ends
    them, consent.services.disclosures_expire). `today`: the local date (by default now's); a
    compiled statement passes its own (coordination.statements)."""
    today = timezone.localdate() if today is None else today
    return (
        SharingRule.objects.filter(case=case, ended_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("recipient_user", "recipient_service")
        .order_by("created", "id")
    )


def access_sharing_rule(*, user: User, rule_id: int) -> SharingRule:
    try:
        rule = SharingRule.objects.select_related("case__youth").get(
            pk=rule_id, ended_at__isnull=True
        )
    except SharingRule.DoesNotExist:
        raise Http404 from None
    access_case_overview(user=user, case_id=rule.case_id)
    return rule


def rules_run_out(*, today: date) -> QuerySet[SharingRule]:
    """Rules past their last day (`today` is after it) not yet recorded as ended: the daily
    sweep, and every write under a case lock, ends them (consent.services.share._expire_due)."""
    return SharingRule.objects.filter(ended_at__isnull=True, until__lt=today)


def disclosures_run_out(*, now: datetime) -> QuerySet[Disclosure]:
    """Disclosures past their end at `now` not yet recorded as ended (their access ended at
    `until` already: cases.selectors.entries_visible).

    `until IS NOT NULL` is implied by `until <= now` but said: a prepared statement's plan is
    generic (settings: plan_cache_mode), made without the parameters' values, so PostgreSQL
    cannot estimate `until <= $n` and guessed a third of the active disclosures; under every
    share's lock it then probed each entry of the case for one. The column's share of NULLs it
    does know, so it starts from the few rows of the partial index disclosure_active_until."""
    return Disclosure.objects.filter(withdrawn_at__isnull=True, until__isnull=False, until__lte=now)


def run_out_on(*, case: OuterRef, now: datetime, today: date) -> Q:
    """SQL: a rule or a disclosure of `case` has run out (rules_run_out, disclosures_run_out)."""
    return Q(Exists(rules_run_out(today=today).filter(case=case))) | Q(
        Exists(disclosures_run_out(now=now).filter(entry__case=case))
    )


def _entry_to_share(
    *, user: int, entry: int, now: datetime, today: date, rules_before: date
) -> QuerySet[Entry]:
    return entry_to_open(user=user, entry=entry, now=now, today=today).annotate(
        expiry_due=ExpressionWrapper(
            run_out_on(case=OuterRef("case_id"), now=now, today=rules_before),
            output_field=BooleanField(),
        ),
        reading_first=Exists(ReadingFirst.objects.filter(case=OuterRef("case_id"))),
    )


_ENTRY_TO_SHARE = CompiledRead(
    _entry_to_share,
    key=entry_content_type_id,
    # The local date itself (the `today` slot binds the birth date of an adult on it).
    rules_before=Slot(date(1903, 3, 3), date(1904, 4, 4)),
    **ENTRY_TO_OPEN_SLOTS,
)


@dataclass(frozen=True)
class EntryToShare:
    entry: Entry
    # Something on the entry's case ran out (a rule or a disclosure the lock's holder records as
    # ended first: _expire_due's `due`).
    expiry_due: bool
    # The young person chose reading first on the case (consent.services.holding).
    reading_first: bool


def entry_to_share(*, user: User, entry_id: int) -> EntryToShare:
    """access_entry's read for the share path under the case lock, in one statement with what
    else the share asks about the entry's case. Http404 if `user` may not open the entry
    (entries_visible, the one rule). A statement of its own after the lock: the lock's SELECT
    took its snapshot before it waited."""
    now = timezone.now()
    today = timezone.localdate(now)
    rows = _ENTRY_TO_SHARE(user=user.pk, entry=entry_id, now=now, today=today, rules_before=today)
    if not rows:
        raise Http404
    row = rows[0]
    return EntryToShare(row, row.expiry_due, row.reading_first)


def _rules_of_category(*, case: int, category: str, today: date) -> QuerySet[SharingRule]:
    return sharing_rules_active(case=case, today=today).filter(category=category)


def _rules_read(build: Callable[..., QuerySet[SharingRule]]) -> CompiledRead[SharingRule]:
    return CompiledRead(
        build,
        case=Slot(-1, -2),
        category=Slot("-a-", "-b-"),
        today=Slot(date(1905, 5, 5), date(1906, 6, 6)),
    )


# Every share asks them (rules_covering): compiled once a process, the rules that share by
# themselves (a statement of their own text) apart.
_RULES_OF_CATEGORY = _rules_read(_rules_of_category)
_AUTOMATIC_RULES_OF_CATEGORY = _rules_read(
    lambda **values: _rules_of_category(**values).filter(automatic=True)
)


def entry_disclosures_active(*, entry: Entry | int) -> QuerySet[Disclosure]:
    """The disclosures of `entry` in force (not withdrawn, ended or expired-and-recorded)."""
    return Disclosure.objects.filter(entry=entry, withdrawn_at__isnull=True)


def _team_receiving(
    *, case: int, entry: int, users: list[int], today: date
) -> QuerySet[Participant]:
    return (
        Participant.objects.active(today=today)
        .filter(case=case)
        .filter(AnyOf(F("user_id"), users))
        .select_related("user")
        .annotate(receives=receives_entry(entry=entry))
    )


# Every share reads its recipients so (consent.services.share): compiled once a process.
_TEAM_RECEIVING = CompiledRead(
    _team_receiving,
    case=Slot(-1, -2),
    entry=Slot(-3, -4),
    users=Slot([-5], [-6]),
    today=TODAY_SLOT,
)


def receives_entry(*, entry: Entry | int) -> Exists:
    """SQL: the person of the row (its `user_id`) receives `entry` now."""
    return Exists(entry_disclosures_active(entry=entry).filter(recipient=OuterRef("user_id")))


def team_receiving(*, case: Case, entry: Entry, user_ids: set[int]) -> list[Participant]:
    """Those of `user_ids` on the team of `case` now (Participant.objects.active), with their
    user, each annotated `receives`: whether they receive `entry` already (one statement)."""
    return _TEAM_RECEIVING(
        case=case.pk, entry=entry.pk, users=sorted(user_ids), today=timezone.localdate()
    )


def rules_covering(
    *, case: Case, category: str, recipients: list[Participant], automatic_only: bool = False
) -> dict[int, SharingRule]:
    """For each recipient (an active participant) the first active rule that covers them
    (`automatic_only`: among the rules that share new entries by themselves)."""
    read = _AUTOMATIC_RULES_OF_CATEGORY if automatic_only else _RULES_OF_CATEGORY
    rules = read(case=case.pk, category=category, today=timezone.localdate())
    covered: dict[int, SharingRule] = {}
    for participant in recipients:
        for rule in rules:
            if (
                rule.recipient_user_id == participant.user_id
                or (
                    rule.recipient_service_id is not None
                    and rule.recipient_service_id == participant.service_id
                )
                or (rule.recipient_role and rule.recipient_role == participant.role)
            ):
                covered[participant.user_id] = rule
                break
    return covered


# -- pages ------------------------------------------------------------------------------------


def sharing_overview_for_entry(*, entry: Entry) -> tuple[list[Disclosure], list[ConsentRequest]]:
    """For the author's view of one entry: who got it (active and ended) and what was asked.

    Callers pass an entry whose author (or youth) is the viewer; three queries. A request's
    recipients in the order of their ids, as consent_requests_visible lists them.
    """
    disclosures = list(
        Disclosure.objects.filter(entry=entry)
        .select_related("recipient")
        .order_by("-granted_at", "-id")
    )
    requests = list(
        ConsentRequest.objects.filter(entry=entry)
        .select_related("decided_by")
        .prefetch_related(Prefetch("recipients", User.objects.order_by("pk")))
        .order_by("-created", "-id")
    )
    return disclosures, requests


def share_candidates(*, entry: Entry) -> list[Participant]:
    """Active team members who could receive `entry`: not the author, not the youth, not
    someone who can already open it, and not someone it waits to go to (reading first)."""
    has_access = Disclosure.objects.filter(
        entry=entry, recipient=OuterRef("user"), withdrawn_at__isnull=True
    )
    waits_for = HeldShare.objects.filter(
        entry=entry, recipient=OuterRef("user"), ended_at__isnull=True
    )
    return list(
        Participant.objects.active()
        .filter(case_id=entry.case_id)
        .exclude(user_id__in=[entry.author_id, entry.case.youth_id])
        .exclude(Exists(has_access))
        .exclude(Exists(waits_for))
        .select_related("user", "service")
        .order_by("joined", "id")
    )


# -- watching ---------------------------------------------------------------------------------


def watches_entry(*, user: User, entry: Entry) -> bool:
    return Watch.objects.filter(watcher=user, entry=entry).exists()


def categories_watched(*, user: User, case: Case) -> set[str]:
    return set(
        Watch.objects.filter(watcher=user, case=case, entry__isnull=True).values_list(
            "category", flat=True
        )
    )
