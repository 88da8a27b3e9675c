"""Cases, the team around a young person, and the information on the case.

Access to an Entry is only ever granted as a django-guardian `view_entry` row in the direct
foreign-key table below: to the author and the youth when the entry is written (cases.services),
and to recipients of an active consent.Disclosure (consent.services.share, the only other place).
"""

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from coordination.ages import adult_born_by
from services_registry.models import Service

# A case admin reviews and ends withholdings on any case, and nothing more (is_case_admin in
# cases.selectors): it puts nobody on a case and reads no entry. The codename and its label are
# older than that rule; renaming them needs a migration, left out on purpose.
CASE_ADMIN_CODENAME = "manage_case_team"
# Opening a case for a young person (cases.services.case_open); held by the helpers' group.
OPEN_CASE_CODENAME = "open_case"

# The summary written when a case is closed (consent.services.case_close).
CLOSING_SUMMARY_MAX_CHARS = 2000

LEFT_SUMMARY_MAX_CHARS = 500
# A helper's own line on the team page and the youth's home (cases.services.participant_help_set).
HELP_WHAT_MAX_CHARS = 200
HELP_CONTACT_MAX_CHARS = 150


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="open")
    youth = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_as_youth",
        verbose_name=_("young person"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    # The last closing (consent.services.case_close); kept when the case is reopened, so the
    # page can still say when and why it was closed. The summary is for the team and the youth.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_summary = models.TextField(_("summary when closed"), blank=True)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    # Stamped when the follow-up reminder is written: the beat task sends it once.
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    # A legal hold (a lawsuit, a complaint under review, an archive transfer under way) stops the
    # retention job from erasing this case's content (cases.services.case_legal_hold_set).
    legal_hold_since = models.DateTimeField(_("legal hold since"), null=True, blank=True)
    legal_hold_reason = models.TextField(
        _("reason for the legal hold"), blank=True, max_length=1_000
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created", "-id"]
        permissions = [
            (CASE_ADMIN_CODENAME, _("Can add and remove participants on any case")),
            (OPEN_CASE_CODENAME, _("Can open a case for a young person")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        """THE rule for "nothing more is written on this case" (cases.services.case_require_open
        and the pages that hide their forms)."""
        return self.status != self.Status.OPEN


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def active(self, *, today: date | None = None) -> "ParticipantQuerySet":
        """THE rule for "takes part in the case now": every check of who may act on a case
        (selectors, services, SQL filters) goes through this, so someone who left can do
        nothing there any more.

        A guardian of a young person who is of age (18, coordination.ages) takes part no more
        from the birthday on, in SQL, before the daily job has stamped `left` (consent.services.
        youth_adult_transitions): the rule holds on the day whether or not the job has run.
        `today`: the local date (by default now's); a compiled statement passes its own
        (coordination.statements)."""
        today = timezone.localdate() if today is None else today
        adult = Q(role=Participant.Role.GUARDIAN) & Q(
            case__youth__birth_date__lte=adult_born_by(today=today)
        )
        return self.filter(Q(left__isnull=True) & ~adult)


class Participant(models.Model):
    """One person's membership of a case team; `left` set means they no longer take part."""

    class Role(models.TextChoices):
        YOUTH = "youth", _("young person")
        GUARDIAN = "guardian", _("guardian")
        HELPER = "helper", _("helper")
        UNGDOMSHJELPER = "ungdomshjelper", _("youth coordinator")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="participants", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("service"),
        help_text=_("For helpers: the service they act for."),
    )
    joined = models.DateTimeField(_("joined"), default=timezone.now)
    left = models.DateTimeField(_("left"), null=True, blank=True)
    # Who sent the invitation this person joined through (null: opened the case, demo data).
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    # What the person who ended the participation wrote ("BUP har avsluttet behandlingen"):
    # shown to the team and the youth on the case page, never sent by e-mail or SMS.
    left_summary = models.TextField(
        _("why they left"), max_length=LEFT_SUMMARY_MAX_CHARS, blank=True
    )

    # What this helper helps with and how to reach them directly (issue #19 item 3), written by
    # the helper themself; plain one-line text, shown to the team and the youth.
    help_what = models.CharField(_("what I help with"), max_length=HELP_WHAT_MAX_CHARS, blank=True)
    help_direct_contact = models.CharField(
        _("how to reach me directly"), max_length=HELP_CONTACT_MAX_CHARS, blank=True
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["joined", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(left__isnull=True),
                name="participant_active_once_per_case",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "case"], condition=Q(left__isnull=True), name="participant_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.left is None


class Entry(models.Model):
    """One piece of information on a case. `body` is Markdown (see cases.markdown)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        DOCUMENT = "document", _("document")
        PLAN = "plan", _("plan")
        MINUTES = "minutes", _("minutes")
        MESSAGE = "message", _("message")

    class Category(models.TextChoices):
        HEALTH = "health", _("health")
        MENTAL_HEALTH = "mental_health", _("mental health")
        SCHOOL = "school", _("school")
        CHILD_WELFARE = "child_welfare", _("child welfare")
        POLICE = "police", _("police")
        NAV = "nav", _("NAV and work")
        FAMILY = "family", _("family")
        GENERAL = "general", _("general")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="entries", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_entries",
        verbose_name=_("written by"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    # Set when the retention job replaced the title and text (and deleted the files): the row,
    # its disclosures and its access log stay, so who-knows-what still tells who could see it.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["case", "-created", "-id"], name="entry_case_created")]

    def __str__(self) -> str:
        return self.title


class EntryUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: indexed joins, and rows go with the entry (no orphaned ids)."""

    # The entry not indexed alone: entry_uop_object_perm (entry, permission) serves every read by
    # entry, and one index less is one write less for every grant. (The person's own index
    # stays: without it the entry list's plan takes the wider unique index, 2.4x slower.)
    content_object = models.ForeignKey(Entry, on_delete=models.CASCADE, db_index=False)
    # A disclosure that ends by itself (consent's end dates): from this moment the row grants
    # nothing (cases.selectors.entries_visible), before the sweep deletes it.
    expires_at = models.DateTimeField(null=True, blank=True)
    # A disclosure to a service's intake, who are not on the team (a referral's payload): the
    # row lets its person open the entry only while they receive that service's referrals
    # (cases.selectors.entries_visible). Null: the person must be on the team.
    via_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["content_object", "permission"], name="entry_uop_object_perm"),
        ]


class EntryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Entry, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name: the original one is kept in a field and never becomes a path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{instance.entry.case_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file on an entry, under MEDIA_ROOT (never static), served only by a checked download."""

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("entry")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.original_name


class AccessEvent(models.Model):
    """Someone opened an entry: the youth sees "opened by ... on ..."."""

    class Via(models.TextChoices):
        PAGE = "page", _("web page")
        API = "api", _("API")
        ATTACHMENT = "attachment", _("attachment download")
        REMARKS = "remarks", _("comments and corrections")
        VERSIONS = "versions", _("earlier texts")
        EXPORT = "export", _("download of everything about me")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="access_events", verbose_name=_("entry")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    via = models.CharField(_("via"), max_length=16, choices=Via.choices)
    attachment = models.ForeignKey(
        Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["entry", "user", "-at"], name="accessevent_entry_user"),
            # The access log pages a case's opens by time: an index-only scan per entry instead
            # of a pass over every open of the installation (benchmarks/README.md).
            models.Index(fields=["entry", "at", "id"], name="accessevent_entry_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.entry_id} ({self.via})"


class Withholding(models.Model):
    """An entry kept from the young person under a written legal reason. While active the youth
    has no view_entry on it and is shown a placeholder with the reason and who decided; a case
    admin can review and end it (then the youth sees the entry again)."""

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="withholdings", verbose_name=_("entry")
    )
    reason = models.TextField(_("legal reason"), max_length=2_000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("withheld from the young person")
        verbose_name_plural = _("withheld from the young person")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(ended_at__isnull=True), name="withholding_active_once"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="withholding_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} withheld"


class ServiceActedFor(models.Model):
    """The catalogue service a helper last opened a case for, offered first next time. Kept in
    cases: coordination (the user) sits below the catalogue and may not point at it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    updated = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("service a helper acts for")
        verbose_name_plural = _("services helpers act for")

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.service_id}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked, and not yet expired (expiry needs no job: it is the
        time itself)."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires__gt=timezone.now()
        )


class Invitation(models.Model):
    """A one-time link that brings `invitee` onto `case` in `role`.

    Only a SHA-256 of the token is stored. The token itself is an HMAC (Django's salted_hmac,
    keyed by SECRET_KEY) of the row's id and a random nonce, so the outbox can put it into the
    e-mail or SMS when it sends, without the link ever being written down; a copy of the
    database alone opens nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("withdrawn")
        EXPIRED = "expired", _("expired")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("case")
    )
    role = models.CharField(_("role"), max_length=16, choices=Participant.Role.choices)
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("invited person"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The outbox row that carries the link (its e-mail/SMS derive the token when sent).
    notification = models.OneToOneField(
        "coordination.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.invitee_id} -> {self.case_id} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)
