"""Reads for the young person's voice; each returns only what the caller may see."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Entry, Participant
from cases.selectors import (
    CASE_IDS_SLOT,
    ENTRIES_VISIBLE_SLOTS,
    TODAY_SLOT,
    CaseEntriesRead,
    access_case,
    access_entry,
    entries_for_case,
    entries_visible,
    entry_content_type_id,
    participant_active,
    takes_part,
)
from consent.models import Disclosure
from consent.selectors import categories_decided_by
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Paged, Slot
from services_registry.models import Service

from .models import EntryVersion, Feedback, MessageRead, Remark, UngdomshjelperChange, Visit

# The municipal pool of youth coordinators a young person may choose from (a Django group).
COORDINATORS_GROUP = "Ungdomshjelpere i kommunen"


def messages_for_case(
    *, user: User, case: Case, now: datetime | None = None, today: date | None = None
) -> QuerySet[Entry]:
    """The messages on `case` that `user` may read, oldest first (filtered in SQL by guardian).
    A room's messages are the room's (voice.rooms), not the conversation's."""
    return (
        entries_for_case(user=user, case=case, now=now, today=today)
        .filter(kind=Entry.Kind.MESSAGE, room_message__isnull=True)
        .order_by("created", "id")
    )


# The API's conversation of a case, a page at a time.
_MESSAGES_LISTED = CaseEntriesRead(messages_for_case)


def messages_listed(*, user: User, case: Case) -> Paged:
    """messages_for_case as the API's paginator reads it."""
    return _MESSAGES_LISTED.paged(user=user, case=case)


def message_recipients(*, case: Case) -> list[Participant]:
    """The people a young person may write to: everyone on the team now except themself."""
    return list(
        Participant.objects.active()
        .filter(case=case)
        .exclude(user_id=case.youth_id)
        .select_related("user", "service")
        .order_by("joined", "id")
    )


def unread_messages(*, user: User, cases: list[Case] | None = None) -> dict[int, int]:
    """Per case `user` takes part in: how many messages they may read arrived since they last
    read the conversation (not counting their own). One query. A caller that has already read
    cases_for_user passes (some of) them as `cases` to narrow the statement to their ids; the
    statement still keeps to the cases `user` takes part in, so no case passed by mistake counts
    (an intake worker may open a referral's message off the team). With `cases` the statement
    is compiled once a process (the home page and the overview ask it on every call)."""
    if cases is None:
        return {row["case_id"]: row["unread"] for row in _unread_messages(user=user, case_ids=None)}
    return unread_compiled(_UNREAD_MESSAGES, user=user, cases=cases)


def _on_cases_now(read: CompiledRead[Entry], *, user: User, cases: list[Case]) -> list[Any]:
    """The rows of a compiled read through entries_visible (slots: its own and `case_ids`) for
    `user` on `cases`, now and today of one instant. No cases, no statement (as the ORM's
    empty IN)."""
    if not cases:
        return []
    now = timezone.now()
    return read(
        user=user.pk,
        case_ids=[case.pk for case in cases],
        now=now,
        today=timezone.localdate(now),
    )


def unread_compiled(read: CompiledRead[Entry], *, user: User, cases: list[Case]) -> dict[int, int]:
    """An unread count's compiled statement for `user` on `cases` now, per case."""
    return {row["case_id"]: row["unread"] for row in _on_cases_now(read, user=user, cases=cases)}


def _unread_messages(
    *,
    user: User,
    case_ids: list[int] | None,
    now: datetime | None = None,
    today: date | None = None,
) -> QuerySet[Entry, dict[str, int]]:
    """unread_messages' statement (on the clock's `now` and `today` unless given)."""
    read = MessageRead.objects.filter(case=OuterRef("case"), user=user)
    messages = Entry.objects.filter(
        takes_part(user=user, case=OuterRef("case"), today=today),
        kind=Entry.Kind.MESSAGE,
        room_message__isnull=True,
    ).exclude(author=user)
    if case_ids is not None:
        messages = messages.filter(AnyOf(F("case_id"), case_ids))
    return (
        entries_visible(user=user, queryset=messages, now=now, today=today)
        .filter(~Exists(read) | Q(created__gt=Subquery(read.values("read_at")[:1])))
        .values("case_id")
        .annotate(unread=Count("id"))
        .order_by()
    )


_UNREAD_MESSAGES = CompiledRead(
    lambda user, case_ids, now, today: _unread_messages(
        user=User(pk=user), case_ids=case_ids, now=now, today=today
    ),
    key=entry_content_type_id,
    case_ids=CASE_IDS_SLOT,
    **ENTRIES_VISIBLE_SLOTS,
)


LATEST = 5


def latest_about_youth(*, user: User, cases: list[Case]) -> list[Entry]:
    """The young person's home: the LATEST entries on `cases` (their own) that they may open,
    messages aside, newest first, with their authors. Compiled once a process."""
    return _on_cases_now(_LATEST_ABOUT_YOUTH, user=user, cases=cases)


def _latest_about_youth(
    *, user: int, case_ids: list[int], now: datetime, today: date
) -> QuerySet[Entry]:
    return (
        entries_visible(
            user=User(pk=user),
            queryset=Entry.objects.filter(AnyOf(F("case_id"), case_ids)).select_related("author"),
            now=now,
            today=today,
        )
        .exclude(kind=Entry.Kind.MESSAGE)
        .order_by("-created", "-id")[:LATEST]
    )


_LATEST_ABOUT_YOUTH = CompiledRead(
    _latest_about_youth,
    key=entry_content_type_id,
    case_ids=CASE_IDS_SLOT,
    **ENTRIES_VISIBLE_SLOTS,
)


# -- the ungdomshjelper -----------------------------------------------------------------------


def ungdomshjelper_of(*, case: Case) -> Participant | None:
    return (
        Participant.objects.active()
        .filter(case=case, role=Participant.Role.UNGDOMSHJELPER)
        .select_related("user", "service")
        .first()
    )


def ungdomshjelper_change_open(*, case: Case) -> UngdomshjelperChange | None:
    """The open request for another ungdomshjelper on `case`, if any."""
    return (
        UngdomshjelperChange.objects.filter(case=case, closed_at__isnull=True)
        .select_related("asked_by", "replacing")
        .first()
    )


def ungdomshjelper_offered(*, case: Case) -> bool:
    """Offered from the first helper on the case while it has no ungdomshjelper (issue #19 item
    4: the young person hears of the right as soon as one service helps), and again while the
    young person's request for another ungdomshjelper is open. One statement, compiled once a
    process (the home page asks for each case of the young person)."""
    return bool(_OFFERED(case=case.pk, today=timezone.localdate()))


def _offered(*, case: int, today: date) -> QuerySet[Case, Any]:
    """ungdomshjelper_offered's statement: the case's id if offered on `today`."""
    on_team = Participant.objects.active(today=today).filter(case=OuterRef("pk"))
    change_open = UngdomshjelperChange.objects.filter(case=OuterRef("pk"), closed_at__isnull=True)
    helped = on_team.filter(role=Participant.Role.HELPER, service__isnull=False)
    chosen = on_team.filter(role=Participant.Role.UNGDOMSHJELPER)
    return (
        Case.objects.filter(pk=case)
        .filter(Exists(change_open) | (Exists(helped) & ~Exists(chosen)))
        .values("pk")[:1]
    )


_OFFERED = CompiledRead(
    _offered, case=Slot(-1, -2, param=Case._meta.pk.get_prep_value), today=TODAY_SLOT
)


@dataclass(frozen=True)
class Candidate:
    user: User
    participant: Participant | None  # set when they already help on the case


def ungdomshjelper_candidates(*, case: Case) -> list[Candidate]:
    """Helpers on the case first, then the municipal youth coordinators (two queries). The
    ungdomshjelper now is neither, so a request for another one never offers them again."""
    helpers = list(
        Participant.objects.active()
        .filter(case=case, role=Participant.Role.HELPER)
        .select_related("user", "service")
        .order_by("joined", "id")
    )
    candidates = [Candidate(user=p.user, participant=p) for p in helpers]
    on_team = Participant.objects.active().filter(case=case, user=OuterRef("pk"))
    coordinators = (
        User.objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
        .exclude(Exists(on_team))
        .order_by("display_name", "pk")
    )
    candidates += [Candidate(user=user, participant=None) for user in coordinators]
    return candidates


def may_choose_ungdomshjelper(*, case: Case, user: User) -> bool:
    """The youth, and a guardian who is the consent authority for something on the case."""
    if user.pk == case.youth_id:
        return True
    me = participant_active(case=case, user=user)
    return (
        me is not None
        and me.role == Participant.Role.GUARDIAN
        and bool(categories_decided_by(case=case, user=user))
    )


def ungdomshjelper_cases(*, user: User, today: date | None = None) -> QuerySet[Case]:
    """The cases where `user` is the ungdomshjelper now (on `today` if given), by the young
    person's name."""
    role = Participant.objects.active(today=today).filter(
        case=OuterRef("pk"), user=user, role=Participant.Role.UNGDOMSHJELPER
    )
    return (
        Case.objects.filter(Exists(role))
        .select_related("youth")
        .order_by("youth__display_name", "youth__username", "id")
    )


# The overview (voice.views), a page at a time through Django's Paginator: its COUNT and page
# compiled once a process.
_UNGDOMSHJELPER_CASES = CompiledRead(
    lambda *, user, today: ungdomshjelper_cases(user=User(pk=user), today=today),
    user=Slot(-1, -2),
    today=TODAY_SLOT,
)


def ungdomshjelper_cases_paged(*, user: User) -> Paged:
    """ungdomshjelper_cases as a Paginator reads it: `count()`, then one page."""
    return _UNGDOMSHJELPER_CASES.paged(user=user.pk, today=timezone.localdate())


def ungdomshjelper_case_count(*, user: User) -> int:
    """How many ungdomshjelper_cases `user` has: the home page's link to the overview, on every
    home page, so compiled once a process (the cases' ids, counted here)."""
    return len(_COORDINATING(user=user.pk, today=timezone.localdate()))


_COORDINATING = CompiledRead(
    lambda user, today: (
        ungdomshjelper_cases(user=User(pk=user), today=today).order_by().values("pk")
    ),
    user=Slot(-1, -2),
    today=TODAY_SLOT,
)


def access_case_for_choice(*, user: User, case_id: int) -> Case:
    """The case whose ungdomshjelper `user` may choose; anyone else on the case gets 404 too,
    since the choice is not theirs to look at."""
    case = access_case(user=user, case_id=case_id)
    if not may_choose_ungdomshjelper(case=case, user=user):
        raise Http404
    return case


# -- feedback ---------------------------------------------------------------------------------

FEEDBACK_MIN_ANSWERS = 5


def feedback_services(*, user: User) -> QuerySet[Service]:
    """The services helping `user` (as the young person) on their cases now."""
    helping = Participant.objects.active().filter(
        service=OuterRef("pk"),
        case__youth=user,
        role__in=[Participant.Role.HELPER, Participant.Role.UNGDOMSHJELPER],
    )
    return Service.objects.filter(Exists(helping)).order_by("name")


def feedback_services_for_helper(*, user: User) -> QuerySet[Service]:
    """The services `user` acts for on some case now: they may see those services' feedback."""
    acting = Participant.objects.active().filter(service=OuterRef("pk"), user=user)
    return Service.objects.filter(Exists(acting)).order_by("name")


@dataclass(frozen=True)
class FeedbackSummary:
    service: Service
    answers: int | None  # None while hidden: even the count could point at someone
    hidden: bool  # fewer than FEEDBACK_MIN_ANSWERS: nothing but that is shown
    average: float | None
    comments: list[str]


def feedback_summary(*, service: Service) -> FeedbackSummary:
    """Callers pass a service from feedback_services_for_helper. Comments carry no name and no
    time, in a fixed order that says nothing about who wrote when."""
    rows = list(Feedback.objects.filter(service=service).values_list("rating", "text"))
    if len(rows) < FEEDBACK_MIN_ANSWERS:
        return FeedbackSummary(service, None, True, None, [])
    return FeedbackSummary(
        service,
        len(rows),
        False,
        round(sum(rating for rating, _text in rows) / len(rows), 1),
        sorted(text for _rating, text in rows if text),
    )


# -- comments and corrections -----------------------------------------------------------------


# Comments, answers and earlier texts are between the young person and the entry's author. The
# young person may show a remark to everyone who can open the entry (Remark.shown_to_recipients);
# these three functions are the whole rule, for pages and API alike.


def _reads_every_remark(*, user: User, entry: Entry) -> bool:
    return user.pk in {entry.author_id, entry.case.youth_id}


def remarks_for_entry(*, entry: Entry, viewer: User) -> QuerySet[Remark]:
    """Callers pass an entry from access_remarks: every remark for the young person and the
    author, the ones the young person showed them for anyone else."""
    remarks = Remark.objects.filter(entry=entry).select_related("author", "answered_by")
    if _reads_every_remark(user=viewer, entry=entry):
        return remarks
    return remarks.filter(shown_to_recipients=True)


def entry_version(*, entry: Entry) -> int:
    """Which text of `entry` is the current one: the number of earlier texts kept (0: as
    written). A correction is accepted only on the text its author was shown."""
    return EntryVersion.objects.filter(entry=entry).count()


def versions_of(*, entry: Entry, viewer: User) -> QuerySet[EntryVersion]:
    """Earlier texts: all for the young person and the author; for anyone else only those a
    correction the young person showed them replaced."""
    versions = EntryVersion.objects.filter(entry=entry).order_by("replaced_at", "id")
    if _reads_every_remark(user=viewer, entry=entry):
        return versions
    return versions.filter(remark__shown_to_recipients=True)


def versions_visible(*, viewer: User) -> QuerySet[EntryVersion]:
    """versions_of for every entry `viewer` may open at once, in SQL (the export): the same
    rule, all earlier texts for the young person and the author, otherwise only those a shown
    correction replaced."""
    return (
        EntryVersion.objects.filter(entry__in=entries_visible(user=viewer).values("pk"))
        .filter(
            Q(entry__author=viewer)
            | Q(entry__case__youth=viewer)
            | Q(remark__shown_to_recipients=True)
        )
        .order_by("entry_id", "replaced_at", "id")
    )


def access_remarks(*, user: User, entry_id: int) -> Entry:
    """An entry whose remarks and earlier texts `user` may read: the young person and the author;
    anyone else who may open it once the young person has shown them a remark. Else 404."""
    entry = access_entry(user=user, entry_id=entry_id)
    if _reads_every_remark(user=user, entry=entry):
        return entry
    if not remarks_for_entry(entry=entry, viewer=user).exists():
        raise Http404
    return entry


def remarks_by_author(*, user: User) -> QuerySet[Remark]:
    """The young person's own comments and corrections, newest first, on entries they may still
    open (narrowed in SQL by entries_visible), with the entry and its case."""
    return (
        Remark.objects.filter(author=user, entry__in=entries_visible(user=user))
        .select_related("entry__case")
        .order_by("-created", "-id")
    )


def is_youth_of_a_case(*, user: User) -> bool:
    return Case.objects.filter(youth=user).exists()


def access_remark(*, user: User, remark_id: int) -> Remark:
    try:
        remark = Remark.objects.select_related("entry").get(pk=remark_id)
    except Remark.DoesNotExist:
        raise Http404 from None
    entry = access_entry(user=user, entry_id=remark.entry_id)
    if not (remark.shown_to_recipients or _reads_every_remark(user=user, entry=entry)):
        raise Http404
    return remark


# -- what is new since the last visit ---------------------------------------------------------


@dataclass(frozen=True)
class News:
    since: datetime | None  # None: the first visit, everything counts as new
    written: int  # entries about them they may open (not their own, not messages)
    shared: int  # disclosures of their entries to others


def _visit(*, user: int) -> QuerySet[Visit]:
    return Visit.objects.filter(user_id=user).order_by("pk")[:1]


# The young person's previous visit, which every home page of theirs reads: compiled once a
# process; at most one row (one a person).
_VISIT = CompiledRead(_visit, user=Slot(-1, -2))


def news_for_youth(*, user: User, cases: list[Case]) -> News:
    """For a young person: what happened on their cases since their previous visit (3 queries).
    `cases` (their own, already read) narrows the statements to those ids; the statements
    themselves keep to the cases where `user` is the young person and takes part now, so a case
    passed by mistake counts nothing. The two counts run compiled once a process (the home page
    asks them on every call); counted per case and added up, as a compiled read answers rows."""
    visits = _VISIT(user=user.pk)
    since = visits[0].previous if visits else None
    if not cases:
        return News(since=since, written=0, shared=0)
    now = timezone.now()
    values: dict[str, Any] = {
        "user": user.pk,
        "case_ids": [case.pk for case in cases],
        "today": timezone.localdate(now),
    }
    if since is not None:
        values["since"] = since
    written = _NEWS_WRITTEN[since is not None](now=now, **values)
    shared = _NEWS_SHARED[since is not None](**values)
    return News(
        since=since,
        written=sum(row["count"] for row in written),
        shared=sum(row["count"] for row in shared),
    )


def _own_cases(*, user: User, case_ids: list[int], today: date) -> QuerySet[Case]:
    """Of `case_ids`, the cases where `user` is the young person and takes part on `today`."""
    return Case.objects.filter(
        takes_part(user=user, case=OuterRef("pk"), today=today),
        AnyOf(F("pk"), case_ids),
        youth=user,
    )


def _news_written(
    *, user: int, case_ids: list[int], now: datetime, today: date, since: datetime | None = None
) -> QuerySet[Entry, dict[str, int]]:
    """news_for_youth's entries written about the young person (since `since`), per case."""
    youth = User(pk=user)
    written = entries_visible(
        user=youth,
        queryset=Entry.objects.filter(
            case__in=_own_cases(user=youth, case_ids=case_ids, today=today)
        )
        .exclude(author=youth)
        .exclude(kind=Entry.Kind.MESSAGE),
        now=now,
        today=today,
    )
    if since is not None:
        written = written.filter(created__gt=since)
    return written.values("case_id").annotate(count=Count("id")).order_by()


def _news_shared(
    *, user: int, case_ids: list[int], today: date, since: datetime | None = None
) -> QuerySet[Disclosure, dict[str, int]]:
    """news_for_youth's disclosures of the young person's entries to others (since `since`),
    per case."""
    youth = User(pk=user)
    shared = Disclosure.objects.filter(
        entry__case__in=_own_cases(user=youth, case_ids=case_ids, today=today)
    ).exclude(granted_by=youth)
    if since is not None:
        shared = shared.filter(granted_at__gt=since)
    return shared.values("entry__case_id").annotate(count=Count("id")).order_by()


_SINCE = Slot(datetime(1903, 3, 3, tzinfo=UTC), datetime(1904, 4, 4, tzinfo=UTC))
# Indexed by whether there was a previous visit (`since`): a statement with the filter, one
# without.
_NEWS_WRITTEN = {
    False: CompiledRead(
        _news_written, key=entry_content_type_id, case_ids=CASE_IDS_SLOT, **ENTRIES_VISIBLE_SLOTS
    ),
    True: CompiledRead(
        _news_written,
        key=entry_content_type_id,
        case_ids=CASE_IDS_SLOT,
        since=_SINCE,
        **ENTRIES_VISIBLE_SLOTS,
    ),
}
_USER, _TODAY = ENTRIES_VISIBLE_SLOTS["user"], TODAY_SLOT
_NEWS_SHARED = {
    False: CompiledRead(_news_shared, case_ids=CASE_IDS_SLOT, user=_USER, today=_TODAY),
    True: CompiledRead(
        _news_shared, case_ids=CASE_IDS_SLOT, since=_SINCE, user=_USER, today=_TODAY
    ),
}
