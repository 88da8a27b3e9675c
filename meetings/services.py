"""Writes for meetings. Minutes reach anyone but the organiser and the young person only through
consent.services.share (THE share path); nothing here grants access to an entry."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.services import case_lock, entry_create, entry_open
from consent.services import ShareResult, share
from coordination.models import Notification, User
from coordination.rest import StateConflict
from coordination.services import audit_append, notification_create

from . import links
from .models import (
    ActionItem,
    ActionItemReminder,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Evaluation,
    EvaluationReceipt,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesVersion,
    new_calendar_token,
)
from .selectors import (
    access_minutes,
    attendance_deciders,
    can_organise,
    evaluation_week,
)

REVIEW_STATES = {Minutes.Status.DRAFT, Minutes.Status.IN_REVIEW, Minutes.Status.CORRECTIONS}


def _team_ids(case: Case, user_ids: Iterable[int]) -> set[int]:
    return set(
        Participant.objects.filter(case=case, user_id__in=set(user_ids), left__isnull=True)
        .exclude(user_id=case.youth_id)
        .values_list("user_id", flat=True)
    )


def _require_team(case: Case, user_ids: set[int], field: str) -> None:
    outsiders = sorted(user_ids - _team_ids(case, user_ids))
    if outsiders:
        raise ValidationError(
            {
                field: _("Only people on the team can be invited (not on it: %(ids)s).")
                % {"ids": ", ".join(map(str, outsiders))}
            }
        )


def _require_organiser(meeting: Meeting, actor: User) -> None:
    if actor.pk != meeting.organiser_id:
        raise PermissionDenied(_("Only the person who runs the meeting can do this."))


def _audit(actor: User | None, action: str, meeting: Meeting, **data: object) -> None:
    audit_append(
        actor=actor,
        action=action,
        case_id=meeting.case_id,
        object_type="meeting",
        object_id=str(meeting.pk),
        data=data,
    )


def _notify(users: Iterable[User], kind: str, meeting: Meeting, url: str) -> None:
    for user in users:
        notification_create(recipient=user, kind=kind, case_id=meeting.case_id, target_url=url)


def _invitees(meeting: Meeting) -> list[User]:
    attendances = Attendance.objects.filter(meeting=meeting, invited_at__isnull=False)
    return [a.user for a in attendances.select_related("user").order_by("id")]


def _notify_everyone(meeting: Meeting, kind: str) -> None:
    """Everyone invited and the young person, pointing at the meeting page."""
    _notify([*_invitees(meeting), meeting.case.youth], kind, meeting, links.meeting(meeting))


# -- meetings and who comes -------------------------------------------------------------------


def suggested_kind(*, case: Case) -> str:
    """The first meeting on a case is suggested as a start meeting."""
    if Meeting.objects.filter(case=case, cancelled_at__isnull=True).exists():
        return Meeting.Kind.FOLLOW_UP
    return Meeting.Kind.START


@transaction.atomic
def meeting_create(
    *,
    case: Case,
    actor: User,
    title: str,
    starts_at: datetime,
    duration_minutes: int = 60,
    place: str = "",
    video_link: str = "",
    kind: str | None = None,
    attendees: Sequence[User] = (),
) -> Meeting:
    case = case_lock(case.pk)
    if not can_organise(case=case, user=actor):
        raise PermissionDenied(
            _("The youth coordinator plans meetings (or a helper when there is none).")
        )
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Give the time with its time zone.")})
    _require_team(case, {u.pk for u in attendees}, "attendees")
    meeting = Meeting(
        case=case,
        organiser=actor,
        title=title,
        kind=kind or suggested_kind(case=case),
        starts_at=starts_at.replace(second=0, microsecond=0),
        duration_minutes=duration_minutes,
        place=place.strip(),
        video_link=video_link.strip(),
    )
    if not meeting.place and not meeting.video_link:
        raise ValidationError({"place": _("Say where the meeting is, or give a video link.")})
    meeting.full_clean()
    meeting.save()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user=user, proposed_by=actor) for user in attendees]
    )
    _audit(actor, "meeting.created", meeting, kind=meeting.kind, proposed=[u.pk for u in attendees])
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: datetime | None = None,
    duration_minutes: int | None = None,
    place: str | None = None,
    video_link: str | None = None,
) -> Meeting:
    """A change reaches everyone invited (and the young person) as a new invitation."""
    case_lock(meeting.case_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    if meeting.cancelled_at is not None:
        raise StateConflict(_("The meeting is cancelled."))
    if starts_at is not None and timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Give the time with its time zone.")})
    for name, value in [
        ("starts_at", starts_at.replace(second=0, microsecond=0) if starts_at else None),
        ("duration_minutes", duration_minutes),
        ("place", place),
        ("video_link", video_link),
    ]:
        if value is not None:
            setattr(meeting, name, value)
    if not meeting.place and not meeting.video_link:
        raise ValidationError({"place": _("Say where the meeting is, or give a video link.")})
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    if meeting.attendance_decided_at is not None:
        _notify_everyone(meeting, Notification.Kind.MEETING_INVITED)
    _audit(actor, "meeting.changed", meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User) -> Meeting:
    """Everyone invited is told; calendar feeds keep the event, marked cancelled, so calendar
    programs remove it."""
    case_lock(meeting.case_id)
    meeting = Meeting.objects.select_for_update().select_related("case__youth").get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    if meeting.cancelled_at is not None:
        raise StateConflict(_("The meeting is cancelled."))
    if meeting.held_at is not None:
        raise StateConflict(_("The meeting has been held; it cannot be cancelled."))
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["cancelled_at", "sequence"])
    if meeting.attendance_decided_at is not None:
        _notify_everyone(meeting, Notification.Kind.MEETING_INVITED)
    _audit(actor, "meeting.cancelled", meeting)
    return meeting


@transaction.atomic
def attendance_propose(*, meeting: Meeting, actor: User, users: Sequence[User]) -> None:
    """The organiser suggests people; nobody is invited until the young person has chosen."""
    case_lock(meeting.case_id)
    _require_organiser(meeting, actor)
    ids = {u.pk for u in users}
    if not ids:
        raise ValidationError({"users": _("Choose at least one person.")})
    _require_team(meeting.case, ids, "users")
    existing = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user=u, proposed_by=actor)
            for u in users
            if u.pk not in existing
        ]
    )
    _audit(actor, "meeting.proposed", meeting, proposed=sorted(ids - existing))


@transaction.atomic
def attendance_choose(
    *,
    meeting: Meeting,
    actor: User,
    coming: Iterable[int],
    youth_presence: str = Meeting.YouthPresence.ATTENDS,
    representative: User | None = None,
) -> bool:
    """Who is in the room. The young person chooses when they decide about themself; otherwise
    their wish is recorded and the consent authority (a guardian) decides. Returns whether
    invitations went out (True) or only the young person's wish was recorded (False)."""
    case = case_lock(meeting.case_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.cancelled_at is not None:
        raise StateConflict(_("The meeting is cancelled."))
    is_youth = actor.pk == case.youth_id
    deciders = attendance_deciders(case=case)
    is_decider = actor.pk in {d.pk for d in deciders}
    if not (is_youth or is_decider):
        raise PermissionDenied(_("Only the young person (or whoever decides for them) chooses."))
    attendances = {a.user_id: a for a in Attendance.objects.filter(meeting=meeting)}
    coming_ids = set(coming)
    unknown = sorted(coming_ids - set(attendances))
    if unknown:
        raise ValidationError(
            {
                "coming": _("Only people proposed for the meeting can be chosen (%(ids)s).")
                % {"ids": ", ".join(map(str, unknown))}
            }
        )
    if youth_presence not in Meeting.YouthPresence.values:
        raise ValidationError({"youth_presence": _("Choose whether you come yourself.")})
    if youth_presence == Meeting.YouthPresence.REPRESENTED:
        if representative is None:
            raise ValidationError({"representative": _("Choose who speaks for you.")})
        _require_team(case, {representative.pk}, "representative")
    else:
        representative = None

    now = timezone.now()
    for user_id, attendance in attendances.items():
        wanted = user_id in coming_ids or (
            representative is not None and representative.pk == user_id
        )
        if is_youth:
            attendance.youth_wish = wanted
        if is_decider:
            attendance.decision = wanted
            attendance.decided_by = actor
    if not is_decider:
        Attendance.objects.bulk_update(attendances.values(), ["youth_wish"])
        _audit(actor, "meeting.youth_wish", meeting)
        return False

    if representative is not None and representative.pk not in attendances:
        attendances[representative.pk] = Attendance.objects.create(
            meeting=meeting,
            user=representative,
            proposed_by=actor,
            youth_wish=True if is_youth else None,
            decision=True,
            decided_by=actor,
        )
    newly_invited = []
    for attendance in attendances.values():
        if attendance.decision and attendance.invited_at is None:
            attendance.invited_at = now
            newly_invited.append(attendance.user)
        elif not attendance.decision:
            attendance.invited_at = None
    Attendance.objects.bulk_update(
        attendances.values(), ["youth_wish", "decision", "decided_by", "invited_at"]
    )
    meeting.youth_presence = youth_presence
    meeting.representative = representative
    meeting.attendance_decided_at = now
    meeting.sequence += 1
    meeting.save()
    _notify(newly_invited, Notification.Kind.MEETING_INVITED, meeting, links.meeting(meeting))
    _audit(
        actor,
        "meeting.attendance_decided",
        meeting,
        invited=sorted(a.user_id for a in attendances.values() if a.decision),
        represented=representative is not None,
    )
    return True


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor: User) -> Meeting:
    _require_organiser(meeting, actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.cancelled_at is not None:
        raise StateConflict(_("The meeting is cancelled."))
    if meeting.held_at is None:
        meeting.held_at = timezone.now()
        meeting.save(update_fields=["held_at"])
        _audit(actor, "meeting.held", meeting)
    return meeting


# -- agenda -----------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, actor: User, title: str, details: str = "", private: bool = False
) -> AgendaItem:
    """Callers pass a meeting they got through access_meeting."""
    is_youth = actor.pk == meeting.case.youth_id
    if private and not is_youth:
        raise ValidationError({"private": _("Only the young person keeps topics to themself.")})
    item = AgendaItem(
        meeting=meeting, author=actor, title=title.strip(), details=details, private=private
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_publish(*, item: AgendaItem, actor: User) -> AgendaItem:
    if actor.pk != item.author_id:
        raise PermissionDenied(_("Only the person who added the topic can share it."))
    if item.private:
        item.private = False
        item.save(update_fields=["private"])
    return item


def _agenda_publish(meeting: Meeting, actor: User | None) -> None:
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at"])
    _notify_everyone(meeting, Notification.Kind.AGENDA_PUBLISHED)
    _audit(actor, "meeting.agenda_published", meeting)


@transaction.atomic
def agenda_publish(*, meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("case__youth").get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    if meeting.agenda_published_at is not None:
        raise StateConflict(_("The agenda has already been sent out."))
    _agenda_publish(meeting, actor)
    return meeting


def agendas_publish_due(*, now: datetime | None = None) -> int:
    """Beat: an agenda still unpublished when the meeting is closer than
    SAMMEN_AGENDA_PUBLISH_BEFORE goes out by itself (private topics stay private)."""
    now = now or timezone.now()
    due = Meeting.objects.filter(
        agenda_published_at__isnull=True,
        cancelled_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + settings.SAMMEN_AGENDA_PUBLISH_BEFORE,
    ).values_list("pk", flat=True)
    published = 0
    for meeting_id in list(due):
        with transaction.atomic():
            meeting = (
                Meeting.objects.select_for_update().select_related("case__youth").get(pk=meeting_id)
            )
            if meeting.agenda_published_at is None:  # a concurrent run got there first
                _agenda_publish(meeting, None)
                published += 1
    return published


# -- minutes ----------------------------------------------------------------------------------


def _locked_minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update()
        .select_related("meeting__case__youth", "meeting__organiser")
        .get(pk=minutes.pk)
    )


def minutes_open(*, user: User, meeting_id: int, via: str) -> Minutes:
    """Reading distributed minutes is reading their entry, so it is recorded as an AccessEvent
    and shows as "opened" in who-knows-what."""
    minutes = access_minutes(user=user, meeting_id=meeting_id)
    if minutes.entry_id is not None:
        entry_open(user=user, entry_id=minutes.entry_id, via=via)
    return minutes


def minutes_latest(minutes: Minutes) -> MinutesVersion | None:
    return minutes.versions.order_by("-number").first()


@transaction.atomic
def minutes_save(*, meeting: Meeting, actor: User, summary: str, decisions: str = "") -> Minutes:
    """Every save is a new version; earlier ones and the young person's comments stay."""
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    if meeting.held_at is None:
        raise StateConflict(_("Minutes are written once the meeting has been held."))
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    minutes = _locked_minutes(minutes)
    if minutes.status not in REVIEW_STATES:
        raise StateConflict(_("The young person has approved these minutes; they are final."))
    latest = minutes_latest(minutes)
    version = MinutesVersion(
        minutes=minutes,
        number=(latest.number + 1) if latest else 1,
        summary=summary,
        decisions=decisions,
        created_by=actor,
    )
    version.full_clean()
    version.save()
    minutes.status = Minutes.Status.DRAFT
    minutes.save(update_fields=["status"])
    return minutes


@transaction.atomic
def minutes_submit(*, minutes: Minutes, actor: User) -> Minutes:
    minutes = _locked_minutes(minutes)
    _require_organiser(minutes.meeting, actor)
    if minutes.status != Minutes.Status.DRAFT:
        raise StateConflict(_("Only a draft can be sent to the young person."))
    minutes.status = Minutes.Status.IN_REVIEW
    minutes.save(update_fields=["status"])
    meeting = minutes.meeting
    _notify(
        [meeting.case.youth], Notification.Kind.MINUTES_FOR_REVIEW, meeting, links.minutes(meeting)
    )
    _audit(actor, "minutes.submitted", meeting, version=minutes_latest(minutes).number)  # type: ignore[union-attr]
    return minutes


@transaction.atomic
def minutes_comment(
    *, minutes: Minutes, actor: User, text: str, is_correction: bool = False
) -> MinutesComment:
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    if actor.pk != meeting.case.youth_id:
        raise PermissionDenied(_("Only the young person reviews the minutes."))
    if minutes.status != Minutes.Status.IN_REVIEW:
        raise StateConflict(_("These minutes are not waiting for your review."))
    if not text.strip():
        raise ValidationError({"text": _("Write your comment.")})
    version = minutes_latest(minutes)
    assert version is not None  # a submitted draft has at least one version
    comment = MinutesComment.objects.create(
        minutes=minutes,
        version=version,
        author=actor,
        text=text.strip(),
        is_correction=is_correction,
    )
    if is_correction:
        minutes.status = Minutes.Status.CORRECTIONS
        minutes.save(update_fields=["status"])
        # The organiser is asked to correct: the same review kind, pointing at the minutes.
        _notify(
            [meeting.organiser],
            Notification.Kind.MINUTES_FOR_REVIEW,
            meeting,
            links.minutes(meeting),
        )
    _audit(actor, "minutes.commented", meeting, correction=is_correction)
    return comment


@transaction.atomic
def minutes_approve(*, minutes: Minutes, actor: User) -> Minutes:
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    if actor.pk != meeting.case.youth_id:
        raise PermissionDenied(_("Only the young person approves the minutes."))
    if minutes.status != Minutes.Status.IN_REVIEW:
        raise StateConflict(_("These minutes are not waiting for your review."))
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_version = minutes_latest(minutes)
    minutes.approved_at = timezone.now()
    minutes.save(update_fields=["status", "approved_version", "approved_at"])
    _audit(actor, "minutes.approved", meeting, version=minutes.approved_version.number)  # type: ignore[union-attr]
    return minutes


def minutes_markdown(*, minutes: Minutes, version: MinutesVersion) -> str:
    """The text of the minutes entry: summary, decisions, action items in plain words."""
    parts = [f"## {_('Summary')}", version.summary]
    if version.decisions.strip():
        parts += [f"## {_('Decisions')}", version.decisions]
    items = ActionItem.objects.filter(meeting=minutes.meeting).select_related("owner")
    if items:
        parts.append(f"## {_('Who does what')}")
        parts += [f"- {action_item_sentence(item)}" for item in items]
    return "\n\n".join(parts)


@transaction.atomic
def minutes_distribute(
    *,
    minutes: Minutes,
    actor: User,
    recipients: Sequence[User],
    category: str = Entry.Category.GENERAL,
) -> ShareResult:
    """Approved minutes become an Entry of kind `minutes` that goes through the share path:
    shared at once where a standing rule covers the recipients, otherwise the consent
    authority is asked and only those they approve receive it."""
    case_lock(minutes.meeting.case_id)
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    _require_organiser(meeting, actor)
    if minutes.status == Minutes.Status.DISTRIBUTED:
        raise StateConflict(_("These minutes have already been sent out."))
    if minutes.status != Minutes.Status.APPROVED or minutes.approved_version is None:
        raise StateConflict(
            _("The young person has not approved these minutes yet, so they cannot be sent out.")
        )
    entry = entry_create(
        case=meeting.case,
        author=actor,
        kind=Entry.Kind.MINUTES,
        category=category,
        title=_("Minutes: %(title)s") % {"title": meeting.title},
        body=minutes_markdown(minutes=minutes, version=minutes.approved_version),
    )
    result = share(entry=entry, recipients=recipients, actor=actor)
    minutes.entry = entry
    minutes.status = Minutes.Status.DISTRIBUTED
    minutes.distributed_at = timezone.now()
    minutes.save(update_fields=["entry", "status", "distributed_at"])
    _audit(actor, "minutes.distributed", meeting, entry=entry.pk, share=result.status)
    return result


# -- action items -----------------------------------------------------------------------------


def action_item_sentence(item: ActionItem) -> str:
    """Plain words for the young person: "Ole Hansen skal lage en plan innen 1. mars"."""
    from django.utils.formats import date_format

    return _("%(who)s will %(what)s by %(date)s") % {
        "who": item.owner.name,
        "what": item.description,
        "date": date_format(item.due, "j. F"),
    }


@transaction.atomic
def action_item_create(
    *, meeting: Meeting, actor: User, description: str, owner: User | None, due: date
) -> ActionItem:
    _require_organiser(meeting, actor)
    if owner is None:
        raise ValidationError({"owner": _("Every task needs exactly one person responsible.")})
    if owner.pk != meeting.case.youth_id and not _team_ids(meeting.case, [owner.pk]):
        raise ValidationError({"owner": _("The person responsible must be on the team.")})
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.status not in REVIEW_STATES:
        raise StateConflict(_("The young person has approved these minutes; they are final."))
    item = ActionItem(
        meeting=meeting, description=description.strip(), owner=owner, due=due, created_by=actor
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_set_status(*, item: ActionItem, actor: User, status: str) -> ActionItem:
    if actor.pk not in (item.owner_id, item.meeting.organiser_id):
        raise PermissionDenied(_("Only the person responsible or the organiser can change this."))
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    item.status = status
    item.save(update_fields=["status"])
    return item


def _remind(item: ActionItem, rule: str) -> bool:
    """Sends one reminder unless one was sent for (item, rule) before; the unique row is the
    proof, so a restarted or second worker sends nothing twice."""
    try:
        with transaction.atomic():
            ActionItemReminder.objects.create(item=item, rule=rule)
            notification_create(
                recipient=item.owner,
                kind=Notification.Kind.ACTION_ITEM_DUE,
                case_id=item.meeting.case_id,
                target_url=links.action_items(),
            )
    except IntegrityError:
        return False
    return True


def action_item_reminders_send(*, today: date | None = None) -> int:
    """Beat: a reminder SAMMEN_ACTION_ITEM_REMIND_DAYS before the due date and an overdue notice
    the day after, for open items on minutes the young person approved."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.SAMMEN_ACTION_ITEM_REMIND_DAYS)
    items = (
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN,
            due__lte=soon,
            meeting__minutes__status__in=[Minutes.Status.APPROVED, Minutes.Status.DISTRIBUTED],
        )
        .exclude(reminders__rule=ActionItemReminder.Rule.OVERDUE)
        .select_related("owner", "meeting")
    )
    sent = 0
    for item in items:
        rule = (
            ActionItemReminder.Rule.OVERDUE if item.due < today else ActionItemReminder.Rule.BEFORE
        )
        sent += _remind(item, rule)
    return sent


# -- evaluation -------------------------------------------------------------------------------


def can_evaluate(*, meeting: Meeting, user: User) -> bool:
    return (
        user.pk in (meeting.case.youth_id, meeting.organiser_id)
        or Attendance.objects.filter(meeting=meeting, user=user, invited_at__isnull=False).exists()
    )


@transaction.atomic
def evaluation_submit(
    *,
    meeting: Meeting,
    actor: User,
    heard: int,
    understood: int,
    useful: int,
    comment: str = "",
    anonymous: bool = False,
) -> Evaluation:
    if meeting.held_at is None:
        raise StateConflict(_("You can say what you thought once the meeting has been held."))
    if not can_evaluate(meeting=meeting, user=actor):
        raise PermissionDenied(_("Only people who were invited can answer."))
    try:
        with transaction.atomic():
            EvaluationReceipt.objects.create(meeting=meeting, user=actor)
    except IntegrityError:
        raise StateConflict(_("You have already answered. Thank you!")) from None
    evaluation = Evaluation(
        meeting=meeting,
        respondent=None if anonymous else actor,
        week=evaluation_week(timezone.now()),
        heard=heard,
        understood=understood,
        useful=useful,
        comment=comment.strip(),
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# -- calendar feed ----------------------------------------------------------------------------


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret: the old feed address answers 404 from now on."""
    feed = calendar_feed_for(user=user)
    feed.token = new_calendar_token()
    feed.created = timezone.now()
    feed.save(update_fields=["token", "created"])
    audit_append(
        actor=user, action="calendar_feed.reset", object_type="user", object_id=str(user.pk)
    )
    return feed
