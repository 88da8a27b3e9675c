from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .notifications import KIND_MAX_LENGTH, kind_for

PRESENTATION_MAX_CHARS = 500


def default_language() -> str:
    """A new account's language: the municipality's default (SAMMEN_DEFAULT_LANGUAGE)."""
    return str(settings.LANGUAGE_CODE)


class User(AbstractUser):
    """Everyone who logs in: young people, guardians, helpers, coordinators and staff.

    The role someone has is per case (cases.Participant); staff roles are Django groups.
    """

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    birth_date = models.DateField(
        _("birth date"),
        null=True,
        blank=True,
        help_text=_("For young people: decides who may consent to sharing (see the policy)."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=default_language,
    )
    notify_by_email = models.BooleanField(_("notify me by e-mail"), default=True)
    notify_by_sms = models.BooleanField(_("notify me by SMS"), default=False)
    # Written by the person themself, shown (as plain text) to a young person choosing an
    # ungdomshjelper among the candidates.
    presentation = models.TextField(
        _("presentation"),
        max_length=PRESENTATION_MAX_CHARS,
        blank=True,
        help_text=_("A few words about you that a young person sees when choosing."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        """What the UI calls this person."""
        return str(self)

    # Set by set_unusable_password; set_password leaves its mark in AbstractBaseUser._password.
    _password_removed = False

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_removed = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every way a password changes (the password page, the admin, `changepassword`, a
        service) ends in set_password or set_unusable_password and then here, and so does a
        deactivation: this is the one place that ends the person's API tokens then.
        AbstractBaseUser sets `_password` only for a new password (a hash upgraded at login
        clears it first), so an upgrade keeps the tokens."""
        reason = None
        if not self._state.adding:
            if getattr(self, "_password", None) is not None or self._password_removed:
                reason = "password_changed"
            elif not self.is_active:
                reason = "deactivated"
        if reason is None:
            super().save(*args, **kwargs)
            return
        # coordination.services imports this module.
        from .services import api_tokens_revoke_all

        with transaction.atomic():
            super().save(*args, **kwargs)
            self._password_removed = False
            api_tokens_revoke_all(user=self, reason=reason)


class Notification(models.Model):
    """The outbox: one row per thing a person should hear about, written in the same transaction
    as the event. In-app delivery is the row itself; e-mail and SMS are sent by Celery
    (coordination.tasks.deliver) and recorded per channel in `channels_done`.

    `case_id` and `entry_id` are plain numbers because coordination sits below cases in the
    import order (docs/architecture.md §1); entries are never deleted, so they stay valid.
    """

    # Not indexed alone: notification_inbox (recipient, -created) serves every read by
    # recipient, and one index less is one write less for every notification.
    recipient = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    # A key of the registry in coordination.notifications, which each app fills with its own
    # kinds; checked by notification_create, so a new kind needs no migration.
    kind = models.CharField(_("kind"), max_length=KIND_MAX_LENGTH)
    case_id = models.PositiveBigIntegerField(_("case"), null=True, blank=True)
    entry_id = models.PositiveBigIntegerField(_("entry"), null=True, blank=True)
    target_url = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    # A worker claims the row until this time before it sends; an expired claim (a killed worker)
    # lets the sweep hand the row to another worker.
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    channels_done = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created"], name="notification_inbox"),
            models.Index(
                fields=["created"],
                condition=models.Q(delivered_at__isnull=True),
                name="notification_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} → {self.recipient}"

    @property
    def kind_label(self) -> str:
        return str(kind_for(self.kind).label)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class AuditEvent(models.Model):
    """Append-only, hash-chained log of every sharing decision and access change.

    Rows form chains (`chain`): one per case ("case:<id>") and one for what happens outside
    cases ("installation"), so writes on different cases never wait for each other. Each row's
    `hash` covers its own content and the previous row of its chain's hash, so changing,
    removing or reordering a row breaks its chain from there (`manage.py verify_audit_chain`
    names the first broken row of each chain). The rows written before chains existed keep
    `chain` "" and form the legacy global chain; every new chain starts from its last hash. A
    database trigger refuses UPDATE and DELETE. `data` carries ids, bases and categories, never
    case content.
    """

    created = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64)
    case_id = models.PositiveBigIntegerField(_("case"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    chain = models.CharField(max_length=32, default="", blank=True, editable=False)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        # The head of a chain, read under its lock by every append: one index read.
        indexes = [models.Index(fields=["chain", "id"], name="auditevent_chain")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class Guardianship(models.Model):
    """That `guardian` has parental responsibility for `youth` (a parent or other legal
    guardian), as registered by municipal staff with the reason they checked it on.

    A fact about the young person, not a role on a case: only a registered guardian can be put
    on the youth's case as `guardian` (cases.services.participant_add), and so decide about
    sharing while the youth is too young to. Set by coordination.services.guardianship_set and
    ended by consent.services.guardianship_end (ending takes the guardian off the youth's
    cases); both are audited and told to the youth. Rows are ended, never deleted.
    """

    youth = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="guardianships", verbose_name=_("young person")
    )
    guardian = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="guardian_of", verbose_name=_("guardian")
    )
    reason = models.TextField(
        _("reason"),
        max_length=1_000,
        help_text=_("What the registration rests on, e.g. the national population register."),
    )
    set_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created = models.DateTimeField(_("registered"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.TextField(_("why it ended"), max_length=1_000, blank=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "guardian"],
                condition=models.Q(ended_at__isnull=True),
                name="guardianship_one_active",
            ),
            models.CheckConstraint(
                condition=~models.Q(youth=models.F("guardian")), name="guardianship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.youth}"


class Identity(models.Model):
    """That `user` signs in at the OpenID provider `provider` (a key of SAMMEN_OIDC_PROVIDERS).

    The provider's identifying claim (an ID-porten pid, an Entra oid) is kept only as
    HMAC-SHA256 keyed with SAMMEN_IDENTITY_HMAC_KEY (`coordination.services.identity_hash`):
    enough to recognise the person, never enough to read who they are.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="identities", verbose_name=_("user")
    )
    provider = models.CharField(_("provider"), max_length=32)
    subject_hash = models.CharField(_("identity (keyed hash)"), max_length=64)
    created = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-in identity")
        verbose_name_plural = _("sign-in identities")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject_hash"], name="identity_one_user_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} #{self.pk}"


class Export(models.Model):
    """One "everything about me" download (GDPR Art. 15), asked for by `user` and built by a
    Celery job (coordination.exports).

    The row is its own outbox: written `pending` in the request's transaction, the build is
    enqueued after commit, and the beat sweep re-enqueues a pending row whose enqueue was lost or
    whose worker died (`claimed_until`). At most one pending export a person. The zip's link
    works once (`downloaded_at`) and until `expires_at`; its file is deleted after either
    (`file_deleted_at`), while the row stays as the record that an export was made.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("being made")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="exports", verbose_name=_("person")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created = models.DateTimeField(_("asked for"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Relative to the default storage; empty until ready, emptied again when the file goes.
    file_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="export_one_pending_per_user",
            )
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=models.Q(file_deleted_at__isnull=True),
                name="export_file_kept",
            )
        ]

    def __str__(self) -> str:
        return f"export #{self.pk}"
