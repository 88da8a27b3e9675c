"""Reads for meetings, already filtered by what the caller may see. `access_*` raise Http404 for
what is missing and for what is hidden alike."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Entry, Participant
from cases.selectors import entries_visible, participant_active, takes_part
from consent.policy import youth_decides_born_by
from consent.selectors import deciders_for, youth_decides_q
from coordination.ages import adult_born_by
from coordination.models import User
from coordination.statements import CompiledRead, Paged, Slot

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Evaluation,
    GuardiansQuestion,
    Meeting,
    Minutes,
)

# Attendance is decided like sharing of general information (docs/architecture.md §4).
ATTENDANCE_CATEGORY = Entry.Category.GENERAL
# A meeting counts as upcoming until two hours after it started (the home page, the overview).
UPCOMING_GRACE = timedelta(hours=2)
# How many upcoming meetings the home page shows.
UPCOMING_FIRST = 5
# The #4 feedback rule: results are shown only once this many people have answered.
EVALUATION_MIN_ANSWERS = 5


def meetings_visible(*, user: User, today: date | None = None) -> QuerySet[Meeting]:
    """Meetings on cases `user` is on now, if they are the young person, the organiser, the
    case's ungdomshjelper, invited, or a guardian who decides who comes (guardians decide about
    ATTENDANCE_CATEGORY: consent.policy, in SQL through youth_decides_q). On the local date
    `today` (the clock's by default; a compiled statement passes its own)."""
    active = Participant.objects.active(today=today).filter(case=OuterRef("case"), user=user)
    guardians_decide = ~youth_decides_q(
        birth_date="case__youth__birth_date", category=ATTENDANCE_CATEGORY, today=today
    )
    invited = Attendance.objects.filter(meeting=OuterRef("pk"), user=user, invited_at__isnull=False)
    return (
        Meeting.objects.filter(Exists(active))
        .filter(
            Q(case__youth=user)
            | Q(organiser=user)
            | Exists(active.filter(role=Participant.Role.UNGDOMSHJELPER))
            | Exists(invited)
            | (Exists(active.filter(role=Participant.Role.GUARDIAN)) & guardians_decide)
        )
        .select_related("case__youth", "organiser")
        .order_by("starts_at", "id")
    )


def access_meeting(*, user: User, meeting_id: int) -> Meeting:
    try:
        return meetings_visible(user=user).get(pk=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def meetings_for_case(*, user: User, case: Case, today: date | None = None) -> QuerySet[Meeting]:
    return meetings_visible(user=user, today=today).filter(case=case)


def meetings_attending(*, user: User, today: date | None = None) -> QuerySet[Meeting]:
    """What goes in the person's calendar: meetings they organise, are invited to, or (the
    young person) are the meeting about. Cancelled ones stay, marked cancelled in iCalendar,
    so calendar programs remove them."""
    invited = Attendance.objects.filter(meeting=OuterRef("pk"), user=user, invited_at__isnull=False)
    return meetings_visible(user=user, today=today).filter(
        Q(case__youth=user) | Q(organiser=user) | Exists(invited)
    )


def meetings_upcoming(
    *, user: User, now: datetime | None = None, today: date | None = None
) -> QuerySet[Meeting]:
    """meetings_attending not cancelled that started at most UPCOMING_GRACE before `now`."""
    now = timezone.now() if now is None else now
    return meetings_attending(user=user, today=today).filter(
        cancelled_at__isnull=True, starts_at__gte=now - UPCOMING_GRACE
    )


def meetings_upcoming_first(*, user: User) -> list[Meeting]:
    """The first UPCOMING_FIRST of meetings_upcoming (the home page's), compiled once a
    process."""
    now = timezone.now()
    return _UPCOMING_FIRST(user=user.pk, now=now, today=timezone.localdate(now))


# The slots of a compiled statement over meetings_visible (coordination.statements): the
# person, the clock's `now` (what is upcoming) and `today` (the team rule's age of majority,
# and the age the young person decides who comes at).
MEETINGS_USER = Slot(-1, -2)
MEETINGS_NOW = Slot(
    datetime(1901, 1, 1, tzinfo=UTC),
    datetime(1902, 2, 2, tzinfo=UTC),
    param=lambda now: now - UPCOMING_GRACE,
)
MEETINGS_TODAY = Slot(
    date(1901, 1, 1),
    date(1902, 2, 2),
    param=lambda today: adult_born_by(today=today),
    also=(
        lambda today: youth_decides_born_by(
            category=ATTENDANCE_CATEGORY, today=today, ages=settings.SAMMEN_CONSENT_AGES
        ),
    ),
)
_UPCOMING_FIRST = CompiledRead(
    lambda user, now, today: meetings_upcoming(user=User(pk=user), now=now, today=today)[
        :UPCOMING_FIRST
    ],
    user=MEETINGS_USER,
    now=MEETINGS_NOW,
    today=MEETINGS_TODAY,
)


# The API's meetings of a case, a page at a time: meetings_for_case's statement compiled once a
# process.
_MEETINGS_LISTED = CompiledRead(
    lambda *, user, case, today: meetings_for_case(
        user=User(pk=user), case=Case(pk=case), today=today
    ),
    user=MEETINGS_USER,
    case=Slot(-3, -4),
    today=MEETINGS_TODAY,
)


def meetings_listed(*, user: User, case: Case) -> Paged:
    """meetings_for_case as the API's paginator reads it."""
    return _MEETINGS_LISTED.paged(user=user.pk, case=case.pk, today=timezone.localdate())


def can_organise(*, case: Case, user: User) -> bool:
    """The case's ungdomshjelper organises meetings; a helper may when the case has none."""
    participant = participant_active(case=case, user=user)
    if participant is None:
        return False
    if participant.role == Participant.Role.UNGDOMSHJELPER:
        return True
    has_coordinator = (
        Participant.objects.active()
        .filter(case=case, role=Participant.Role.UNGDOMSHJELPER)
        .exists()
    )
    return participant.role == Participant.Role.HELPER and not has_coordinator


def attendance_deciders(*, case: Case) -> list[User]:
    return deciders_for(case=case, category=ATTENDANCE_CATEGORY)


@dataclass(frozen=True)
class Guardians:
    """Whether the guardians come to a meeting, as `user` may see it: the young person's answer
    (None until given), whether the young person decides themself, and what `user` may do."""

    question: GuardiansQuestion | None
    youth_decides: bool
    may_wish: bool
    may_decide: bool


def guardians_for(*, meeting: Meeting, user: User) -> Guardians | None:
    """Only the young person, whoever decides who comes and the organiser see the young
    person's wish and the decision (None for anyone else: their pages and the API show nothing,
    404). A young person who decides about attendance themself simply decides; otherwise they
    give their wish and the guardians decide."""
    deciders = {d.pk for d in attendance_deciders(case=meeting.case)}
    youth_decides = deciders == {meeting.case.youth_id}
    is_youth = user.pk == meeting.case.youth_id
    if not (is_youth or user.pk in deciders or user.pk == meeting.organiser_id):
        return None
    return Guardians(
        question=GuardiansQuestion.objects.filter(meeting=meeting).first(),
        youth_decides=youth_decides,
        may_wish=is_youth and not youth_decides,
        may_decide=user.pk in deciders,
    )


def access_guardians(*, meeting: Meeting, user: User) -> Guardians:
    guardians = guardians_for(meeting=meeting, user=user)
    if guardians is None:
        raise Http404
    return guardians


def attendances_for_meeting(*, meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting).select_related("user").order_by("id")


def agenda_for(*, meeting: Meeting, user: User) -> QuerySet[AgendaItem]:
    """Own items always; others' once they are not private and either the caller runs or is the
    subject of the meeting, or the agenda has been published."""
    shared = Q(private=False)
    if not (
        user.pk in (meeting.organiser_id, meeting.case.youth_id) or meeting.agenda_published_at
    ):
        shared = Q(pk__in=[])
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .filter(Q(author=user) | shared)
        .select_related("author")
        .order_by("created", "id")
    )


def sees_minutes_drafts(*, meeting: Meeting, user: User) -> bool:
    """Drafts, every version and the young person's comments stay between the young person and
    the organiser; whoever else reads the minutes reads the approved version only. The one rule
    for the minutes page, the API and (as sees_minutes_drafts_q) SQL."""
    return user.pk in (meeting.case.youth_id, meeting.organiser_id)


def sees_minutes_drafts_q(*, user: User, meeting: str = "meeting") -> Q:
    """sees_minutes_drafts in SQL, for rows whose meeting is the relation `meeting` ("": for
    meetings themselves)."""
    prefix = f"{meeting}__" if meeting else ""
    return Q(**{f"{prefix}case__youth": user}) | Q(**{f"{prefix}organiser": user})


def minutes_readers_can(*, minutes: Minutes, user: User) -> bool:
    """Draft and approved minutes: whoever sees the drafts (sees_minutes_drafts). Distributed
    minutes: also whoever the share path gave the minutes entry to."""
    meeting = minutes.meeting
    if sees_minutes_drafts(meeting=meeting, user=user):
        return True
    if minutes.entry_id is None:
        return False
    return entries_visible(user=user, queryset=Entry.objects.filter(pk=minutes.entry_id)).exists()


def access_minutes(*, user: User, meeting_id: int) -> Minutes:
    """404 for a meeting without minutes, and for minutes the caller did not receive. Someone
    who received the minutes may not see the meeting itself, so it is fetched unfiltered."""
    try:
        minutes = Minutes.objects.select_related(
            "meeting__case__youth", "meeting__organiser", "approved_version"
        ).get(meeting_id=meeting_id)
    except Minutes.DoesNotExist:
        raise Http404 from None
    if participant_active(case=minutes.meeting.case, user=user) is None:
        raise Http404
    if not minutes_readers_can(minutes=minutes, user=user):
        raise Http404
    return minutes


def action_items_visible(*, user: User, today: date | None = None) -> QuerySet[ActionItem]:
    """The young person sees every item about them, the organiser the items of their meetings,
    an owner their own once the young person has approved the minutes; each only while on the
    case (on the local date `today`: the clock's by default; a compiled statement passes its
    own)."""
    approved = Q(meeting__minutes__status__in=[Minutes.Status.APPROVED, Minutes.Status.DISTRIBUTED])
    return (
        ActionItem.objects.filter(
            Q(meeting__case__youth=user) | Q(meeting__organiser=user) | (Q(owner=user) & approved),
            takes_part(user=user, case=OuterRef("meeting__case"), today=today),
        )
        .select_related("owner", "meeting__case")
        .order_by("due", "id")
    )


def access_action_item(*, user: User, item_id: int) -> ActionItem:
    try:
        return action_items_visible(user=user).get(pk=item_id)
    except ActionItem.DoesNotExist:
        raise Http404 from None


# -- evaluation -------------------------------------------------------------------------------


@dataclass
class EvaluationSummary:
    label: str
    answers: int
    # Share of the best answer ("yes" = 2, "partly" = 1) per question, 0 to 100; None when hidden.
    heard: int | None
    understood: int | None
    useful: int | None
    comments: list[str]

    @property
    def hidden(self) -> bool:
        return self.heard is None


def _percent(total: int | None, answers: int) -> int:
    return round(100 * (total or 0) / (2 * answers))


def _summary(label: str, row: dict, comments: list[str]) -> EvaluationSummary:
    answers = row["answers"]
    if answers < EVALUATION_MIN_ANSWERS:
        return EvaluationSummary(label, answers, None, None, None, [])
    return EvaluationSummary(
        label,
        answers,
        _percent(row["heard"], answers),
        _percent(row["understood"], answers),
        _percent(row["useful"], answers),
        comments,
    )


AGGREGATES = {
    "answers": Count("pk"),
    "heard": Sum("heard"),
    "understood": Sum("understood"),
    "useful": Sum("useful"),
}


def evaluation_for_meeting(*, meeting: Meeting) -> EvaluationSummary:
    evaluations = Evaluation.objects.filter(meeting=meeting)
    row = evaluations.aggregate(**AGGREGATES)
    comments = [c for c in evaluations.exclude(comment="").values_list("comment", flat=True)]
    return _summary(meeting.title, row, sorted(comments))


def evaluation_over_time(*, organiser: User) -> list[EvaluationSummary]:
    """Per month, over every meeting `organiser` ran; each month follows the five-answer rule."""
    rows = (
        Evaluation.objects.filter(meeting__organiser=organiser)
        .annotate(month=TruncMonth("week"))
        .values("month")
        .annotate(**AGGREGATES)
        .order_by("month")
    )
    return [_summary(row["month"].strftime("%Y-%m"), row, []) for row in rows]


def evaluation_week(moment: datetime) -> date:
    """The Monday of the week: all an anonymous answer keeps of when it was given."""
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())
