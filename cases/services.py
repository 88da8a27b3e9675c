"""Writes for cases. Sharing, withdrawing and removing someone from a team change who may see
entries, so they live in consent.services (the one share path)."""

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.ages import age_on, is_adult
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.selectors import guardianship_active
from coordination.services import (
    audit_append,
    email_error,
    notification_create,
    phone_normalize,
)
from coordination.statements import CompiledRead, PreparedInsert, Slot
from services_registry.models import Service

from . import links
from .models import (
    HELP_CONTACT_MAX_CHARS,
    HELP_WHAT_MAX_CHARS,
    LEFT_SUMMARY_MAX_CHARS,
    AccessEvent,
    Attachment,
    Case,
    Entry,
    Invitation,
    Participant,
    ServiceActedFor,
    Withholding,
)
from .notifications import CASE_OPENED, INVITED, PARTICIPANT_JOINED
from .permissions import (
    view_entry_grant,
    view_entry_grant_to_author_and_youth,
    view_entry_revoke,
)
from .selectors import (
    access_attachment,
    access_case,
    access_entry,
    access_invitation,
    access_invitation_as_invitee,
    entries_due_for_erasure,
    has_ungdomshjelper,
    invitation_for_token,
    invitation_for_token_hash,
    invite_roles,
    is_case_admin,
    may_open_case,
    participant_active,
)
from .tokens import nonce_new, token_for, token_hash

# Content sniffing, not the client's Content-Type: (mime type, leading bytes, extensions).
ATTACHMENT_TYPES = [
    ("application/pdf", b"%PDF-", {".pdf"}),
    ("image/png", b"\x89PNG\r\n\x1a\n", {".png"}),
    ("image/jpeg", b"\xff\xd8\xff", {".jpg", ".jpeg"}),
]
TEXT_EXTENSIONS = {".txt"}


def case_lock(case_id: int) -> Case:
    """Locks a case row: every write on a case takes this lock first, so writes on one case run
    one after another and each re-reads rules, team and disclosures under it.

    The lock order (docs/architecture.md §3, "Locking"): (1) this case row, (2) rows of this
    case through coordination.locks.for_update, (3) the advisory lock of each audit chain a
    row is appended to (the case's, the installation's), taken by audit_append and held to
    COMMIT, so nothing that may wait is locked after it. A write appends to a case's chain only
    under this case's row lock (or on the case it created), so two writes can never hold each
    other's chain locks. The row is locked FOR NO KEY UPDATE and without the youth's row: the
    foreign-key checks of rows inserted on the case, which run at COMMIT under a chain lock,
    take FOR KEY SHARE on both, which must not wait for a writer that itself waits for that
    chain lock.

    Its statement is compiled once a process (coordination.statements: every write on a case
    takes it), so Django's own refusal of a row lock outside a transaction is asked here."""
    if transaction.get_autocommit():
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    rows = _CASE_LOCK(case=case_id)
    if not rows:
        raise Case.DoesNotExist("Case matching query does not exist.")
    return rows[0]


_CASE_LOCK = CompiledRead(
    lambda *, case: for_update(Case.objects.select_related("youth")).filter(pk=case).order_by(),
    case=Slot(-1, -2),
)


def case_require_open(case: Case) -> None:
    """Every write that adds to or changes a case asks this, under `case_lock` and after the
    caller's access is checked (so someone outside the case gets 404, never this 409): a closed
    case refuses it with one message."""
    if case.is_closed:
        raise StateConflict(_("The case is closed."))


@transaction.atomic
def case_create(*, title: str, youth: User, actor: User | None = None) -> Case:
    case = Case(title=title, youth=youth)
    case.full_clean()
    case.save()
    Participant.objects.create(case=case, user=youth, role=Participant.Role.YOUTH)
    audit_append(
        actor=actor,
        action="case.created",
        case_id=case.pk,
        object_type="case",
        object_id=str(case.pk),
    )
    return case


GUARDIAN_NOT_REGISTERED = gettext_lazy(
    "Only someone registered as the young person's guardian can be added as "
    "guardian. The municipality registers guardians."
)


def can_manage_team(*, case: Case, user: User) -> bool:
    """The one rule for who changes a case's team: the active ungdomshjelper of that case.

    Only participation counts: no staff status, group, global permission or superuser puts
    anyone on a case (`has_perm` is always true for a superuser, so it is not asked here)."""
    participant = participant_active(case=case, user=user)
    return participant is not None and participant.role == Participant.Role.UNGDOMSHJELPER


def can_close_case(*, case: Case, user: User) -> bool:
    """The one rule for who closes and reopens a case: its ungdomshjelper or a helper on the
    team now (the youth and guardians do not; someone off the team is never asked: 404)."""
    participant = participant_active(case=case, user=user)
    return participant is not None and participant.role in (
        Participant.Role.HELPER,
        Participant.Role.UNGDOMSHJELPER,
    )


def participants_removable(
    *, case: Case, actor: User | None, participants: list[Participant]
) -> set[int]:
    """THE rule for ending someone's participation, for a whole team at once (the page asks it
    for its buttons, the service for the one it ends): the young person never leaves their own
    case; anyone else may leave by themself; the case's ungdomshjelper takes anyone else off;
    the system (`actor` None) may. Returns the ids of the participants `actor` may end. The
    caller has made sure `actor` is on the case (404 otherwise)."""
    others = actor is None or can_manage_team(case=case, user=actor)
    return {
        participant.pk
        for participant in participants
        if participant.role != Participant.Role.YOUTH
        and (others or participant.user_id == getattr(actor, "pk", None))
    }


def participant_removal_check(*, case: Case, actor: User | None, participant: Participant) -> None:
    """Refuses what participants_removable does not allow: the youth (400), someone else's
    participation unless the actor is the ungdomshjelper (403)."""
    if participant.role == Participant.Role.YOUTH:
        raise ValidationError({"participant": _("The young person cannot be removed.")})
    if participant.pk not in participants_removable(
        case=case, actor=actor, participants=[participant]
    ):
        raise PermissionDenied(
            _(
                "Only the youth coordinator can take someone else off the team. "
                "You can leave the team yourself."
            )
        )


def _too_long(*, text: str, limit: int) -> str | None:
    if len(text) <= limit:
        return None
    return _("Write at most %(max)d characters (you wrote %(count)d).") % {
        "max": limit,
        "count": len(text),
    }


def left_summary_check(summary: str) -> str:
    """The optional words about why someone left: plain text, at most LEFT_SUMMARY_MAX_CHARS."""
    summary = summary.strip()
    error = _too_long(text=summary, limit=LEFT_SUMMARY_MAX_CHARS)
    if error:
        raise ValidationError({"summary": error})
    return summary


# Line breaks and control characters; a non-breaking space (pasted phone numbers) is fine.
NOT_ON_ONE_LINE = {"Cc", "Zl", "Zp"}


def _one_line_error(*, text: str, limit: int) -> str | None:
    """A plain line of text: no line breaks or other control characters, at most `limit`."""
    if any(unicodedata.category(character) in NOT_ON_ONE_LINE for character in text):
        return _("Write it on one line, as plain text.")
    return _too_long(text=text, limit=limit)


def may_say_help(*, participant: Participant, user: User) -> bool:
    """THE rule for who writes a participation's help line: the helper or ungdomshjelper of that
    participation, themself, while on the team (the page's form and the service ask it)."""
    return (
        participant.user_id == user.pk
        and participant.left is None
        and participant.role in (Participant.Role.HELPER, Participant.Role.UNGDOMSHJELPER)
    )


@transaction.atomic
def participant_help_set(
    *, participant_id: int, actor: User, what: str, direct_contact: str
) -> Participant:
    """A helper says, for one case, what they help with and how to reach them directly (issue
    #19 item 3): shown on the team page, the youth's home and in the participants API. Someone
    not on the case gets 404, anyone but that helper 403, a closed case 409. Both empty clears
    the line. The audit names the fields, never the words."""
    case_id = (
        Participant.objects.filter(pk=participant_id).values_list("case_id", flat=True).first()
    )
    if case_id is None:
        raise Http404
    case = case_lock(case_id)
    access_case(user=actor, case_id=case.pk)
    participant = Participant.objects.get(pk=participant_id)
    if not may_say_help(participant=participant, user=actor):
        raise PermissionDenied(_("Only the helper themself can say what they help with."))
    case_require_open(case)
    what, direct_contact = what.strip(), direct_contact.strip()
    errors = {
        field: error
        for field, error in (
            ("what", _one_line_error(text=what, limit=HELP_WHAT_MAX_CHARS)),
            (
                "direct_contact",
                _one_line_error(text=direct_contact, limit=HELP_CONTACT_MAX_CHARS),
            ),
        )
        if error
    }
    if errors:
        raise ValidationError(errors)
    participant.help_what, participant.help_direct_contact = what, direct_contact
    participant.save(update_fields=["help_what", "help_direct_contact"])
    audit_append(
        actor=actor,
        action="participant.help_set",
        case_id=case.pk,
        object_type="participant",
        object_id=str(participant.pk),
        data={"what": bool(what), "direct_contact": bool(direct_contact)},
    )
    return participant


@transaction.atomic
def participant_add(
    *, case: Case, actor: User | None, user: User, role: str, service: Service | None = None
) -> Participant:
    """`actor` None is the system (demo data, imports)."""
    case = case_lock(case.pk)
    if actor is not None and not can_manage_team(case=case, user=actor):
        raise PermissionDenied(_("Only the youth coordinator can change the team."))
    case_require_open(case)
    return _participant_insert(case=case, actor=actor, user=user, role=role, service=service)


def _participant_insert(
    *,
    case: Case,
    actor: User | None,
    user: User,
    role: str,
    service: Service | None,
    invited_by: User | None = None,
) -> Participant:
    """What every way onto a team checks and writes; the caller holds the case lock and has
    decided that `actor` may bring `user` in."""
    if role == Participant.Role.YOUTH:
        raise ValidationError({"role": _("A case has exactly one young person.")})
    if role == Participant.Role.HELPER and service is None:
        raise ValidationError({"service": _("Say which service the helper acts for.")})
    if participant_active(case=case, user=user) is not None:
        raise StateConflict(_("This person is already on the team."))
    # Held until commit, so the guardianship cannot end while its guardian is being added.
    if role == Participant.Role.GUARDIAN and is_adult(
        birth_date=case.youth.birth_date, today=timezone.localdate()
    ):
        raise ValidationError(
            {"role": _("The young person is 18 or older: guardians no longer take part.")}
        )
    if (
        role == Participant.Role.GUARDIAN
        and guardianship_active(youth=case.youth, guardian=user, lock=True) is None
    ):
        raise ValidationError({"user": GUARDIAN_NOT_REGISTERED})
    participant = Participant(
        case=case, user=user, role=role, service=service, invited_by=invited_by
    )
    participant.full_clean()
    participant.save()
    # Someone returning to the team sees again what they wrote (leaving had removed it).
    view_entry_grant(
        (entry_id, user.pk)
        for entry_id in Entry.objects.filter(case=case, author=user).values_list("pk", flat=True)
    )
    audit_append(
        actor=actor,
        action="participant.added",
        case_id=case.pk,
        object_type="participant",
        object_id=str(participant.pk),
        data={
            "user": user.pk,
            "role": role,
            "service": str(service.pk) if service else None,
            "invited_by": invited_by.pk if invited_by else None,
        },
    )
    return participant


@transaction.atomic
def participant_join(
    *,
    case: Case,
    user: User,
    role: str,
    service: Service | None,
    invited_by: User | None,
    actor: User | None,
) -> Participant:
    """Someone joins a team through what let them in (an invitation they accepted; later a
    referral the service accepted): the caller has checked that. The checks of every way onto a
    team hold, the case must be open, a case has one ungdomshjelper, and the young person is
    told."""
    case = case_lock(case.pk)
    case_require_open(case)
    if role == Participant.Role.UNGDOMSHJELPER and has_ungdomshjelper(case=case):
        raise StateConflict(_("The case already has a youth coordinator."))
    participant = _participant_insert(
        case=case, actor=actor, user=user, role=role, service=service, invited_by=invited_by
    )
    notification_create(
        recipient=case.youth, kind=PARTICIPANT_JOINED, case_id=case.pk, target_url=links.team(case)
    )
    return participant


def entry_kinds_writable(*, case: Case, author: User) -> list[str]:
    """The kinds `author` writes straight on the case page or API. Minutes come only from an
    approved meeting (meetings), messages only from the conversation (voice), and the young
    person's plan only from their plan page (voice.plan); helpers may write plans of their
    own (e.g. the school's adjustments)."""
    kinds: list[str] = [Entry.Kind.NOTE, Entry.Kind.DOCUMENT, Entry.Kind.PLAN]
    if author.pk == case.youth_id:
        kinds.remove(Entry.Kind.PLAN)
    return kinds


def _entry_text_errors(*, title: str, body: str) -> dict[str, str]:
    errors = {}
    if not title:
        errors["title"] = _("Write a title.")
    elif len(title) > settings.SAMMEN_ENTRY_TITLE_MAX_CHARS:
        errors["title"] = _("A title can be at most %(max)d characters.") % {
            "max": settings.SAMMEN_ENTRY_TITLE_MAX_CHARS
        }
    if len(body) > settings.SAMMEN_ENTRY_BODY_MAX_CHARS:
        errors["body"] = _("The text can be at most %(max)d characters.") % {
            "max": settings.SAMMEN_ENTRY_BODY_MAX_CHARS
        }
    return errors


@transaction.atomic
def entry_create(
    *, case: Case, author: User, kind: str, category: str, title: str, body: str
) -> Entry:
    """Someone on the team writes an entry on the case page or through the API. Then each app
    that defines `entry_created(entry=)` on its AppConfig reacts in the same transaction (consent
    shares it under the rules that share by themselves). Entries of the workflows (minutes,
    messages, the young person's plan) are shared by their workflows, so they skip this."""
    if kind not in entry_kinds_writable(case=case, author=author):
        raise ValidationError(
            {
                "kind": _(
                    "Minutes, messages and the young person's plan are made on their own pages, "
                    "not here."
                )
            }
        )
    entry = entry_create_from_workflow(
        case=case, author=author, kind=kind, category=category, title=title, body=body
    )
    for config in apps.get_app_configs():
        created = getattr(config, "entry_created", None)
        if created is not None:
            created(entry=entry)
    return entry


@transaction.atomic
def entry_create_from_workflow(
    *, case: Case, author: User, kind: str, category: str, title: str, body: str
) -> Entry:
    """For the workflows that own a kind (minutes, messages, the young person's plan; demo
    data): they decide the kind; the author must be on the team and the length limits hold
    as for any entry."""
    case = case_lock(case.pk)
    if participant_active(case=case, user=author) is None:
        raise PermissionDenied(_("Only people on the team can write on the case."))
    case_require_open(case)
    title = title.strip()
    errors = _entry_text_errors(title=title, body=body)
    if errors:
        raise ValidationError(errors)
    entry = Entry(case=case, author=author, kind=kind, category=category, title=title, body=body)
    entry.full_clean()
    entry.save()
    view_entry_grant_to_author_and_youth(entry)
    audit_append(
        actor=author,
        action="entry.created",
        case_id=case.pk,
        object_type="entry",
        object_id=str(entry.pk),
        data={"kind": kind, "category": category},
    )
    return entry


# Every open writes its row: the INSERT prepared once a connection instead of compiled by
# bulk_create on each open (coordination.statements.PreparedInsert; the same columns and values).
_ACCESS_EVENTS = PreparedInsert(AccessEvent)


# No savepoint when nested (the conversation's read runs in its own transaction): the events
# and the alerts they cause commit or fail together with the caller's work.
@transaction.atomic(savepoint=False)
def access_events_record(
    *, user: User, entries: Sequence[Entry], via: str, attachment: Attachment | None = None
) -> None:
    """Records that `user` opened `entries` (the one place an AccessEvent is written), then
    asks each app that defines `entries_opened(user=, entries=)` on its AppConfig to react
    (consent tells a young person who watches them). Callers have checked access."""
    # As columns, not AccessEvent instances (most of a conversation page's Python): the same
    # values bulk_create writes (tests/cases/test_entry_open_statement.py), at one instant.
    at, attachment_id = timezone.now(), None if attachment is None else attachment.pk
    _ACCESS_EVENTS.values(
        [
            {
                "entry_id": entry.pk,
                "user_id": user.pk,
                "via": via,
                "attachment_id": attachment_id,
                "at": at,
            }
            for entry in entries
        ]
    )
    for config in apps.get_app_configs():
        opened = getattr(config, "entries_opened", None)
        if opened is not None:
            opened(user=user, entries=entries)


def entry_open(*, user: User, entry_id: int, via: str) -> Entry:
    """Fetches an entry for reading and records that `user` opened it."""
    entry = access_entry(user=user, entry_id=entry_id)
    access_events_record(user=user, entries=[entry], via=via)
    return entry


def _attachment_type(upload: UploadedFile) -> str:
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    head = upload.read(16)
    upload.seek(0)
    for mime, magic, extensions in ATTACHMENT_TYPES:
        if head.startswith(magic) and extension in extensions:
            return mime
    if extension in TEXT_EXTENSIONS:
        content = upload.read(settings.SAMMEN_ATTACHMENT_MAX_BYTES + 1)
        upload.seek(0)
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if b"\x00" not in content:
                return "text/plain"
    raise ValidationError({"file": _("Only PDF, PNG, JPEG and plain text files can be attached.")})


@transaction.atomic
def attachment_add(*, entry: Entry, uploaded_by: User, upload: UploadedFile) -> Attachment:
    if entry.author_id != uploaded_by.pk:
        raise PermissionDenied(_("Only the person who wrote the entry can attach files."))
    case_require_open(case_lock(entry.case_id))
    if upload.size is None or upload.size > settings.SAMMEN_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)d MB.")
                % {"mb": settings.SAMMEN_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type = _attachment_type(upload)
    attachment = Attachment(
        entry=entry,
        original_name=(upload.name or "file")[-255:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=uploaded_by,
        created=timezone.now(),
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    try:
        attachment.save()
        audit_append(
            actor=uploaded_by,
            action="attachment.added",
            case_id=entry.case_id,
            object_type="attachment",
            object_id=str(attachment.pk),
            data={"entry": entry.pk, "content_type": content_type, "size": upload.size},
        )
    except Exception:
        # Nothing stored when the row is not: no orphaned file on disk.
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_open(*, user: User, attachment_id: int) -> Attachment:
    attachment = access_attachment(user=user, attachment_id=attachment_id)
    access_events_record(
        user=user, entries=[attachment.entry], via=AccessEvent.Via.ATTACHMENT, attachment=attachment
    )
    return attachment


@transaction.atomic
def entry_withhold(*, entry_id: int, actor: User, reason: str) -> Withholding:
    """The author keeps an entry from the young person under a written legal reason: the youth
    loses view_entry at once and is shown the reason and who decided, never the entry."""
    entry = access_entry(user=actor, entry_id=entry_id)
    case = case_lock(entry.case_id)
    if actor.pk != entry.author_id:
        raise PermissionDenied(_("Only the person who wrote it can withhold it."))
    if entry.author_id == case.youth_id:
        raise ValidationError({"entry": _("The young person wrote this.")})
    case_require_open(case)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Write the legal reason. The young person will read it.")}
        )
    if Withholding.objects.filter(entry=entry, ended_at__isnull=True).exists():
        raise StateConflict(_("This is already withheld."))
    withholding = Withholding(entry=entry, reason=reason, decided_by=actor)
    withholding.full_clean()
    withholding.save()
    view_entry_revoke({(entry.pk, case.youth_id)})
    audit_append(
        actor=actor,
        action="entry.withheld",
        case_id=case.pk,
        object_type="withholding",
        object_id=str(withholding.pk),
        data={"entry": entry.pk, "category": entry.category},
    )
    return withholding


@transaction.atomic
def withholding_end(*, withholding: Withholding, actor: User) -> Withholding:
    """The author or a case admin (on review) ends a withholding: the youth sees the entry."""
    case = case_lock(withholding.entry.case_id)
    withholding = for_update(Withholding.objects.select_related("entry")).get(pk=withholding.pk)
    if actor.pk != withholding.decided_by_id and not is_case_admin(user=actor):
        raise PermissionDenied(_("Only the person who decided or a case admin can end this."))
    if withholding.ended_at is not None:
        raise StateConflict(_("This has already ended."))
    withholding.ended_at, withholding.ended_by = timezone.now(), actor
    withholding.save(update_fields=["ended_at", "ended_by"])
    view_entry_grant({(withholding.entry_id, case.youth_id)})
    audit_append(
        actor=actor,
        action="withholding.ended",
        case_id=case.pk,
        object_type="withholding",
        object_id=str(withholding.pk),
        data={"entry": withholding.entry_id},
    )
    return withholding


# --- Opening a case and inviting people (issue #13) -------------------------------------------

# Who can be the young person of a case, by age on the day it is opened.
YOUTH_MIN_AGE = 10
YOUTH_MAX_AGE = 25
NAME_MAX_CHARS = 150


@dataclass(frozen=True)
class NewPerson:
    """Someone without an account yet: they choose a username and password through the
    invitation's link. The young person of a new case has a birth date too."""

    display_name: str
    email: str = ""
    phone: str = ""
    birth_date: date | None = None


def _new_person_checked(person: NewPerson) -> NewPerson:
    """The person's name and contact, cleaned; every problem at once as field errors."""
    errors: dict[str, str] = {}
    name = person.display_name.strip()
    if not name:
        errors["display_name"] = _("Write the person's name.")
    elif len(name) > NAME_MAX_CHARS:
        errors["display_name"] = _("A name can be at most %(max)d characters.") % {
            "max": NAME_MAX_CHARS
        }
    email = person.email.strip()
    if problem := email_error(email):
        errors["email"] = problem
    phone = ""
    try:
        phone = phone_normalize(person.phone)
    except ValidationError as error:
        errors["phone"] = error.message_dict["phone"][0]
    if not email and not person.phone.strip():
        errors["email"] = _(
            "Write an e-mail address or a phone number: the invitation is sent there."
        )
    if errors:
        raise ValidationError(errors)
    return NewPerson(display_name=name, email=email, phone=phone, birth_date=person.birth_date)


def _youth_age_error(birth_date: date | None) -> str | None:
    """Why someone born on `birth_date` cannot be the young person of a new case, or None."""
    today = timezone.localdate()
    if birth_date is None:
        return _("The young person's birth date is needed: it decides who may consent.")
    if birth_date > today:
        return _("The birth date is in the future.")
    age = age_on(birth_date, today)
    if not YOUTH_MIN_AGE <= age <= YOUTH_MAX_AGE:
        return _("Sammen is for young people aged %(min)d to %(max)d.") % {
            "min": YOUTH_MIN_AGE,
            "max": YOUTH_MAX_AGE,
        }
    return None


def _person_create(person: NewPerson) -> User:
    """An account the person takes over through their invitation: no usable password until
    then, and a username they replace with their own."""
    user = User(
        username=f"invitert-{secrets.token_hex(8)}",
        display_name=person.display_name,
        email=person.email,
        phone=person.phone,
        birth_date=person.birth_date,
        notify_by_email=bool(person.email),
        notify_by_sms=bool(person.phone),
    )
    user.set_unusable_password()
    user.save()
    return user


def _title_error(title: str) -> str | None:
    if not title:
        return _("Write a title.")
    if len(title) > settings.SAMMEN_ENTRY_TITLE_MAX_CHARS:
        return _("A title can be at most %(max)d characters.") % {
            "max": settings.SAMMEN_ENTRY_TITLE_MAX_CHARS
        }
    return None


def _youth_errors(
    *, actor: User, youth: User | None, new_youth: NewPerson | None
) -> tuple[list[str], NewPerson | None]:
    """Why the young person named cannot have a case opened for them (and the new person,
    cleaned)."""
    if (youth is None) == (new_youth is None):
        return [_("Name one young person: an account, or a new person.")], new_youth
    if youth is not None:
        if youth.pk == actor.pk or not youth.is_active:
            return [_("This person cannot be the young person of a case.")], None
        age_error = _youth_age_error(youth.birth_date)
        return ([age_error] if age_error else []), None
    assert new_youth is not None
    errors: list[str] = []
    try:
        new_youth = _new_person_checked(new_youth)
    except ValidationError as error:
        errors.extend(message for messages in error.message_dict.values() for message in messages)
    if age_error := _youth_age_error(new_youth.birth_date):
        errors.append(age_error)
    return errors, new_youth


@transaction.atomic
def case_open(
    *,
    actor: User,
    title: str,
    service: Service | None,
    youth: User | None = None,
    new_youth: NewPerson | None = None,
) -> Case:
    """A helper with cases.open_case opens a case for a young person aged 10-25 (an account,
    or a new person who gets an invitation) and joins it as helper for `service`, which is
    remembered for next time. Audited (case.created, participant.added); an existing young
    person is told (case_opened), a new one through their invitation."""
    if not may_open_case(user=actor):
        raise PermissionDenied(_("Only helpers can open a case."))
    errors: dict[str, object] = {}
    title = title.strip()
    if title_error := _title_error(title):
        errors["title"] = title_error
    if service is None:
        errors["service"] = _("Choose the service you act for.")
    youth_errors, new_youth = _youth_errors(actor=actor, youth=youth, new_youth=new_youth)
    if youth_errors:
        errors["youth"] = youth_errors
    if errors:
        raise ValidationError(errors)
    assert service is not None
    if new_youth is not None:
        youth = _person_create(new_youth)
    assert youth is not None
    case = case_create(title=title, youth=youth, actor=actor)
    _participant_insert(
        case=case, actor=actor, user=actor, role=Participant.Role.HELPER, service=service
    )
    ServiceActedFor.objects.update_or_create(user=actor, defaults={"service": service})
    if new_youth is not None:
        _invitation_create(
            case=case, role=Participant.Role.YOUTH, invitee=youth, service=None, invited_by=actor
        )
    else:
        notification_create(
            recipient=youth, kind=CASE_OPENED, case_id=case.pk, target_url=links.case(case)
        )
    return case


def _invitation_create(
    *, case: Case, role: str, invitee: User, service: Service | None, invited_by: User
) -> Invitation:
    """Writes the invitation and its outbox row (the link is derived when it is sent)."""
    invitation = Invitation.objects.create(
        case=case,
        role=role,
        invitee=invitee,
        service=service,
        invited_by=invited_by,
        nonce=(nonce := nonce_new()),
        token_hash=token_hash(token_for(nonce)),
        expires=timezone.now() + timedelta(days=settings.SAMMEN_INVITATION_TTL_DAYS),
    )
    # No case id: the invited person cannot see the case until they join.
    invitation.notification = notification_create(
        recipient=invitee, kind=INVITED, target_url=links.invitation(invitation)
    )
    invitation.save(update_fields=["notification"])
    audit_append(
        actor=invited_by,
        action="invitation.created",
        case_id=case.pk,
        object_type="invitation",
        object_id=str(invitation.pk),
        data={
            "invitee": invitee.pk,
            "role": role,
            "service": str(service.pk) if service else None,
        },
    )
    return invitation


def _invitee_errors(
    *, case: Case, role: str, user: User | None, person: NewPerson | None
) -> dict[str, object]:
    """Why this person cannot be invited to `case` in `role`, by field."""
    errors: dict[str, object] = {}
    if (user is None) == (person is None):
        errors["user"] = _("Invite one person: an account, or a new person.")
    elif user is not None:
        if participant_active(case=case, user=user) is not None:
            errors["user"] = _("This person is already on the team.")
        elif case.invitations.pending().filter(invitee=user).exists():
            errors["user"] = _("This person already has an invitation that is waiting.")
        elif (
            role == Participant.Role.GUARDIAN
            and guardianship_active(youth=case.youth, guardian=user) is None
        ):
            errors["user"] = GUARDIAN_NOT_REGISTERED
    elif role == Participant.Role.GUARDIAN:
        errors["user"] = GUARDIAN_NOT_REGISTERED
    if role == Participant.Role.UNGDOMSHJELPER and has_ungdomshjelper(case=case):
        errors["role"] = _("The case already has a youth coordinator.")
    if person is not None:
        try:
            _new_person_checked(person)
        except ValidationError as error:
            errors.update(error.message_dict)
    return errors


@transaction.atomic
def invitation_create(
    *,
    case_id: int,
    actor: User,
    role: str,
    user: User | None = None,
    person: NewPerson | None = None,
    service: Service | None = None,
) -> Invitation:
    """Someone on the team invites an account (`user`) or a new person (`person`, who needs an
    e-mail address or a phone number) to join in `role`; `invite_roles` says who may invite
    whom. A guardian must be registered as this young person's guardian (an account)."""
    case = case_lock(case_id)
    access_case(user=actor, case_id=case.pk)
    case_require_open(case)
    if role not in invite_roles(case=case, user=actor):
        raise PermissionDenied(_("You cannot invite anyone in this role to this case."))
    errors = _invitee_errors(case=case, role=role, user=user, person=person)
    if role == Participant.Role.HELPER and service is None:
        errors["service"] = _("Say which service the helper acts for.")
    if role == Participant.Role.GUARDIAN:
        service = None
    if errors:
        raise ValidationError(errors)
    invitee = user if user is not None else _person_create(_new_person_checked(person))  # type: ignore[arg-type]
    return _invitation_create(
        case=case, role=role, invitee=invitee, service=service, invited_by=actor
    )


@transaction.atomic
def invitation_revoke(*, invitation_id: int, actor: User) -> Invitation:
    """The inviter or the case's ungdomshjelper withdraws a waiting invitation: its link stops
    working at once."""
    invitation = access_invitation(user=actor, invitation_id=invitation_id)
    case = case_lock(invitation.case_id)
    access_case(user=actor, case_id=case.pk)
    case_require_open(case)
    invitation = for_update(Invitation.objects.all()).get(pk=invitation.pk)
    if actor.pk != invitation.invited_by_id and not can_manage_team(case=case, user=actor):
        raise PermissionDenied(
            _("Only the person who invited and the youth coordinator can withdraw this.")
        )
    if invitation.status != Invitation.Status.PENDING:
        raise StateConflict(_("This invitation is no longer waiting."))
    invitation.revoked_at, invitation.revoked_by = timezone.now(), actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_append(
        actor=actor,
        action="invitation.revoked",
        case_id=case.pk,
        object_type="invitation",
        object_id=str(invitation.pk),
    )
    return invitation


def _invitation_accept(*, invitation_id: int, user: User) -> Invitation:
    """`user` is the invited person (checked by the caller); under the locks the invitation
    must still wait. The young person of a new case is on it already; anyone else joins."""
    invitation = Invitation.objects.get(pk=invitation_id)
    case = case_lock(invitation.case_id)
    invitation = for_update(Invitation.objects.select_related("invited_by", "service")).get(
        pk=invitation_id
    )
    if invitation.invitee_id != user.pk or invitation.status != Invitation.Status.PENDING:
        raise StateConflict(_("This invitation can no longer be used."))
    case_require_open(case)
    if invitation.role != Participant.Role.YOUTH:
        participant_join(
            case=case,
            user=user,
            role=invitation.role,
            service=invitation.service,
            invited_by=invitation.invited_by,
            actor=user,
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_append(
        actor=user,
        action="invitation.accepted",
        case_id=case.pk,
        object_type="invitation",
        object_id=str(invitation.pk),
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation_id: int, user: User) -> Invitation:
    """The invited account accepts, logged in as exactly that account (else 404)."""
    access_invitation_as_invitee(user=user, invitation_id=invitation_id)
    return _invitation_accept(invitation_id=invitation_id, user=user)


class InvitationUnusable(Exception):
    """A link that is wrong, used, withdrawn, expired or meant for someone else: the page says
    so in the same words for all, and nothing is written."""


@transaction.atomic
def invitation_accept_by_link(*, token: str, user: User) -> Invitation:
    """The logged-in invited account accepts from the link."""
    invitation = invitation_for_token(token=token)
    if invitation is None or invitation.invitee_id != user.pk:
        raise InvitationUnusable
    return _invitation_accept(invitation_id=invitation.pk, user=user)


@transaction.atomic
def invitation_accept_new_identity(*, digest: str) -> User:
    """A new person (an account without a password yet) signs in at an identity provider from
    the invitation's link (cases.apps.CasesConfig.oidc_new_identity): they join as the invited
    account, which coordination then links to that identity. Run inside the sign-in's
    transaction, so a sign-in refused after all (the wrong role, a too low level) undoes it."""
    invitation = invitation_for_token_hash(digest=digest)
    if invitation is None or invitation.invitee.has_usable_password():
        raise InvitationUnusable
    _invitation_accept(invitation_id=invitation.pk, user=invitation.invitee)
    return invitation.invitee


@transaction.atomic
def invitation_accept_new_account(*, token: str, username: str, password: str) -> User:
    """Someone whose account has no password yet (a new person, or a registered guardian who
    never had one) chooses a username and a password (Django's validators) and joins."""
    invitation = invitation_for_token(token=token)
    if invitation is None or invitation.invitee.has_usable_password():
        raise InvitationUnusable
    invitee: User = for_update(User.objects.all()).get(pk=invitation.invitee_id)
    username = username.strip()
    errors: dict[str, list[str]] = {}
    try:
        User.username_validator(username)
        if len(username) > NAME_MAX_CHARS or not username:
            raise ValidationError(_("Choose a username of 1 to 150 characters."))
    except ValidationError as error:
        errors["username"] = error.messages
    else:
        if User.objects.filter(username__iexact=username).exclude(pk=invitee.pk).exists():
            errors["username"] = [_("This username is taken. Choose another.")]
    invitee.username = username
    try:
        validate_password(password, invitee)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    invitee.set_password(password)
    invitee.save(update_fields=["username", "password"])
    _invitation_accept(invitation_id=invitation.pk, user=invitee)
    return invitee


# -- retention (docs/architecture.md, GDPR) ---------------------------------------------------


def erased_text(years: int) -> str:
    """What an erased entry's title and text say (stored, so in the portal's own language)."""
    return f"slettet etter {years} år"


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def entry_erase(*, entry_id: int, now: datetime | None = None) -> bool:
    """Erases the content of one entry whose time has come (entries_due_for_erasure, asked again
    under the case lock, so a reopening, a legal hold or an earlier run wins): title and text
    become "slettet etter N år", its attachments lose their names and their files (deleted after
    commit), and every app above erases its copies of the text (`entry_erased(self, *, entry,
    text)` on its AppConfig: voice's earlier texts and comments, meetings' minutes). The row, its
    disclosures and its access log stay; one audit event. Not a write a closed case refuses:
    erasing is what a closed case waits for. Returns whether it erased."""
    case_id = Entry.objects.filter(pk=entry_id).values_list("case_id", flat=True).first()
    if case_id is None:
        return False
    case_lock(case_id)
    entry = for_update(entries_due_for_erasure(now=now).filter(pk=entry_id)).first()
    years = settings.SAMMEN_RETENTION_YEARS.get(entry.category) if entry else None
    if entry is None or years is None:
        return False
    text = erased_text(years)
    attachments = Attachment.objects.filter(entry=entry)
    files = [name for name in attachments.values_list("file", flat=True) if name]
    count = attachments.update(file="", original_name=text, content_type="")
    entry.title = entry.body = text
    entry.erased_at = now or timezone.now()
    entry.save(update_fields=["title", "body", "erased_at"])
    for config in apps.get_app_configs():
        erased = getattr(config, "entry_erased", None)
        if erased is not None:
            erased(entry=entry, text=text)
    audit_append(
        actor=None,
        action="entry.erased",
        case_id=case_id,
        object_type="entry",
        object_id=str(entry.pk),
        data={"category": entry.category, "years": years, "attachments": count},
    )
    transaction.on_commit(partial(_files_delete, files))
    return True


def retention_run(*, now: datetime | None = None) -> int:
    """The daily job: erases every entry whose time has come, each in its own transaction, so a
    failure leaves the others done and a re-run (or a second worker) does nothing twice.
    Returns how many it erased."""
    now = now or timezone.now()
    due = entries_due_for_erasure(now=now).order_by("pk").values_list("pk", flat=True)
    return sum(entry_erase(entry_id=entry_id, now=now) for entry_id in list(due))


@transaction.atomic
def case_legal_hold_set(*, case_id: int, actor: User, reason: str | None) -> Case:
    """A case admin puts a case on legal hold with a reason (a lawsuit, a complaint under review,
    an archive transfer under way), or lifts it (`reason` None): while held, nothing of it is
    erased. Allowed on a closed case, which is what it is for. Audited without the reason."""
    case = case_lock(case_id)
    if not is_case_admin(user=actor):
        raise PermissionDenied(_("Only a case administrator sets a legal hold."))
    if reason is None:
        case.legal_hold_since, case.legal_hold_reason = None, ""
    else:
        reason = reason.strip()
        if not reason or len(reason) > 1_000:
            raise ValidationError(
                {"reason": _("Write why the case is held (at most 1000 characters).")}
            )
        case.legal_hold_since = case.legal_hold_since or timezone.now()
        case.legal_hold_reason = reason
    case.save(update_fields=["legal_hold_since", "legal_hold_reason"])
    audit_append(
        actor=actor,
        action="case.legal_hold_set" if reason is not None else "case.legal_hold_lifted",
        case_id=case.pk,
        object_type="case",
        object_id=str(case.pk),
    )
    return case
