"""Writes for the young person's voice. Anything that lets someone see an entry goes through
consent.services.share (the one share path); team changes through cases.services."""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import links as cases_links
from cases.models import Case, Entry, Participant
from cases.selectors import access_entry
from cases.services import (
    access_events_record,
    case_lock,
    case_require_open,
    entry_create_from_workflow,
    participant_add,
)
from consent import links as consent_links
from consent import notifications as consent_notifications
from consent.models import Disclosure
from consent.services import participant_remove, share
from coordination.errors import StateConflict, require_version
from coordination.locks import for_update
from coordination.models import User
from coordination.services import audit_append, notification_create
from coordination.statements import PreparedInsert
from services_registry.models import Service

from . import links, notifications
from .checkins import first_contact_create
from .models import (
    EntryVersion,
    Feedback,
    Goal,
    GoalEvaluation,
    MessageRead,
    Remark,
    Step,
    StepComment,
    UngdomshjelperChange,
    Visit,
)
from .selectors import (
    access_remarks,
    entry_version,
    feedback_services,
    may_choose_ungdomshjelper,
    ungdomshjelper_candidates,
    ungdomshjelper_of,
    ungdomshjelper_offered,
)

MESSAGE_TITLE_LENGTH = 60


def message_body_clean(body: str) -> str:
    """The text of a message (in the conversation or a room), or a 400 on `body`."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > settings.SAMMEN_MESSAGE_MAX_CHARS:
        raise ValidationError(
            {
                "body": _("A message can be at most %(max)d characters.")
                % {"max": settings.SAMMEN_MESSAGE_MAX_CHARS}
            }
        )
    return body


def message_title(text: str) -> str:
    first_line = text.splitlines()[0].strip() if text else ""
    if len(first_line) > MESSAGE_TITLE_LENGTH:
        return first_line[: MESSAGE_TITLE_LENGTH - 1] + "…"
    return first_line


@transaction.atomic
def message_send(*, case: Case, author: User, body: str, recipients: Sequence[User] = ()) -> Entry:
    """A message is an Entry of kind `message`. The young person chooses who gets it, and each
    recipient is a disclosure by their own choice (so who-knows-what shows it); a helper's
    message goes to the young person, who sees every entry on their case anyway."""
    body = message_body_clean(body)
    is_youth = author.pk == case.youth_id
    if is_youth and not recipients:
        raise ValidationError({"recipients": _("Choose who gets the message.")})
    if not is_youth and recipients:
        raise ValidationError(
            {"recipients": _("Your message goes to the young person; share it to reach others.")}
        )
    entry = entry_create_from_workflow(
        case=case,
        author=author,
        kind=Entry.Kind.MESSAGE,
        category=Entry.Category.GENERAL,
        title=message_title(body),
        body=body,
    )
    if is_youth:
        share(
            entry=entry,
            recipients=list(recipients),
            actor=author,
            basis=Disclosure.Basis.OWN_CHOICE,
            received_url=links.messages(case),
        )
    else:
        notification_create(
            recipient=case.youth,
            kind=consent_notifications.MESSAGE_RECEIVED,
            case_id=case.pk,
            entry_id=entry.pk,
            target_url=links.messages(case),
        )
    _mark_read(case=case, user=author)
    return entry


# One INSERT ... ON CONFLICT DO UPDATE on the (case, user) constraint: update_or_create sent
# four statements a read (a savepoint, SELECT ... FOR UPDATE, the write, its release);
# prepared once a connection, as bulk_create(update_conflicts=True) writes it, since every read
# of the conversation stamps it.
_READ_STAMP = PreparedInsert(MessageRead, unique_fields=["case", "user"], update_fields=["read_at"])


def _mark_read(*, case: Case, user: User) -> None:
    _READ_STAMP.values([{"case_id": case.pk, "user_id": user.pk, "read_at": timezone.now()}])


@transaction.atomic
def messages_read(*, case: Case, user: User, messages: Sequence[Entry], via: str) -> None:
    """`user` read the conversation: every message shown is logged as opened (the young person
    sees who opened what), and the unread count starts again from now. Callers pass messages
    they got from voice.selectors.messages_for_case."""
    access_events_record(user=user, entries=messages, via=via)
    _mark_read(case=case, user=user)


def _open_change(case: Case) -> UngdomshjelperChange | None:
    """Callers hold the case lock."""
    open_changes = UngdomshjelperChange.objects.filter(case=case, closed_at__isnull=True)
    return for_update(open_changes).first()


def _change_close(change: UngdomshjelperChange, outcome: str, chosen: User | None) -> None:
    change.outcome, change.chosen, change.closed_at = outcome, chosen, timezone.now()
    change.save(update_fields=["outcome", "chosen", "closed_at"])


def _step_down(*, case: Case, participant: Participant, actor: User) -> None:
    """The ungdomshjelper before hands the role over: someone acting for a service stays on the
    team as a helper; a municipal coordinator leaves the case, which ends their access. They are
    told only that they are no longer the ungdomshjelper, never who asked or why."""
    stays = participant.service_id is not None
    if stays:
        participant.role = Participant.Role.HELPER
        participant.save(update_fields=["role"])
    else:
        participant_remove(participant=participant, actor=None)
    audit_append(
        actor=actor,
        action="ungdomshjelper.replaced",
        case_id=case.pk,
        object_type="participant",
        object_id=str(participant.pk),
        data={"user": participant.user_id, "stays_as_helper": stays},
    )
    notification_create(
        recipient=participant.user,
        kind=notifications.UNGDOMSHJELPER_CHANGED,
        case_id=case.pk,
        target_url=cases_links.case(case) if stays else links.overview(),
    )


@transaction.atomic
def ungdomshjelper_choose(*, case: Case, actor: User, chosen: User) -> Participant:
    """The young person (or the guardian deciding for them) chooses their ungdomshjelper among
    the candidates. The system adds them to the team (a helper already on the case takes on the
    role and keeps their service); the chosen person is told. When they asked for another
    ungdomshjelper, the one before hands the role over first (_step_down) and the request is
    closed."""
    case = case_lock(case.pk)
    if not may_choose_ungdomshjelper(case=case, user=actor):
        raise PermissionDenied(_("Only the young person or the guardian deciding can choose."))
    case_require_open(case)
    if not ungdomshjelper_offered(case=case):
        raise StateConflict(_("An ungdomshjelper is not offered on this case now."))
    candidate = next(
        (c for c in ungdomshjelper_candidates(case=case) if c.user.pk == chosen.pk), None
    )
    if candidate is None:
        # The API's field: an unknown id gets the same answer there (voice.api), so a choice
        # never tells whether an account exists.
        raise ValidationError({"user": _("Choose one of the people in the list.")})
    change = _open_change(case)
    before = ungdomshjelper_of(case=case)
    if before is not None:
        _step_down(case=case, participant=before, actor=actor)
    if candidate.participant is not None:
        participant = candidate.participant
        participant.role = Participant.Role.UNGDOMSHJELPER
        participant.save(update_fields=["role"])
    else:
        participant = participant_add(
            case=case, actor=None, user=chosen, role=Participant.Role.UNGDOMSHJELPER
        )
    if change is not None:
        _change_close(change, UngdomshjelperChange.Outcome.CHOSEN, chosen)
    first_contact_create(case=case, ungdomshjelper=chosen)
    audit_append(
        actor=actor,
        action="ungdomshjelper.chosen",
        case_id=case.pk,
        object_type="participant",
        object_id=str(participant.pk),
        data={
            "user": chosen.pk,
            "was_helper": candidate.participant is not None,
            "change": change.pk if change is not None else None,
        },
    )
    notification_create(
        recipient=chosen,
        kind=notifications.UNGDOMSHJELPER_CHOSEN,
        case_id=case.pk,
        target_url=cases_links.case(case),
    )
    return participant


@transaction.atomic
def ungdomshjelper_change_ask(*, case: Case, actor: User) -> UngdomshjelperChange:
    """The young person (or the guardian deciding) asks for another ungdomshjelper: the offer
    opens again, without the one they have now. That person is not told until someone new is
    chosen, so that asking feels safe."""
    case = case_lock(case.pk)
    if not may_choose_ungdomshjelper(case=case, user=actor):
        raise PermissionDenied(_("Only the young person or the guardian deciding can ask."))
    case_require_open(case)
    current = ungdomshjelper_of(case=case)
    if current is None:
        raise StateConflict(_("There is no ungdomshjelper to change on this case."))
    if _open_change(case) is not None:
        raise StateConflict(_("Someone new is already being chosen."))
    change = UngdomshjelperChange.objects.create(case=case, asked_by=actor, replacing=current.user)
    audit_append(
        actor=actor,
        action="ungdomshjelper.change_asked",
        case_id=case.pk,
        object_type="ungdomshjelper_change",
        object_id=str(change.pk),
        data={"replacing": current.user_id},
    )
    return change


@transaction.atomic
def ungdomshjelper_change_cancel(*, case: Case, actor: User) -> UngdomshjelperChange:
    """The person who asked keeps the ungdomshjelper after all; nobody else is told."""
    case = case_lock(case.pk)
    if not may_choose_ungdomshjelper(case=case, user=actor):
        raise PermissionDenied(_("Only the young person or the guardian deciding can cancel."))
    case_require_open(case)
    change = _open_change(case)
    if change is None:
        raise StateConflict(_("There is no request for another ungdomshjelper to cancel."))
    if change.asked_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked can cancel it."))
    _change_close(change, UngdomshjelperChange.Outcome.CANCELLED, None)
    audit_append(
        actor=actor,
        action="ungdomshjelper.change_cancelled",
        case_id=case.pk,
        object_type="ungdomshjelper_change",
        object_id=str(change.pk),
    )
    return change


@transaction.atomic
def feedback_give(
    *, author: User, service: Service, rating: int, text: str = "", anonymous: bool
) -> Feedback:
    """Anonymous feedback stores neither who nor when (only the week), and is not audited: an
    audit row would tie it to a person and a moment."""
    if not feedback_services(user=author).filter(pk=service.pk).exists():
        raise ValidationError({"service": _("Choose a service that helps you now.")})
    today = timezone.localdate()
    feedback = Feedback(
        service=service,
        rating=rating,
        text=text.strip(),
        week=today - timedelta(days=today.weekday()),
        author=None if anonymous else author,
        created=None if anonymous else timezone.now(),
    )
    feedback.full_clean()
    feedback.save()
    return feedback


def _remark_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your comment.")})
    return text


@transaction.atomic
def remark_create(
    *, entry_id: int, author: User, kind: str, text: str, proposed_body: str = ""
) -> Remark:
    """The young person comments on an entry they can see, or proposes a corrected text. An
    entry they cannot see is a 404 (access_entry), exactly like one that does not exist."""
    entry = access_entry(user=author, entry_id=entry_id)
    case = case_lock(entry.case_id)
    if author.pk != case.youth_id:
        raise PermissionDenied(_("Only the young person comments and proposes corrections."))
    case_require_open(case)
    if kind not in Remark.Kind.values:
        raise ValidationError({"kind": _("Choose a comment or a correction.")})
    proposed_body = proposed_body.strip()
    if kind == Remark.Kind.CORRECTION:
        if entry.author_id == author.pk:
            raise ValidationError({"kind": _("You wrote this yourself; write a new entry.")})
        if not proposed_body or proposed_body == entry.body.strip():
            raise ValidationError({"proposed_body": _("Write how the text should be.")})
    elif proposed_body:
        raise ValidationError({"proposed_body": _("Only a correction has a new text.")})
    remark = Remark(
        entry=entry, author=author, kind=kind, text=_remark_text(text), proposed_body=proposed_body
    )
    remark.full_clean()
    remark.save()
    audit_append(
        actor=author,
        action=f"remark.{kind}",
        case_id=entry.case_id,
        object_type="remark",
        object_id=str(remark.pk),
        data={"entry": entry.pk},
    )
    if entry.author_id != author.pk:
        notification_create(
            recipient=entry.author,
            kind=notifications.REMARK_MADE,
            case_id=entry.case_id,
            entry_id=entry.pk,
            target_url=links.remarks(entry),
        )
    return remark


def _answerable(*, remark: Remark, actor: User) -> tuple[Remark, Entry]:
    case = case_lock(remark.entry.case_id)
    remark = for_update(Remark.objects.select_related("entry")).get(pk=remark.pk)
    entry = access_entry(user=actor, entry_id=remark.entry_id)
    if actor.pk != entry.author_id:
        raise PermissionDenied(_("Only the person who wrote the entry answers."))
    case_require_open(case)
    if remark.status != Remark.Status.OPEN:
        raise StateConflict(_("This has already been answered."))
    return remark, entry


def _answered(*, remark: Remark, actor: User, status: str, answer: str) -> None:
    remark.status, remark.answer = status, answer.strip()
    remark.answered_by, remark.answered_at = actor, timezone.now()
    remark.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit_append(
        actor=actor,
        action=f"remark.{status}",
        case_id=remark.entry.case_id,
        object_type="remark",
        object_id=str(remark.pk),
        data={"entry": remark.entry_id},
    )
    notification_create(
        recipient=remark.author,
        kind=notifications.REMARK_ANSWERED,
        case_id=remark.entry.case_id,
        entry_id=remark.entry_id,
        target_url=links.remarks(remark.entry),
    )


@transaction.atomic
def correction_accept(
    *, remark: Remark, actor: User, answer: str = "", version: int | None = None
) -> Remark:
    """The author takes the young person's text: the old one is kept as an EntryVersion, and
    everyone who can see the entry now is told it was corrected. `version` is the entry's text
    the author was shown (entry_version); if it has changed since, nothing is written."""
    remark, entry = _answerable(remark=remark, actor=actor)
    if remark.kind != Remark.Kind.CORRECTION:
        raise StateConflict(_("A comment is answered, not accepted."))
    require_version(
        yours=version,
        current=entry_version(entry=entry),
        message=_(
            "The text has changed since you read it (you read version %(yours)d, it is now "
            "version %(current)d). Nothing was changed: read it again first."
        ),
    )
    EntryVersion.objects.create(entry=entry, body=entry.body, remark=remark)
    Entry.objects.filter(pk=entry.pk).update(body=remark.proposed_body)
    _answered(remark=remark, actor=actor, status=Remark.Status.ACCEPTED, answer=answer)
    for recipient in User.objects.filter(
        disclosures_received__entry=entry, disclosures_received__withdrawn_at__isnull=True
    ).distinct():
        notification_create(
            recipient=recipient,
            kind=notifications.ENTRY_CORRECTED,
            case_id=entry.case_id,
            entry_id=entry.pk,
            # The entry itself: what was corrected stays between the youth and the author.
            target_url=consent_links.entry(entry),
        )
    return remark


@transaction.atomic
def remark_answer(*, remark: Remark, actor: User, answer: str) -> Remark:
    """Answers a comment, or says why a correction is not made (an answer is then required)."""
    remark, _entry = _answerable(remark=remark, actor=actor)
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer to the young person.")})
    status = (
        Remark.Status.DECLINED if remark.kind == Remark.Kind.CORRECTION else Remark.Status.ANSWERED
    )
    _answered(remark=remark, actor=actor, status=status, answer=answer)
    return remark


def remarks_open(*, user: User, entry_id: int, via: str) -> Entry:
    """Fetches an entry whose remarks and earlier texts `user` may read (access_remarks) and
    records the read as an open, so who-knows-what and the access log show it."""
    entry = access_remarks(user=user, entry_id=entry_id)
    access_events_record(user=user, entries=[entry], via=via)
    return entry


@transaction.atomic
def remark_show(*, remark: Remark, actor: User, shown: bool) -> Remark:
    """The young person shows their remark (the author's answer and, for an accepted correction,
    the text it replaced) to everyone who may open the entry, or hides it again. Audited."""
    case = case_lock(remark.entry.case_id)
    remark = for_update(Remark.objects.select_related("entry")).get(pk=remark.pk)
    if actor.pk != remark.author_id:
        raise PermissionDenied(_("Only the young person decides who reads their comments."))
    case_require_open(case)
    if remark.shown_to_recipients != shown:
        remark.shown_to_recipients = shown
        remark.save(update_fields=["shown_to_recipients"])
        audit_append(
            actor=actor,
            action="remark.shown" if shown else "remark.hidden",
            case_id=remark.entry.case_id,
            object_type="remark",
            object_id=str(remark.pk),
            data={"entry": remark.entry_id},
        )
    return remark


def visit_stamp(*, user: User) -> Visit:
    """At login: this visit becomes the previous one, so 'new since your last visit' stays the
    same however often the home page is reloaded during the visit."""
    now = timezone.now()
    visit, created = Visit.objects.get_or_create(user=user, defaults={"current": now})
    if not created:
        Visit.objects.filter(pk=visit.pk).update(previous=F("current"), current=now)
        visit.refresh_from_db()
    return visit


def entry_content_erase(*, entry: Entry, text: str) -> None:
    """Retention (cases.services.entry_erase, inside its transaction and case lock): the earlier
    texts and the comments on an erased entry go with it; the rows stay, as its skeleton."""
    EntryVersion.objects.filter(entry=entry).update(body=text)
    Remark.objects.filter(entry=entry).update(text=text, proposed_body="", answer="")
    # A plan's goals, steps, the young person's comments and evaluations are its content too.
    Goal.objects.filter(plan=entry).update(text=text)
    Step.objects.filter(goal__plan=entry).update(text=text)
    StepComment.objects.filter(step__goal__plan=entry).update(text=text)
    GoalEvaluation.objects.filter(goal__plan=entry).update(words="")
