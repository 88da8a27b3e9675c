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
from django.utils.translation import pgettext_lazy

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
    # The rule shares by itself: a new entry in its category goes to its recipients through
    # the share path when it is saved (consent.services.automatic), not only when shared.
    automatic = models.BooleanField(_("shares new entries automatically"), default=False)

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
        # The person who asked left the team (only a member may hold a request open), or the
        # case was closed (consent.services.closing).
        CANCELLED = "cancelled", pgettext_lazy("consent request", "cancelled")

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
    # A referral's payload (referrals/): the recipients are the intake of `service`, who are
    # not on the team, and the decider approves `purpose` with the entry.
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
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
        # A member's message in a room: the members the young person chose are their standing
        # consent for that conversation (Room).
        ROOM = "room", _("the young person chose who is in the room")

    class EndReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("withdrawn")
        RULE_ENDED = "rule_ended", _("the standing rule was ended")
        LEFT_CASE = "left_case", _("left the case")
        CASE_CLOSED = "case_closed", _("the case was closed")
        YOUTH_ADULT = "youth_adult", _("the young person turned 18")
        EXPIRED = "expired", _("the time it was given for ran out")
        ROOM_LEFT = "room_left", _("no longer in the room")
        REFERRAL_ENDED = "referral_ended", _("the referral was withdrawn or answered no")
        BLOCKED = "blocked", _("the person was blocked on the case")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("entry")
    )
    # Not indexed alone: disclosure_recipient_entry (recipient, entry) serves every read by
    # recipient, and one index less is one write less for every disclosure.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="disclosures_received",
        verbose_name=_("recipient"),
        db_index=False,
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
    # The room a message was shared in (basis `room`, or the young person's own message there):
    # leaving the room ends these.
    room = models.ForeignKey(
        "Room", on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
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
    # Received as the intake of this service (a referral's payload): the recipient is not on
    # the team, and who-knows-what names the service.
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    # Made by itself when the entry was saved, under a rule that shares automatically: the
    # author is shown "shared automatically with ..." (consent.services.automatic).
    automatic = models.BooleanField(_("shared automatically"), default=False)

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
            # What ran out and is not recorded yet (disclosures_run_out): every share asks it
            # for its case under the lock, and without this PostgreSQL read every disclosure.
            models.Index(
                fields=["until"],
                condition=Q(withdrawn_at__isnull=True, until__isnull=False),
                name="disclosure_active_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} -> {self.recipient_id} ({self.basis})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


ROOM_TITLE_MAX_CHARS = 100


class Room(models.Model):
    """A conversation the young person opened for people on the team they chose (issue #19
    item 1). The members are the young person's standing consent for that conversation: each
    message goes through the share path to exactly the members of the moment. Closed: read
    only. Rows are never deleted."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=ROOM_TITLE_MAX_CHARS)
    created = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"room {self.pk} on case {self.case_id}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class RoomMember(models.Model):
    """`user` (on the team, never the young person, who is in every room of their case) is in
    `room` from `added_at` until `left_at` (they left, or the young person took them out)."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user"],
                condition=Q(left_at__isnull=True),
                name="room_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.room_id}"


class RoomMessage(models.Model):
    """The entry (kind `message`) that is a message in `room`."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="messages")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="room_message")

    def __str__(self) -> str:
        return f"entry {self.entry_id} in room {self.room_id}"


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


class ReadingFirst(models.Model):
    """The young person wants to read new entries about them before they are shared under the
    standing rules (issue #16 item 6). While the row exists the share path holds a rule share
    of an entry they have not read yet (HeldShare); removing it lets the held shares go."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reading first")
        verbose_name_plural = _("reading first")

    def __str__(self) -> str:
        return f"{self.case_id}: reading first since {self.since}"


class HeldShare(models.Model):
    """A share under a standing rule that waits until the young person has read the entry
    (consent.services.reading_first): released through the share path when they open it, say
    "share it", turn reading first off, or at `release_at`, whichever comes first; cancelled
    when they (or whoever decides) withdraw it, its rule ends, a person leaves or the case
    closes first. Rows are kept: the history of what waited and why it ended."""

    class EndReason(models.TextChoices):
        OPENED = "opened", _("the young person read it")
        YOUTH_SAID = "youth_said", _("the young person said it may be shared")
        TIMEOUT = "timeout", _("the time to read it first ran out")
        TURNED_OFF = "turned_off", _("the young person stopped reading first")
        WITHDRAWN = "withdrawn", _("withdrawn before it was shared")
        RULE_ENDED = "rule_ended", _("the standing rule ended")
        LEFT_CASE = "left_case", _("left the case")
        CASE_CLOSED = "case_closed", _("the case was closed")

    RELEASING = (
        EndReason.OPENED,
        EndReason.YOUTH_SAID,
        EndReason.TIMEOUT,
        EndReason.TURNED_OFF,
    )

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(SharingRule, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    automatic = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    release_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    # The share it became, when it was released.
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("share waiting for the young person to read")
        verbose_name_plural = _("shares waiting for the young person to read")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "recipient"],
                condition=Q(ended_at__isnull=True),
                name="held_share_waiting_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["release_at"], condition=Q(ended_at__isnull=True), name="held_share_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} -> {self.recipient_id} (held)"

    @property
    def released(self) -> bool:
        return self.end_reason in self.RELEASING
