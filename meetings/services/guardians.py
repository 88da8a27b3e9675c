"""Whether the guardians come to a meeting: the young person is asked first, then whoever
decides who comes decides, seeing the wish (docs/architecture.md §6)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Participant
from cases.services import case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User

from .. import links, notifications
from ..models import Attendance, GuardiansQuestion, Meeting
from ..selectors import attendance_deciders
from ..states import Change, require
from .common import _audit, _invitations_follow, _notify

TEXT_MAX = 500


def _text(value: str, field: str) -> str:
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("Write at most %(max)d characters.") % {"max": TEXT_MAX}})
    return text


@transaction.atomic
def guardians_wish_give(*, meeting: Meeting, actor: User, wish: str, why: str = "") -> None:
    """The young person's wish (yes, no, they do not mind) and, if they like, why. Until the
    guardians have decided the young person may change it; the guardians are told there is
    something to decide, never what."""
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.all()).get(pk=meeting.pk)
    deciders = attendance_deciders(case=case)
    if actor.pk != case.youth_id:
        raise PermissionDenied(_("Only the young person says whether they want their guardians."))
    case_require_open(case)
    require(meeting, Change.EDIT)
    if [d.pk for d in deciders] == [case.youth_id]:
        raise StateConflict(_("You decide this yourself: say whether your guardians come."))
    if wish not in GuardiansQuestion.Wish.values:
        raise ValidationError({"wish": _("Choose yes, no, or that you do not mind.")})
    why = _text(why, "why")
    question = for_update(GuardiansQuestion.objects.filter(meeting=meeting)).first()
    if question is not None and question.decided_at is not None:
        raise StateConflict(_("Your guardians have already decided."))
    question = question or GuardiansQuestion(meeting=meeting)
    question.wish, question.why, question.wish_at = wish, why, timezone.now()
    question.save()
    _notify(deciders, notifications.GUARDIANS_WISH_GIVEN, meeting, links.meeting(meeting))
    _audit(actor, "meeting.guardians_wish", meeting, wish=wish)


@transaction.atomic
def guardians_decide(*, meeting: Meeting, actor: User, come: bool, reason: str = "") -> None:
    """Whoever decides who comes decides whether the guardians come. A guardian decides only
    once the young person has answered, and a decision against a yes or a no needs a reason,
    which the young person reads. A young person who decides themself just decides (their
    decision is their wish)."""
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.all()).get(pk=meeting.pk)
    deciders = [d.pk for d in attendance_deciders(case=case)]
    if actor.pk not in deciders:
        raise PermissionDenied(_("Only whoever decides who comes decides this."))
    case_require_open(case)
    require(meeting, Change.EDIT)
    reason = _text(reason, "reason")
    question = for_update(GuardiansQuestion.objects.filter(meeting=meeting)).first()
    youth_decides = actor.pk == case.youth_id
    if youth_decides:
        wish = GuardiansQuestion.Wish.YES if come else GuardiansQuestion.Wish.NO
        question = question or GuardiansQuestion(meeting=meeting, wish=wish)
        question.wish, question.why, question.reason = wish, "", ""
    elif question is None:
        raise StateConflict(_("The young person is asked first. Wait for their answer."))
    else:
        question.come = come
        if question.against_wish and not reason:
            raise ValidationError(
                {"reason": _("You decide against the young person's wish: tell them why.")}
            )
        question.reason = reason if question.against_wish else ""
    question.come, question.decided_by, question.decided_at = come, actor, timezone.now()
    question.save()
    invited, uninvited = _guardians_attend(case=case, meeting=meeting, actor=actor, come=come)
    if not youth_decides:
        _notify([case.youth], notifications.GUARDIANS_DECIDED, meeting, links.meeting(meeting))
    _audit(
        actor,
        "meeting.guardians_decided",
        meeting,
        come=come,
        against_wish=question.against_wish,
        invited=invited,
        uninvited=uninvited,
    )


def _guardians_attend(
    *, case: Case, meeting: Meeting, actor: User, come: bool
) -> tuple[list[int], list[int]]:
    """The decision takes effect: the case's guardians are invited (told, as every invitee), or
    their invitations are taken back. Returns the ids invited and uninvited."""
    guardians = list(
        User.objects.filter(
            pk__in=Participant.objects.active()
            .filter(case=case, role=Participant.Role.GUARDIAN)
            .values("user_id")
        ).order_by("pk")
    )
    attendances = {
        a.user_id: a
        for a in Attendance.objects.filter(meeting=meeting, user__in=guardians).order_by("pk")
    }
    rows = [
        attendances.get(guardian.pk)
        or Attendance(meeting=meeting, user=guardian, proposed_by=actor)
        for guardian in guardians
    ]
    for attendance in rows:
        attendance.decision, attendance.decided_by = come, actor
    invited, uninvited = _invitations_follow(rows, timezone.now())
    for attendance in rows:
        attendance.save()
    if invited or uninvited:
        meeting.sequence += 1  # calendar clients see the changed invitation
        meeting.save(update_fields=["sequence"])
    _notify(invited, notifications.MEETING_INVITED, meeting, links.meeting(meeting))
    return [g.pk for g in invited], uninvited
