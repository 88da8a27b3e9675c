"""Reads for cases. Every `access_*` fetches and authorises in one step: what the caller may not
see raises Http404, exactly like what does not exist."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from coordination.ages import adult_born_by, age_on
from coordination.home import Viewer
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Paged, Slot
from services_registry.models import Phone, Service

from .models import (
    OPEN_CASE_CODENAME,
    Attachment,
    Case,
    Entry,
    EntryUserObjectPermission,
    Invitation,
    InvitationQuerySet,
    Participant,
    ParticipantQuerySet,
    ServiceActedFor,
    Withholding,
)
from .permissions import CASE_ADMIN_PERMISSION, VIEW_ENTRY
from .tokens import token_hash

# The day of a compiled statement through Participant.objects.active() (coordination.statements):
# the team rule compares birth dates with the age of majority on that day.
TODAY_SLOT = Slot(
    date(1901, 1, 1), date(1902, 2, 2), param=lambda today: adult_born_by(today=today)
)
# A list of case ids bound per call (one `= ANY(%s)` parameter, AnyOf).
CASE_IDS_SLOT = Slot((-3,), (-4,), param=list)


def takes_part(
    *, user: User | OuterRef, case: Case | OuterRef | int, today: date | None = None
) -> Exists:
    """SQL: `user` is on the team of `case` now (Participant.objects.active(), on `today` if
    given). Pass OuterRef("case") or similar to filter a list in one query."""
    return Exists(Participant.objects.active(today=today).filter(Q(case=case), Q(user=user)))


def is_active_participant(*, user: User, case: Case) -> bool:
    """Whether `user` takes part in `case` now: the one check before anyone acts on a case."""
    return Participant.objects.active().filter(case=case, user=user).exists()


def team_users(*, case: Case | int, today: date | None = None) -> QuerySet[User]:
    """The people on the team of `case` now (the young person included; on `today` if given)."""
    return User.objects.filter(takes_part(user=OuterRef("pk"), case=case, today=today))


def _team_users_among(*, case: int, users: list[int], today: date) -> QuerySet[User]:
    return team_users(case=case, today=today).filter(AnyOf(F("pk"), users))


def team_users_among(ids: set[int], *, case: Case) -> list[User]:
    """Those of `ids` on the team of `case` now (team_users), in one statement compiled once a
    process: the share view's check of the recipients it is sent (coordination.rest's
    users_from_ids)."""
    return _TEAM_USERS_AMONG(case=case.pk, users=sorted(ids), today=timezone.localdate())


def cases_for_user(*, user: User, today: date | None = None) -> QuerySet[Case]:
    """The cases `user` takes part in now (one indexed EXISTS, no DISTINCT); `today` as for
    Participant.objects.active()."""
    return (
        Case.objects.filter(takes_part(user=user, case=OuterRef("pk"), today=today))
        .select_related("youth", "closed_by")
        .order_by("-created", "-id")
    )


def _cases_of(*, user: int, today: date) -> QuerySet[Case]:
    return cases_for_user(user=User(pk=user), today=today)


# cases_for_user's statement compiled once a process: the API's case list reads it a page at a
# time, the pages' sections all at once.
_CASES_OF = CompiledRead(_cases_of, user=Slot(-1, -2), today=TODAY_SLOT)


def cases_listed(*, user: User) -> Paged:
    """cases_for_user as the API's paginator reads it."""
    return _CASES_OF.paged(user=user.pk, today=timezone.localdate())


def viewer_cases(*, viewer: Viewer) -> list[Case]:
    """cases_for_user for the person a page is for, read once a request however many of the
    page's sections ask (coordination.home.Viewer), its statement compiled once a process."""
    return viewer.once(
        "cases.cases_for_user",
        lambda: _CASES_OF(user=viewer.user.pk, today=timezone.localdate()),
    )


def youth_team(*, user: User, cases: list[Case]) -> list[Participant]:
    """Who is on the young person `user`'s own `cases` now besides them, with their person,
    service and case, and how to reach them (their service's phone numbers, in order): the
    young person's home page. The team's statement is compiled once a process."""
    team = _YOUTH_TEAM(
        user=user.pk, case_ids=[case.pk for case in cases], today=timezone.localdate()
    )
    prefetch_related_objects(team, Prefetch("service__phones", Phone.objects.order_by("number")))
    return team


def _youth_team(*, user: int, case_ids: list[int], today: date) -> QuerySet[Participant]:
    return (
        Participant.objects.active(today=today)
        .filter(AnyOf(F("case_id"), case_ids))
        .exclude(user=user)
        .select_related("user", "service", "case")
        .order_by("case_id", "joined", "id")
    )


_YOUTH_TEAM = CompiledRead(_youth_team, user=Slot(-1, -2), case_ids=CASE_IDS_SLOT, today=TODAY_SLOT)


def case_to_access(*, user: int, case: int, today: date) -> QuerySet[Case]:
    """cases_for_user narrowed to one case, as `get` would read it (no ordering), for
    access_case's compiled statement."""
    return cases_for_user(user=User(pk=user), today=today).filter(pk=case).order_by()


# Every case-scoped request (its pages, its API) starts with access_case: cases_for_user's
# statement for one case, compiled once a process, the person, the case and the day bound per
# call (building and compiling it was most of that check's Python).
_CASE_TO_ACCESS = CompiledRead(
    case_to_access,
    user=Slot(-1, -2),
    case=Slot(-3, -4, param=Case._meta.pk.get_prep_value),
    today=TODAY_SLOT,
)


def access_case(*, user: User, case_id: int) -> Case:
    """The case `user` takes part in now (cases_for_user, the one rule), with its young person
    and who closed it; Http404 if none."""
    rows = _CASE_TO_ACCESS(user=user.pk, case=case_id, today=timezone.localdate())
    if not rows:
        raise Http404
    return rows[0]


def participant_active(*, case: Case, user: User) -> Participant | None:
    return (
        Participant.objects.active().filter(case=case, user=user).select_related("service").first()
    )


def has_ungdomshjelper(*, case: Case) -> bool:
    return (
        Participant.objects.active()
        .filter(case=case, role=Participant.Role.UNGDOMSHJELPER)
        .exists()
    )


def participants_for_case(*, case: Case | int, today: date | None = None) -> ParticipantQuerySet:
    """The team now and before: people who left stay listed with `left` set; `on_team` is the
    rule of Participant.objects.active() (a guardian of a youth who turned 18 today is off the
    team even before the daily job stamps `left`; on `today` if given, as there)."""
    # `case` in the EXISTS too: without it PostgreSQL hashed every active membership of every
    # case to answer for this case's few rows.
    active = Participant.objects.active(today=today).filter(case=case, pk=OuterRef("pk"))
    return (
        Participant.objects.filter(case=case)
        .annotate(on_team=Exists(active))
        .select_related("user", "service", "invited_by")
        .order_by("left", "joined", "id")
    )


def on_team(participant: Participant) -> bool:
    """For a row of participants_for_case: whether they are on the team now."""
    return bool(participant.on_team)  # type: ignore[attr-defined]


def entries_visible(
    *,
    user: User,
    queryset: QuerySet[Entry] | None = None,
    now: datetime | None = None,
    today: date | None = None,
) -> QuerySet[Entry]:
    """`queryset` (all entries by default) narrowed in SQL to what `user` may open (at `now`,
    on the local date `today`: the clock's by default; access_entry's compiled statement
    passes its own).

    Only the user's own object permission counts (the `view_entry` row): not global ones, not
    groups, not being a superuser. And only on a case the user takes part in now (or is the
    young person of): a permission row outlives the participation for a moment where the team
    rule changes by the calendar (a guardian on the youth's 18th birthday, before the daily job
    ends their disclosures). The one exception is a row the share path gave someone as a
    service's intake (a referral's payload, `via_service`): it counts off the team while they
    still receive that service's referrals, and lets them open exactly those entries.

    One EXISTS on the row (its unique index: user, permission, entry) instead of guardian's
    get_objects_for_user, whose `id IN (... id IN (<queryset again>))` compiled and ran the
    scoping twice per statement (benchmarks/README.md).
    """
    queryset = queryset if queryset is not None else Entry.objects.all()
    now = timezone.now() if now is None else now
    # cases/permissions.py writes one view_entry row per person and entry (unique), and no other
    # rows: a row past its expiry (a disclosure that ended by itself, before the sweep removed
    # it) grants nothing.
    granted = EntryUserObjectPermission.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        user=user,
        content_object=OuterRef("pk"),
        permission__content_type=ContentType.objects.get_for_model(Entry),
        permission__codename=VIEW_ENTRY,
    )
    as_intake = granted.filter(
        via_service__staff__user=user, via_service__staff__receives_referrals=True
    )
    return queryset.filter(
        Q(case__youth=user)
        | takes_part(user=user, case=OuterRef("case"), today=today)
        | Exists(as_intake),
        Exists(granted),
    )


def entry_may_open(*, user: User, entry_id: int) -> bool:
    return entries_visible(user=user, queryset=Entry.objects.filter(pk=entry_id)).exists()


def entries_for_case(
    *, user: User, case: Case, now: datetime | None = None, today: date | None = None
) -> QuerySet[Entry]:
    return entries_visible(
        user=user,
        queryset=Entry.objects.filter(case=case).select_related("author").defer("author__password"),
        now=now,
        today=today,
    ).order_by("-created", "-id")


def entry_to_open(*, user: int, entry: int, now: datetime, today: date) -> QuerySet[Entry]:
    """The one entry `user` may open (entries_visible) with its author and its case's young
    person: access_entry's statement, and the share path's under the case lock
    (consent.selectors.entry_to_share)."""
    return entries_visible(
        user=User(pk=user),
        # The people read with the entry are shown, never signed in as: no password hash.
        queryset=Entry.objects.filter(pk=entry)
        .select_related("author", "case__youth")
        .defer("author__password", "case__youth__password"),
        now=now,
        today=today,
    ).order_by()


# The slots of a compiled statement through entries_visible (coordination.statements): the
# person, and the clock (`now` for a row's expiry, `today` for the team rule's age of majority).
ENTRIES_VISIBLE_SLOTS = {
    "user": Slot(-1, -2),
    "now": Slot(datetime(1901, 1, 1, tzinfo=UTC), datetime(1902, 2, 2, tzinfo=UTC)),
    "today": TODAY_SLOT,
}


def entry_content_type_id() -> int:
    """A compiled statement through entries_visible names this id as a constant (its key)."""
    return ContentType.objects.get_for_model(Entry).pk


class CaseEntriesRead:
    """An API list of a case's entries through entries_visible (`build(user=, case=, now=,
    today=)`, e.g. entries_for_case), compiled once a process and read a page at a time."""

    def __init__(self, build: Callable[..., QuerySet[Entry]]) -> None:
        self._read = CompiledRead(
            lambda *, user, case, now, today: build(
                user=User(pk=user), case=Case(pk=case), now=now, today=today
            ),
            key=entry_content_type_id,
            case=Slot(-3, -4),
            **ENTRIES_VISIBLE_SLOTS,
        )

    def paged(self, *, user: User, case: Case) -> Paged:
        now = timezone.now()
        return self._read.paged(user=user.pk, case=case.pk, now=now, today=timezone.localdate(now))


_ENTRIES_LISTED = CaseEntriesRead(entries_for_case)


def entries_listed(*, user: User, case: Case) -> Paged:
    """entries_for_case as the API's paginator reads it."""
    return _ENTRIES_LISTED.paged(user=user, case=case)


# entry_to_open's values, bound per call (the sentinels match no one).
_TEAM_USERS_AMONG = CompiledRead(
    _team_users_among,
    case=Slot(-1, -2),
    users=Slot([-3], [-4]),
    today=TODAY_SLOT,
)

ENTRY_TO_OPEN_SLOTS = {
    **ENTRIES_VISIBLE_SLOTS,
    "entry": Slot(-3, -4, param=Entry._meta.pk.get_prep_value),
}

# Opening an entry (the page, the API, the share view's check before the case lock):
# entries_visible's statement for one entry, compiled once a process.
_ENTRY_TO_OPEN = CompiledRead(entry_to_open, key=entry_content_type_id, **ENTRY_TO_OPEN_SLOTS)


def access_entry(*, user: User, entry_id: int) -> Entry:
    """The entry `user` may open, with its author and its case's young person; Http404 if
    none (entries_visible, the one rule)."""
    rows = _ENTRY_TO_OPEN(
        user=user.pk, entry=entry_id, now=timezone.now(), today=timezone.localdate()
    )
    if not rows:
        raise Http404
    return rows[0]


def attachments_for_entry(*, entry: Entry) -> QuerySet[Attachment]:
    """Callers pass an entry they obtained through access_entry."""
    return Attachment.objects.filter(entry=entry).order_by("created", "id")


# Every open of an entry through the API lists its files (EntryOutputSerializer): compiled once
# a process, as building the related manager's query was a large part of the open's Python.
_ATTACHMENTS_OF = CompiledRead(
    lambda *, entry: attachments_for_entry(entry=Entry(pk=entry)), entry=Slot(-1, -2)
)


def attachments_of(*, entry: Entry) -> list[Attachment]:
    """attachments_for_entry's rows, read through its compiled statement."""
    return _ATTACHMENTS_OF(entry=entry.pk)


def access_attachment(*, user: User, attachment_id: int) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("entry").get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    access_entry(user=user, entry_id=attachment.entry_id)
    return attachment


def withholdings_active(*, case: Case) -> QuerySet[Withholding]:
    """What is kept from the young person on `case` now: for the youth's placeholders (reason,
    who decided, when, the category; never the title or the text)."""
    return (
        Withholding.objects.filter(entry__case=case, ended_at__isnull=True)
        .select_related("decided_by", "entry")
        .order_by("-decided_at", "-id")
    )


def is_case_admin(*, user: User) -> bool:
    """The one check for a case admin: review and end withholdings on any case."""
    return user.has_perm(CASE_ADMIN_PERMISSION)


def withholdings_for_review() -> QuerySet[Withholding]:
    """Every active withholding, for case admins (is_case_admin) to review. Callers check it."""
    return (
        Withholding.objects.filter(ended_at__isnull=True)
        .select_related("decided_by", "entry__case__youth")
        .order_by("decided_at", "id")
    )


def access_withholding(*, user: User, withholding_id: int) -> Withholding:
    """The person who decided (while on the team) and case admins see a withholding; anyone
    else gets 404."""
    try:
        withholding = Withholding.objects.select_related("entry__case", "decided_by").get(
            pk=withholding_id
        )
    except Withholding.DoesNotExist:
        raise Http404 from None
    if is_case_admin(user=user):
        return withholding
    if user.pk == withholding.decided_by_id and is_active_participant(
        user=user, case=withholding.entry.case
    ):
        return withholding
    raise Http404


# --- Opening cases and inviting people --------------------------------------------------------


def may_open_case(*, user: User) -> bool:
    """The one rule for opening a case: the permission cases.open_case, from a group (the
    helpers') or given to the person. Not `has_perm`: being a superuser opens no case, since
    opening one puts the opener on it."""
    if not user.is_active:
        return False
    return (
        Permission.objects.filter(content_type__app_label="cases", codename=OPEN_CASE_CODENAME)
        .filter(Q(group__user=user) | Q(user=user))
        .exists()
    )


def service_acted_for(*, user: User) -> Service | None:
    """The service `user` opened their last case for: offered first on the next one."""
    remembered = ServiceActedFor.objects.select_related("service").filter(user=user).first()
    return remembered.service if remembered else None


def invite_roles(*, case: Case, user: User, today: date | None = None) -> list[str]:
    """The one rule for who may invite whom (empty: may not invite). The ungdomshjelper and the
    helpers on the case invite helpers and guardians; the young person from the age they decide
    about their own health information (16) invites anyone, their own choice of helper or
    ungdomshjelper included; guardians and younger youth invite nobody."""
    me = participant_active(case=case, user=user)
    if me is None:
        return []
    if me.role in (Participant.Role.HELPER, Participant.Role.UNGDOMSHJELPER):
        return [Participant.Role.HELPER, Participant.Role.GUARDIAN]
    if me.role == Participant.Role.YOUTH and user.birth_date is not None:
        today = today or timezone.localdate()
        if age_on(user.birth_date, today) >= settings.SAMMEN_CONSENT_AGES["self"]:
            return [
                Participant.Role.HELPER,
                Participant.Role.GUARDIAN,
                Participant.Role.UNGDOMSHJELPER,
            ]
    return []


def invitations_for_case(*, case: Case) -> InvitationQuerySet:
    """Every invitation on `case`, newest first, for the people on its team."""
    return (
        Invitation.objects.filter(case=case)
        .select_related("invitee", "invited_by", "service")
        .order_by("-created", "-id")
    )


# The API's invitations of a case, a page at a time: invitations_for_case's statement compiled
# once a process.
_INVITATIONS_LISTED = CompiledRead(
    lambda *, case: invitations_for_case(case=Case(pk=case)), case=Slot(-1, -2)
)


def invitations_listed(*, case: Case) -> Paged:
    """invitations_for_case as the API's paginator reads it."""
    return _INVITATIONS_LISTED.paged(case=case.pk)


def access_invitation(*, user: User, invitation_id: int) -> Invitation:
    """An invitation on a case `user` is on the team of now; 404 otherwise."""
    invitation = (
        Invitation.objects.filter(pk=invitation_id, case__in=cases_for_user(user=user))
        .select_related("invitee", "invited_by", "service", "case")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def access_invitation_as_invitee(*, user: User, invitation_id: int) -> Invitation:
    """An invitation to `user` themself; 404 for anyone else, like a missing one."""
    invitation = (
        Invitation.objects.filter(pk=invitation_id, invitee=user)
        .select_related("invitee", "invited_by", "service", "case")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def invitation_for_token(*, token: str) -> Invitation | None:
    """The pending invitation whose link this is; None for a wrong, used, withdrawn or expired
    one alike (the page says the same for all, and nothing about the case)."""
    if not token or len(token) > 200:
        return None
    return invitation_for_token_hash(digest=token_hash(token))


def invitation_for_token_hash(*, digest: str) -> Invitation | None:
    """invitation_for_token by the stored hash (what a session keeps while its person signs in
    at an identity provider, so the link itself is never stored)."""
    return (
        Invitation.objects.pending()
        .filter(token_hash=digest)
        .select_related("invitee", "invited_by", "service")
        .first()
    )


def person_to_name(*, user_id: int | None = None, username: str = "") -> User | None:
    """An active account named in a request (by id in the API, by username on a page), for
    opening a case or inviting; None when there is none."""
    people = User.objects.filter(is_active=True)
    if user_id is not None:
        return people.filter(pk=user_id).first()
    return people.filter(username=username).first() if username else None


def catalogue_service(*, service_id: UUID | None) -> Service | None:
    """The catalogue service a request names (from the picker or the API), or None."""
    return Service.objects.filter(pk=service_id).first() if service_id else None


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February, counted back to a year without it
        return moment.replace(year=moment.year - years, day=28)


def entries_due_for_erasure(*, now: datetime | None = None) -> QuerySet[Entry]:
    """The retention rule (GDPR Art. 5(1)(e)), in SQL: entries not yet erased on a closed case
    without a legal hold, closed at least as many years before `now` as their category keeps
    content (settings.SAMMEN_RETENTION_YEARS). A category kept for the archive (None) or not
    listed is never erased here. The job, its dry run and the erasure's re-check all ask this."""
    now = now or timezone.now()
    due = Q(pk__in=[])
    for category, years in settings.SAMMEN_RETENTION_YEARS.items():
        if years is not None:
            due |= Q(category=category, case__closed_at__lte=_years_before(now, years))
    return Entry.objects.filter(
        due,
        case__status=Case.Status.CLOSED,
        case__legal_hold_since__isnull=True,
        erased_at__isnull=True,
    )


@dataclass(frozen=True)
class EntryNote:
    """A line about what became of an entry, told by the app that did it (consent: "shared
    automatically with ...", "waiting for Sara to read it"): the entry's page and the entry API
    show it to whoever that app chooses. `kind` names the line for clients; `until` is when a
    wait ends by itself."""

    kind: str
    text: str
    people: list[User]
    until: datetime | None = None


def entry_notes(*, user: User, entry: Entry) -> list[EntryNote]:
    """What each app that defines `entry_notes(user=, entry=)` on its AppConfig tells `user`
    about `entry` (cases cannot import the apps that share entries)."""
    notes: list[EntryNote] = []
    for config in apps.get_app_configs():
        provide = getattr(config, "entry_notes", None)
        if provide is not None:
            notes += provide(user=user, entry=entry)
    return notes
