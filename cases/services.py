"""Writes for cases. Sharing, withdrawing and removing someone from a team change who may see
entries, so they live in consent.services (the one share path)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.ages import is_adult
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.selectors import guardianship_active
from coordination.services import audit_append
from services_registry.models import Service

from .models import (
    LEFT_SUMMARY_MAX_CHARS,
    AccessEvent,
    Attachment,
    Case,
    Entry,
    Participant,
    Withholding,
)
from .permissions import (
    view_entry_grant,
    view_entry_grant_to_author_and_youth,
    view_entry_revoke,
)
from .selectors import access_attachment, access_entry, is_case_admin, participant_active

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
    case through coordination.locks.for_update, (3) the audit chain's advisory lock, taken by
    audit_append and held to COMMIT, so nothing that may wait is locked after it. The row is
    locked FOR NO KEY UPDATE and without the youth's row: the foreign-key checks of rows
    inserted on the case, which run at COMMIT under the audit lock, take FOR KEY SHARE on
    both, which must not wait for a writer that itself waits for the audit lock."""
    return for_update(Case.objects.select_related("youth")).get(pk=case_id)


def case_require_open(case: Case) -> None:
    """Every write that adds to or changes a case asks this, under `case_lock` and after the
    caller's access is checked (so someone outside the case gets 404, never this 409): a closed
    case refuses it with one message."""
    if case.status != Case.Status.OPEN:
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


def can_manage_team(*, case: Case, user: User) -> bool:
    """The one rule for who changes a case's team: the active ungdomshjelper of that case.

    Only participation counts: no staff status, group, global permission or superuser puts
    anyone on a case (`has_perm` is always true for a superuser, so it is not asked here)."""
    participant = participant_active(case=case, user=user)
    return participant is not None and participant.role == Participant.Role.UNGDOMSHJELPER


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


def left_summary_check(summary: str) -> str:
    """The optional words about why someone left: plain text, at most LEFT_SUMMARY_MAX_CHARS."""
    summary = summary.strip()
    if len(summary) > LEFT_SUMMARY_MAX_CHARS:
        raise ValidationError(
            {
                "summary": _("Write at most %(max)d characters (you wrote %(count)d).")
                % {"max": LEFT_SUMMARY_MAX_CHARS, "count": len(summary)}
            }
        )
    return summary


@transaction.atomic
def participant_add(
    *, case: Case, actor: User | None, user: User, role: str, service: Service | None = None
) -> Participant:
    """`actor` None is the system (demo data, imports)."""
    case = case_lock(case.pk)
    if actor is not None and not can_manage_team(case=case, user=actor):
        raise PermissionDenied(_("Only the youth coordinator can change the team."))
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
        raise ValidationError(
            {
                "user": _(
                    "Only someone registered as the young person's guardian can be added as "
                    "guardian. The municipality registers guardians."
                )
            }
        )
    participant = Participant(case=case, user=user, role=role, service=service)
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
        data={"user": user.pk, "role": role, "service": str(service.pk) if service else None},
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
    """Someone on the team writes an entry on the case page or through the API."""
    if kind not in entry_kinds_writable(case=case, author=author):
        raise ValidationError(
            {
                "kind": _(
                    "Minutes, messages and the young person's plan are made on their own pages, "
                    "not here."
                )
            }
        )
    return entry_create_from_workflow(
        case=case, author=author, kind=kind, category=category, title=title, body=body
    )


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


def entry_open(*, user: User, entry_id: int, via: str) -> Entry:
    """Fetches an entry for reading and records that `user` opened it."""
    entry = access_entry(user=user, entry_id=entry_id)
    AccessEvent.objects.create(entry=entry, user=user, via=via)
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
    if upload.size is None or upload.size > settings.SAMMEN_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)d MB.")
                % {"mb": settings.SAMMEN_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type = _attachment_type(upload)
    case_lock(entry.case_id)
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
    AccessEvent.objects.create(
        entry=attachment.entry, user=user, via=AccessEvent.Via.ATTACHMENT, attachment=attachment
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
