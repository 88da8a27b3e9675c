"""Meetings, who is in the room, and the agenda."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Participant
from cases.selectors import participant_active
from cases.services import case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.services import audit_append

from .. import links, notifications
from ..models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
)
from ..selectors import (
    attendance_deciders,
    can_organise,
)
from ..states import Change, require
from .common import (
    _audit,
    _invitations_follow,
    _notify,
    _notify_everyone,
    _require_organiser,
    _require_team,
)
from .feedback import evaluation_invite

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
    case_require_open(case)
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
    """A change reaches everyone invited (and the young person) as a change."""
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.all()).get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    case_require_open(case)
    require(meeting, Change.EDIT)
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
        _notify_everyone(meeting, notifications.MEETING_CHANGED)
    _audit(actor, "meeting.changed", meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User) -> Meeting:
    """Everyone invited is told; calendar feeds keep the event, marked cancelled, so calendar
    programs remove it."""
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.select_related("case__youth")).get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    case_require_open(case)
    require(meeting, Change.CANCEL)
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["cancelled_at", "sequence"])
    if meeting.attendance_decided_at is not None:
        _notify_everyone(meeting, notifications.MEETING_CANCELLED)
    _audit(actor, "meeting.cancelled", meeting)
    return meeting


@transaction.atomic
def meeting_take_over(*, meeting: Meeting, actor: User) -> Meeting:
    """When the organiser has left the case (e.g. the young person chose another ungdomshjelper),
    whoever may organise meetings on the case now takes over an upcoming meeting. A held meeting
    is not handed over: its draft minutes and the young person's comments on them stay between
    the young person and the person who ran it."""
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.select_related("case")).get(pk=meeting.pk)
    if not can_organise(case=meeting.case, user=actor):
        raise PermissionDenied(_("Only the ungdomshjelper (or a helper, when there is none) can."))
    case_require_open(case)
    if participant_active(case=meeting.case, user=meeting.organiser) is not None:
        raise StateConflict(_("The person who runs the meeting is still on the case."))
    if meeting.cancelled_at is not None or meeting.held_at is not None:
        raise StateConflict(_("Only a meeting that has not been held or cancelled is taken over."))
    before = meeting.organiser_id
    meeting.organiser = actor
    meeting.save(update_fields=["organiser"])
    _audit(actor, "meeting.taken_over", meeting, organiser_before=before)
    return meeting


def participant_left(*, participant: Participant, actor: User | None) -> None:
    """Someone left the case (consent.services.participant_remove calls this through the
    AppConfig hook, holding the case lock): their open tasks are cancelled (the young person
    and the organiser see them as dropped) and they are no longer proposed for or invited to
    meetings still to come. Meetings they run are taken over (meeting_take_over)."""
    case_id, user_id = participant.case_id, participant.user_id
    items = ActionItem.objects.filter(
        meeting__case_id=case_id, owner_id=user_id, status=ActionItem.Status.OPEN
    )
    cancelled = sorted(items.values_list("pk", flat=True))
    ActionItem.objects.filter(pk__in=cancelled).update(status=ActionItem.Status.CANCELLED)
    upcoming = Attendance.objects.filter(
        meeting__case_id=case_id,
        user_id=user_id,
        meeting__held_at__isnull=True,
        meeting__cancelled_at__isnull=True,
    )
    uninvited = sorted(upcoming.values_list("meeting_id", flat=True))
    upcoming.delete()
    if cancelled or uninvited:
        audit_append(
            actor=actor,
            action="meeting.member_left",
            case_id=case_id,
            object_type="participant",
            object_id=str(participant.pk),
            data={"action_items_cancelled": cancelled, "meetings_uninvited": uninvited},
        )


@transaction.atomic
def attendance_propose(*, meeting: Meeting, actor: User, users: Sequence[User]) -> None:
    """The organiser suggests people; nobody is invited until the young person has chosen."""
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.select_related("case")).get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    case_require_open(case)
    require(meeting, Change.EDIT)
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
    meeting = for_update(Meeting.objects.all()).get(pk=meeting.pk)
    require(meeting, Change.EDIT)
    is_youth = actor.pk == case.youth_id
    deciders = attendance_deciders(case=case)
    is_decider = actor.pk in {d.pk for d in deciders}
    if not (is_youth or is_decider):
        raise PermissionDenied(_("Only the young person (or whoever decides for them) chooses."))
    case_require_open(case)
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
    newly_invited, _uninvited = _invitations_follow(attendances.values(), now)
    Attendance.objects.bulk_update(
        attendances.values(), ["youth_wish", "decision", "decided_by", "invited_at"]
    )
    meeting.youth_presence = youth_presence
    meeting.representative = representative
    meeting.attendance_decided_at = now
    meeting.sequence += 1
    meeting.save()
    _notify(newly_invited, notifications.MEETING_INVITED, meeting, links.meeting(meeting))
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
    """Once the meeting has begun, by its organiser, once: minutes and evaluation open."""
    _require_organiser(meeting, actor)
    case = case_lock(meeting.case_id)
    case_require_open(case)
    meeting = for_update(Meeting.objects.all()).get(pk=meeting.pk)
    require(meeting, Change.HOLD)
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["held_at"])
    _audit(actor, "meeting.held", meeting)
    evaluation_invite(meeting=meeting, youth=case.youth)
    return meeting


# -- agenda -----------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, actor: User, title: str, details: str = "", private: bool = False
) -> AgendaItem:
    """Callers pass a meeting they got through access_meeting."""
    case_require_open(case_lock(meeting.case_id))
    meeting = for_update(Meeting.objects.select_related("case")).get(pk=meeting.pk)
    require(meeting, Change.EDIT)
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
    case_require_open(case_lock(item.meeting.case_id))
    if item.private:
        item.private = False
        item.save(update_fields=["private"])
    return item


def _agenda_publish(meeting: Meeting, actor: User | None) -> None:
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at"])
    _notify_everyone(meeting, notifications.AGENDA_PUBLISHED)
    _audit(actor, "meeting.agenda_published", meeting)


@transaction.atomic
def agenda_publish(*, meeting: Meeting, actor: User) -> Meeting:
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.select_related("case__youth")).get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    case_require_open(case)
    require(meeting, Change.EDIT)
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
    ).values_list("pk", "case_id")
    published = 0
    for meeting_id, case_id in list(due):
        with transaction.atomic():
            if case_lock(case_id).is_closed:  # nothing goes out from a closed case
                continue
            meeting = for_update(Meeting.objects.select_related("case__youth")).get(pk=meeting_id)
            if meeting.agenda_published_at is None:  # a concurrent run got there first
                _agenda_publish(meeting, None)
                published += 1
    return published
