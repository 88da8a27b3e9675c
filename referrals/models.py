"""Referrals from a case to a catalogue service (issue #15, docs/architecture.md "Referrals").

A referral carries a purpose in plain words and a payload of entries; the payload reaches the
service's intake only through the share path (consent.services.payload_send), so who may see
what is never decided here. Rows are history the young person reads as a timeline: they are
never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Entry
from consent.models import ConsentRequest
from services_registry.models import Service

PURPOSE_MAX_CHARS = 2000
REASON_MAX_CHARS = 2000


class Referral(models.Model):
    class Status(models.TextChoices):
        AWAITING_CONSENT = "awaiting_consent", _("waiting for consent")
        SENT = "sent", _("sent, waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")
        CONSENT_DECLINED = "consent_declined", _("consent was not given")

    OPEN = (Status.AWAITING_CONSENT, Status.SENT)

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    purpose = models.TextField(_("purpose"))
    entries = models.ManyToManyField(Entry, related_name="+", blank=True, verbose_name=_("entries"))
    # One per payload entry that needed consent (consent.services.payload_send).
    consent_requests = models.ManyToManyField(ConsentRequest, related_name="+", blank=True)
    # The written legal duty when the payload went without consent; the young person sees it.
    legal_duty = models.TextField(_("legal duty"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When an answer is due (sent_at + the service's waiting time, referrals.waiting).
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    # Set once by the overdue sweep, which tells the referrer and the ungdomshjelper.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    suggested_services = models.ManyToManyField(
        Service, related_name="+", blank=True, verbose_name=_("suggested services")
    )
    # Who joined the team for the service when it accepted.
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    consent_declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created", "-id"]
        constraints = [
            # One open referral per case and service: a second would send the payload twice.
            models.UniqueConstraint(
                fields=["case", "service"],
                condition=Q(status__in=["awaiting_consent", "sent"]),
                name="referral_open_once",
            )
        ]
        indexes = [
            models.Index(fields=["service", "status"], name="referral_service_status"),
            models.Index(fields=["case", "created"], name="referral_case_created"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.service_id}: {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def overdue(self) -> bool:
        """Sent and not answered by its due time (shown before the sweep has run)."""
        return (
            self.status == self.Status.SENT
            and self.due_at is not None
            and self.due_at <= timezone.now()
        )
