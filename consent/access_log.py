"""Reads for the young person's access log (issue #16 item 5): every open of an entry on their
case, with who opened it, when, how, and on what basis they could.

Who reads it is one rule, `access_log_categories`: the young person (every category) and a
guardian on the team who is the consent authority (the categories the guardians decide);
everyone else gets 404 from `access_case_log`. The page and the API both list
`access_log(...)` (a count and one query per page however many events the case has; the
basis is computed for the page's rows only, `AccessLog`) and
turn a page of events into rows with `access_log_rows`, using the team read once by
`access_log_team`.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import overload

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from cases.models import AccessEvent, Case, Entry, Participant
from cases.selectors import entries_visible, participant_active, participants_for_case
from coordination.models import User
from services_registry.models import Service

from .models import Disclosure
from .selectors import categories_decided_by, entry_label


def access_log_categories(*, user: User, case: Case) -> set[str]:
    """The categories of `case` whose opens `user` may read in the access log: all of them for
    the young person, the categories the guardians decide for a guardian on the team who is
    one of them, nothing for anyone else (the ungdomshjelper included: who opened what is the
    young person's to know)."""
    if user.pk == case.youth_id:
        return set(Entry.Category.values)
    participant = participant_active(case=case, user=user)
    if participant is None or participant.role != Participant.Role.GUARDIAN:
        return set()
    return categories_decided_by(case=case, user=user)


def access_case_log(*, user: User, case_id: int) -> tuple[Case, set[str]]:
    """The case whose access log `user` may read, with the categories they may read; 404 for
    anyone with none (access_log_categories)."""
    try:
        case = Case.objects.select_related("youth").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404 from None
    categories = access_log_categories(user=user, case=case)
    if not categories:
        raise Http404
    return case, categories


@dataclass(frozen=True)
class AccessLogFilter:
    """What the reader narrowed the log to: one person, one entry, a period of days (both ends
    included, in the local time zone). None: not narrowed."""

    person: int | None = None
    entry: int | None = None
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AccessLog(Sequence[AccessEvent]):
    """The opens `access_log` lists, newest first, to be counted and cut into pages: a page is
    one query that pages the bare events first and computes `basis` and `viewer_may_open` for
    that page's rows only (computed before the OFFSET, they cost a subquery for every skipped
    row: 256 ms of SQL for a deep page of 10,000 opens, benchmarks/README.md)."""

    def __init__(self, events: QuerySet[AccessEvent], annotated: QuerySet[AccessEvent]) -> None:
        self._events = events
        self._annotated = annotated

    def __len__(self) -> int:
        return self._events.count()

    @overload
    def __getitem__(self, index: int) -> AccessEvent: ...

    @overload
    def __getitem__(self, index: slice) -> list[AccessEvent]: ...

    def __getitem__(self, index: int | slice) -> AccessEvent | list[AccessEvent]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return list(self._annotated.filter(pk__in=self._events[index].values("pk")))

    def __iter__(self) -> Iterator[AccessEvent]:
        return iter(self._annotated.filter(pk__in=self._events.values("pk")))


def access_log(
    *, case: Case, categories: set[str], viewer: User, narrow: AccessLogFilter | None = None
) -> AccessLog:
    """Every open of an entry of `case` in `categories`, newest first, each with `basis` (why
    the person could open it then: `youth`, `author`, or the basis of the disclosure they had
    at that moment) and `viewer_may_open` (whether the reader may read the entry's title)."""
    narrow = narrow or AccessLogFilter()
    events = AccessEvent.objects.filter(entry__case=case, entry__category__in=categories)
    if narrow.person is not None:
        events = events.filter(user_id=narrow.person)
    if narrow.entry is not None:
        events = events.filter(entry_id=narrow.entry)
    if narrow.since is not None:
        events = events.filter(at__gte=_day_start(narrow.since))
    if narrow.until is not None:
        events = events.filter(at__lt=_day_start(narrow.until + timedelta(days=1)))
    disclosure_then = (
        Disclosure.objects.filter(
            entry=OuterRef("entry"), recipient=OuterRef("user"), granted_at__lte=OuterRef("at")
        )
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=OuterRef("at")))
        .order_by("-granted_at", "-id")
    )
    # Asked for each row of the page (an index lookup each), not as the set of every entry of
    # the case the reader may open, which PostgreSQL built whole for every page.
    openable = entries_visible(user=viewer, queryset=Entry.objects.filter(pk=OuterRef("entry_id")))
    annotated = (
        AccessEvent.objects.annotate(
            basis=SqlCase(
                When(user_id=F("entry__case__youth_id"), then=Value("youth")),
                When(user_id=F("entry__author_id"), then=Value("author")),
                default=Subquery(disclosure_then.values("basis")[:1]),
                output_field=CharField(),
            ),
            viewer_may_open=Exists(openable),
        )
        .select_related("entry__author", "user")
        # The log never shows an entry's text: 25 bodies a page are read for nothing.
        .defer("entry__body")
        .order_by("-at", "-id")
    )
    return AccessLog(events.order_by("-at", "-id"), annotated)


@dataclass(frozen=True)
class AccessLogRow:
    """One open as the reader may see it: the entry's title only when they may open it
    themself (else what `entry_label` says instead), and the person with their role and service
    on the case (their latest participation; None if they were never on the team)."""

    event: AccessEvent
    participant: Participant | None
    reader_id: int

    @property
    def entry(self) -> Entry:
        return self.event.entry

    @property
    def user(self) -> User:
        return self.event.user

    @property
    def at(self) -> datetime:
        return self.event.at

    @property
    def via(self) -> str:
        return self.event.via

    @property
    def basis(self) -> str | None:
        return self.event.basis  # type: ignore[attr-defined]

    @property
    def role(self) -> str:
        return self.participant.role if self.participant else ""

    @property
    def service(self) -> Service | None:
        return self.participant.service if self.participant else None

    @property
    def visible(self) -> bool:
        return bool(self.event.viewer_may_open)  # type: ignore[attr-defined]

    @property
    def withheld(self) -> bool:
        """The reader is the young person and the entry is withheld from them."""
        return not self.visible and self.event.entry.case.youth_id == self.reader_id

    @property
    def label(self) -> str:
        return entry_label(entry=self.entry, visible=self.visible, withheld=self.withheld)


def access_log_team(*, case: Case) -> dict[int, Participant]:
    """Everyone who was ever on the team of `case`, by user id, each with their current
    membership if they came back (one query): the people the log can be narrowed to, and
    what its rows say about each person."""
    team: dict[int, Participant] = {}
    for participant in participants_for_case(case=case):
        if participant.user_id not in team or participant.left is None:
            team[participant.user_id] = participant
    return team


def access_log_people(team: dict[int, Participant]) -> list[tuple[int, str]]:
    """The people the log can be narrowed to, as (user id, name) by name."""
    return sorted(
        ((user_id, participant.user.name) for user_id, participant in team.items()),
        key=lambda person: person[1],
    )


def access_log_rows(
    *, case: Case, team: dict[int, Participant], viewer: User, events: list[AccessEvent]
) -> list[AccessLogRow]:
    """A page of `access_log` as rows, without a query of its own."""
    for event in events:
        event.entry.case = case  # the case is known; no query per row
    return [
        AccessLogRow(event=event, participant=team.get(event.user_id), reader_id=viewer.pk)
        for event in events
    ]
