"""An ungdomshjelper who follows up without being asked (issue #19 item 4): a first contact within
three working days of being chosen, then a rhythm they agree with the young person (every week
or every few weeks, a weekday, a time). Each time is a CheckIn the ungdomshjelper marks done;
one not marked done by the end of its day is missed and shows on their overview."""

from datetime import date, datetime, time, timedelta

import holidays
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, Participant
from cases.selectors import access_case
from cases.services import case_lock, case_require_open
from coordination.models import User
from coordination.services import audit_append, notification_create
from coordination.statements import CompiledRead, Slot

from . import links, notifications
from .models import CheckIn, CheckInRhythm

FIRST_CONTACT_WORKING_DAYS = 3
RHYTHM_DAYS = (7, 14, 21, 28)


def working_days_after(start: date, days: int) -> date:
    """The date `days` Norwegian working days after `start`: weekends and the public holidays
    of the `holidays` package (Norway: helligdager, 1 and 17 May) are skipped."""
    free = holidays.country_holidays("NO", years=range(start.year, start.year + 2))
    day = start
    while days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in free:
            days -= 1
    return day


def ungdomshjelper_participant(*, case: Case) -> Participant | None:
    return (
        Participant.objects.active()
        .filter(case=case, role=Participant.Role.UNGDOMSHJELPER)
        .select_related("user")
        .first()
    )


def access_check_ins(*, user: User, case_id: int) -> Case:
    """The rhythm is between the young person and their ungdomshjelper: anyone else, on the case
    or not, gets 404."""
    case = access_case(user=user, case_id=case_id)
    coordinator = ungdomshjelper_participant(case=case)
    if user.pk != case.youth_id and (coordinator is None or coordinator.user_id != user.pk):
        raise Http404
    return case


def _rhythm(*, case: int) -> QuerySet[CheckInRhythm]:
    return CheckInRhythm.objects.filter(case_id=case).order_by("pk")[:1]


# The young person's home page asks on every call (the check-in sentence): compiled once a
# process; at most one row (one rhythm a case).
_RHYTHM = CompiledRead(_rhythm, case=Slot(-1, -2))


def rhythm_of(*, case: Case) -> CheckInRhythm | None:
    rows = _RHYTHM(case=case.pk)
    return rows[0] if rows else None


def rhythm_sentence(*, rhythm: CheckInRhythm, name: str) -> str:
    """ "Nora tar kontakt med deg hver torsdag kl. 15:00" in the reader's language."""
    weekday = _weekday_name(rhythm.weekday)
    at = time_format(rhythm.time, "H:i")
    if rhythm.every_days == 7:
        return _("%(name)s gets in touch with you every %(weekday)s at %(time)s.") % {
            "name": name,
            "weekday": weekday,
            "time": at,
        }
    return _(
        "%(name)s gets in touch with you every %(weeks)d weeks, on %(weekday)s at %(time)s."
    ) % {
        "name": name,
        "weeks": rhythm.every_days // 7,
        "weekday": weekday,
        "time": at,
    }


# The weekday names of the rhythm, 0 = Monday (the sentence and the page's form).
WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


def _weekday_name(weekday: int) -> str:
    return str(WEEKDAYS[weekday])


def first_contact_create(*, case: Case, ungdomshjelper: User, today: date | None = None) -> CheckIn:
    """Called by ungdomshjelper_choose under the case lock: the chosen person gets a first
    contact due within three working days."""
    today = today or timezone.localdate()
    check_in, _created = CheckIn.objects.get_or_create(
        case=case,
        ungdomshjelper=ungdomshjelper,
        kind=CheckIn.Kind.FIRST_CONTACT,
        due_on=working_days_after(today, FIRST_CONTACT_WORKING_DAYS),
    )
    return check_in


def _next_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@transaction.atomic
def check_in_rhythm_set(
    *, case: Case, actor: User, every_days: int, weekday: int, at: time
) -> CheckInRhythm:
    """The ungdomshjelper records the rhythm agreed with the young person; it starts on the next
    such weekday. The young person sees it on their home page."""
    case = case_lock(case.pk)
    coordinator = ungdomshjelper_participant(case=case)
    if actor.pk == case.youth_id:
        raise PermissionDenied(_("Your ungdomshjelper sets the rhythm you agree on."))
    if coordinator is None or coordinator.user_id != actor.pk:
        raise Http404
    case_require_open(case)
    errors = {}
    if every_days not in RHYTHM_DAYS:
        errors["every_days"] = _("Choose every week, or every 2, 3 or 4 weeks (7, 14, 21, 28).")
    if not 0 <= weekday <= 6:
        errors["weekday"] = _("Choose a weekday from 0 (Monday) to 6 (Sunday).")
    if errors:
        raise ValidationError(errors)
    rhythm, _created = CheckInRhythm.objects.update_or_create(
        case=case,
        defaults={
            "every_days": every_days,
            "weekday": weekday,
            "time": at.replace(second=0, microsecond=0),
            "starts_on": _next_on_or_after(timezone.localdate(), weekday),
            "set_by": actor,
            "set_at": timezone.now(),
        },
    )
    audit_append(
        actor=actor,
        action="check_in.rhythm_set",
        case_id=case.pk,
        object_type="check_in_rhythm",
        object_id=str(rhythm.pk),
        data={"every_days": every_days, "weekday": weekday},
    )
    return rhythm


def access_check_in(*, user: User, check_in_id: int) -> CheckIn:
    """A check-in is the ungdomshjelper's own task: anyone else gets 404."""
    check_in = CheckIn.objects.filter(pk=check_in_id, ungdomshjelper=user).first()
    if check_in is None:
        raise Http404
    return check_in


@transaction.atomic
def check_in_done(*, check_in: CheckIn, actor: User) -> CheckIn:
    """The ungdomshjelper says they were in touch (marking done twice changes nothing)."""
    case = case_lock(check_in.case_id)
    if check_in.ungdomshjelper_id != actor.pk:
        raise Http404
    coordinator = ungdomshjelper_participant(case=case)
    if coordinator is None or coordinator.user_id != actor.pk:
        raise PermissionDenied(_("Only the young person's ungdomshjelper marks this."))
    case_require_open(case)
    if check_in.done_at is None:
        check_in.done_at = timezone.now()
        check_in.save(update_fields=["done_at"])
        audit_append(
            actor=actor,
            action="check_in.done",
            case_id=case.pk,
            object_type="check_in",
            object_id=str(check_in.pk),
        )
    return check_in


def occurrence_on_or_before(*, rhythm: CheckInRhythm, day: date) -> date | None:
    """The rhythm's latest date not after `day` (None before it starts)."""
    if day < rhythm.starts_on:
        return None
    return day - timedelta(days=(day - rhythm.starts_on).days % rhythm.every_days)


def check_ins_schedule(*, now: datetime | None = None) -> int:
    """Beat (hourly): on the day of a check-in, the ungdomshjelper of an open case gets it as a
    task and one reminder. The unique row makes a rerun or a second worker send nothing twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    rhythms = CheckInRhythm.objects.filter(case__status=Case.Status.OPEN).select_related("case")
    for rhythm in rhythms:
        day = occurrence_on_or_before(rhythm=rhythm, day=today)
        coordinator = ungdomshjelper_participant(case=rhythm.case)
        if day is None or day != today or coordinator is None:
            continue
        try:
            with transaction.atomic():
                CheckIn.objects.create(
                    case=rhythm.case,
                    ungdomshjelper=coordinator.user,
                    kind=CheckIn.Kind.RHYTHM,
                    due_on=day,
                )
                notification_create(
                    recipient=coordinator.user,
                    kind=notifications.CHECK_IN_DUE,
                    case_id=rhythm.case_id,
                    target_url=links.check_ins(rhythm.case_id),
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


def check_ins_open(*, case: Case, user: User) -> list[CheckIn]:
    """The ungdomshjelper's check-ins on `case` not yet done, oldest first."""
    return list(CheckIn.objects.filter(case=case, ungdomshjelper=user, done_at__isnull=True))


def missed(check_in: CheckIn, *, today: date | None = None) -> bool:
    """Missed: not marked done by the end of its day."""
    return check_in.done_at is None and check_in.due_on < (today or timezone.localdate())
