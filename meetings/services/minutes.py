"""Minutes (review by the youth, distribution through the share path) and action items."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cases.models import Case, Entry
from cases.services import case_lock, case_require_open, entry_create_from_workflow, entry_open
from consent.services import ShareResult, share
from coordination.errors import StateConflict, require_version
from coordination.locks import for_update
from coordination.models import User
from coordination.services import notification_create

from .. import links, notifications
from ..models import (
    ActionItem,
    ActionItemReminder,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesVersion,
)
from ..selectors import (
    access_minutes,
)
from .common import REVIEW_STATES, _audit, _notify, _require_organiser, _team_ids

# -- minutes ----------------------------------------------------------------------------------


def _locked_minutes(minutes: Minutes) -> Minutes:
    return for_update(
        Minutes.objects.select_related("meeting__case__youth", "meeting__organiser")
    ).get(pk=minutes.pk)


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
def minutes_save(
    *,
    meeting: Meeting,
    actor: User,
    summary: str,
    decisions: str = "",
    version: int | None = None,
) -> Minutes:
    """Every save is a new version; earlier ones and the young person's comments stay.
    `version` is the number of the version the writer started from (0: none yet); a save on
    top of a newer one is a VersionConflict and writes nothing."""
    case = case_lock(meeting.case_id)
    meeting = for_update(Meeting.objects.select_related("case")).get(pk=meeting.pk)
    _require_organiser(meeting, actor)
    case_require_open(case)
    if meeting.held_at is None:
        raise StateConflict(_("Minutes are written once the meeting has been held."))
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    minutes = _locked_minutes(minutes)
    if minutes.status not in REVIEW_STATES:
        raise StateConflict(_("The young person has approved these minutes; they are final."))
    latest = minutes_latest(minutes)
    current = latest.number if latest else 0
    require_version(
        yours=version,
        current=current,
        message=_(
            "The minutes were saved by someone else after you started (you started from "
            "version %(yours)d, the latest is version %(current)d). Nothing was saved: read "
            "the latest version and write your changes again."
        ),
    )
    new_version = MinutesVersion(
        minutes=minutes,
        number=current + 1,
        summary=summary,
        decisions=decisions,
        created_by=actor,
    )
    new_version.full_clean()
    new_version.save()
    minutes.status = Minutes.Status.DRAFT
    minutes.save(update_fields=["status"])
    return minutes


@transaction.atomic
def minutes_submit(*, minutes: Minutes, actor: User) -> Minutes:
    case = case_lock(minutes.meeting.case_id)
    minutes = _locked_minutes(minutes)
    _require_organiser(minutes.meeting, actor)
    case_require_open(case)
    if minutes.status != Minutes.Status.DRAFT:
        raise StateConflict(_("Only a draft can be sent to the young person."))
    minutes.status = Minutes.Status.IN_REVIEW
    minutes.save(update_fields=["status"])
    meeting = minutes.meeting
    _notify([meeting.case.youth], notifications.MINUTES_FOR_REVIEW, meeting, links.minutes(meeting))
    _audit(actor, "minutes.submitted", meeting, version=minutes_latest(minutes).number)  # type: ignore[union-attr]
    return minutes


@transaction.atomic
def minutes_comment(
    *, minutes: Minutes, actor: User, text: str, is_correction: bool = False
) -> MinutesComment:
    case = case_lock(minutes.meeting.case_id)
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    if actor.pk != meeting.case.youth_id:
        raise PermissionDenied(_("Only the young person reviews the minutes."))
    case_require_open(case)
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
            notifications.MINUTES_FOR_REVIEW,
            meeting,
            links.minutes(meeting),
        )
    _audit(actor, "minutes.commented", meeting, correction=is_correction)
    return comment


@transaction.atomic
def minutes_approve(*, minutes: Minutes, actor: User, version: int | None = None) -> Minutes:
    """The young person approves the version they read (`version`); if the organiser sent a
    newer one meanwhile, that is a VersionConflict and nothing is approved."""
    case = case_lock(minutes.meeting.case_id)
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    if actor.pk != meeting.case.youth_id:
        raise PermissionDenied(_("Only the young person approves the minutes."))
    case_require_open(case)
    if minutes.status != Minutes.Status.IN_REVIEW:
        raise StateConflict(_("These minutes are not waiting for your review."))
    latest = minutes_latest(minutes)
    assert latest is not None  # minutes in review have at least one version
    require_version(
        yours=version,
        current=latest.number,
        message=_(
            "The minutes changed after you read them (you read version %(yours)d, the latest "
            "is version %(current)d). Nothing was approved: read them again first."
        ),
    )
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_version = latest
    minutes.approved_at = timezone.now()
    minutes.save(update_fields=["status", "approved_version", "approved_at"])
    _audit(actor, "minutes.approved", meeting, version=latest.number)
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
    case = case_lock(minutes.meeting.case_id)
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    _require_organiser(meeting, actor)
    case_require_open(case)
    if minutes.status == Minutes.Status.DISTRIBUTED:
        raise StateConflict(_("These minutes have already been sent out."))
    if minutes.status != Minutes.Status.APPROVED or minutes.approved_version is None:
        raise StateConflict(
            _("The young person has not approved these minutes yet, so they cannot be sent out.")
        )
    entry = entry_create_from_workflow(
        case=meeting.case,
        author=actor,
        kind=Entry.Kind.MINUTES,
        category=category,
        # A meeting title may use the whole length an entry title has; the prefix must not make
        # sending out approved minutes fail.
        title=Truncator(_("Minutes: %(title)s") % {"title": meeting.title}).chars(
            settings.SAMMEN_ENTRY_TITLE_MAX_CHARS
        ),
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
    """Plain words for the young person: "Ole Hansen skal lage en plan innen 1. mars 2027" (with
    the year, as the portal's other dates)."""
    from django.utils.formats import date_format

    return _("%(who)s will %(what)s by %(date)s") % {
        "who": item.owner.name,
        "what": item.description,
        "date": date_format(item.due, "j. F Y"),
    }


@transaction.atomic
def action_item_create(
    *, meeting: Meeting, actor: User, description: str, owner: User | None, due: date
) -> ActionItem:
    _require_organiser(meeting, actor)
    case_require_open(case_lock(meeting.case_id))
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
    case_require_open(case_lock(item.meeting.case_id))
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
                kind=notifications.ACTION_ITEM_DUE,
                case_id=item.meeting.case_id,
                target_url=links.action_items(),
            )
    except IntegrityError:
        return False
    return True


def action_item_reminders_send(*, today: date | None = None) -> int:
    """Beat: a reminder SAMMEN_ACTION_ITEM_REMIND_DAYS before the due date and an overdue notice
    the day after, for open items on minutes the young person approved, on open cases (nothing
    can be done on a closed case; a reopened one is reminded again)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.SAMMEN_ACTION_ITEM_REMIND_DAYS)
    items = (
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN,
            due__lte=soon,
            meeting__case__status=Case.Status.OPEN,
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


def minutes_content_erase(*, entry: Entry, text: str) -> None:
    """Retention (cases.services.entry_erase, inside its transaction and case lock): the drafts
    and the comments of minutes whose entry is erased go with it; the rows stay."""
    MinutesVersion.objects.filter(minutes__entry=entry).update(summary=text, decisions="")
    MinutesComment.objects.filter(minutes__entry=entry).update(text=text)
