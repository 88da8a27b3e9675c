"""The sharing agreement of a case and every disclosure made under it.

Rows here are history the young person relies on ("the school could see this from 3 March to
9 April"): disclosures and consent requests are never deleted, rules are ended, not deleted.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Entry, Participant
from services_registry.models import Service

CONSENT_REQUEST_LIFETIME = timedelta(days=30)
# Why something is shared ("så skolen kan tilrettelegge prøver"), in a sentence or two.
PURPOSE_MAX_CHARS = 500


class SharingRule(models.Model):
    """A standing rule set by the consent authority: entries of `category` may go to a person,
    to anyone acting for a service, or to everyone with a role on the case."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="sharing_rules", verbose_name=_("case")
    )
    category = models.CharField(_("category"), max_length=16, choices=Entry.Category.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    recipient_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    recipient_role = models.CharField(
        _("everyone with the role"),
        max_length=16,
        blank=True,
        choices=[
            (Participant.Role.HELPER.value, Participant.Role.HELPER.label),
            (Participant.Role.GUARDIAN.value, Participant.Role.GUARDIAN.label),
        ],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The last day the rule is in force (consent.periods); null: until it is removed. Past it
    # the rule covers nothing (consent.selectors.sharing_rules_active) and the sweep ends it
    # and what it shared (consent.services.disclosures_expire).
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("sharing rule")
        verbose_name_plural = _("sharing rules")
        ordering = ["created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        recipient_user__isnull=False,
                        recipient_service__isnull=True,
                        recipient_role="",
                    )
                    | Q(
                        recipient_user__isnull=True,
                        recipient_service__isnull=False,
                        recipient_role="",
                    )
                    | (
                        Q(recipient_user__isnull=True, recipient_service__isnull=True)
                        & ~Q(recipient_role="")
                    )
                ),
                name="sharing_rule_exactly_one_recipient",
            )
        ]
        indexes = [
            models.Index(
                fields=["case", "category"], condition=Q(ended_at__isnull=True), name="rule_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} -> {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.recipient_user_id is not None:
            return str(self.recipient_user)
        if self.recipient_service_id is not None:
            return str(self.recipient_service)
        return str(self.get_recipient_role_display())


class ConsentRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        # The person who asked left the team: only a member may hold a request open.
        CANCELLED = "cancelled", _("cancelled: the person who asked has left the team")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="consent_requests", verbose_name=_("entry")
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("recipients")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consent_requests_made",
        verbose_name=_("asked by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    deciders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="consent_requests_to_decide",
        verbose_name=_("who decides"),
    )
    # True when guardians decide and the youth's own view is asked (policy, ages 12-15).
    youth_opinion_asked = models.BooleanField(default=False)
    youth_opinion = models.TextField(_("the young person's opinion"), blank=True)
    youth_opinion_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # An approval may end by itself: the last day the disclosures it made are in force.
    until = models.DateField(_("until"), null=True, blank=True)
    # Why the asker wants to share it; the decider reads it, the disclosures carry it on.
    purpose = models.TextField(_("purpose"), blank=True, max_length=PURPOSE_MAX_CHARS)
    # Told to the asker only if the decider chose to write one.
    decline_reason = models.TextField(_("reason given"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["entry", "status"], name="consentrequest_entry_status")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.status}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.expires_at is None:
            self.expires_at = (self.created or timezone.now()) + CONSENT_REQUEST_LIFETIME
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def entry_hidden(self) -> bool:
        """The viewer is the youth and the entry is withheld from them (annotated by
        consent.selectors.consent_requests_visible; other fetches are for its author)."""
        return bool(getattr(self, "entry_withheld_from_viewer", False))

    @property
    def viewer_decides(self) -> bool:
        """The viewer answers this request today (annotated by
        consent.selectors.consent_requests_visible; False, refusing, on any other fetch)."""
        return bool(getattr(self, "viewer_decides_now", False))

    @property
    def entry_title_shown(self) -> str:
        return str(_("Something you cannot see")) if self.entry_hidden else self.entry.title

    @property
    def effective_status(self) -> str:
        """A pending request past its expiry is expired, whether or not a writer stamped it."""
        if self.status == self.Status.PENDING and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.status


class Disclosure(models.Model):
    """`recipient` may see `entry` from `granted_at` until `withdrawn_at` (open-ended if null)."""

    class Basis(models.TextChoices):
        AGREEMENT = "agreement", _("standing rule")
        CONSENT = "consent", _("consent")
        OWN_CHOICE = "own_choice", _("the young person's own choice")
        LEGAL_DUTY = "legal_duty", _("legal duty")

    class EndReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("withdrawn")
        RULE_ENDED = "rule_ended", _("the standing rule was ended")
        LEFT_CASE = "left_case", _("left the case")
        CASE_CLOSED = "case_closed", _("the case was closed")
        YOUTH_ADULT = "youth_adult", _("the young person turned 18")
        EXPIRED = "expired", _("the time it was given for ran out")
        BLOCKED = "blocked", _("the person was blocked on the case")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("entry")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="disclosures_received",
        verbose_name=_("recipient"),
    )
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    rule = models.ForeignKey(
        SharingRule, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    request = models.ForeignKey(
        ConsentRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    justification = models.TextField(_("justification"), blank=True)
    # Why it was shared, as the sharer wrote it (who-knows-what shows it beside the basis).
    purpose = models.TextField(_("purpose"), blank=True, max_length=PURPOSE_MAX_CHARS)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("shared"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # When access ends by itself (the rule's or the approval's end date, consent.periods.ends_at);
    # the view permission carries the same moment, so access ends then even before the sweep
    # stamps `withdrawn_at`.
    until = models.DateTimeField(_("until"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=16, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "recipient"],
                condition=Q(withdrawn_at__isnull=True),
                name="disclosure_active_once",
            ),
            models.CheckConstraint(
                condition=~Q(basis="legal_duty") | ~Q(justification=""),
                name="disclosure_legal_duty_justified",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "entry"], name="disclosure_recipient_entry"),
            models.Index(
                fields=["rule"],
                condition=Q(withdrawn_at__isnull=True),
                name="disclosure_rule_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} -> {self.recipient_id} ({self.basis})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


BLOCK_REASON_MAX_CHARS = 500


class Block(models.Model):
    """While active (`ended_at` null), `user` receives nothing from `case` through any path but
    legal duty (consent.services.share: blocked_check). The reason is for the young person and
    the consent authority; the blocked person never reads it. Removing a block ends it (the row
    stays as history) and gives nothing back."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="blocks", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("blocked person"),
    )
    reason = models.TextField(_("why"), blank=True, max_length=BLOCK_REASON_MAX_CHARS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("blocked"), default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(ended_at__isnull=True),
                name="block_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id} blocked"


class Watch(models.Model):
    """The young person asked to be told whenever someone else opens one entry, or any entry of
    one category, on their case (issue #16 item 4). Exactly one of `entry` and `category`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    watcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(
        _("category"), max_length=32, choices=Entry.Category.choices, blank=True
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.CheckConstraint(
                condition=(Q(entry__isnull=False) & Q(category=""))
                | (Q(entry__isnull=True) & ~Q(category="")),
                name="watch_entry_or_category",
            ),
            models.UniqueConstraint(
                fields=["watcher", "entry"],
                condition=Q(entry__isnull=False),
                name="watch_entry_once",
            ),
            models.UniqueConstraint(
                fields=["case", "watcher", "category"],
                condition=~Q(category=""),
                name="watch_category_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.watcher_id} watches {self.entry_id or self.category}"


class OpenAlert(models.Model):
    """When `watcher` was last told that `opened_by` opened `entry`: at most one alert per
    person per entry per ENTRY_OPENED_ALERT_EVERY, claimed by a conditional update of this row
    (consent.services.watch)."""

    watcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["watcher", "entry", "opened_by"], name="open_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.watcher_id}: {self.opened_by_id} -> {self.entry_id}"
