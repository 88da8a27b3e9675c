"""What the young person's voice adds: when each person last read a case's messages, and
feedback on the help.

Messages themselves are Entries of kind `message` (cases), shared through the share path
(consent), so who-knows-what stays true without a second store of content.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, Entry
from consent.models import Room
from services_registry.models import Service


class MessageRead(models.Model):
    """`user` has read the messages on `case` up to `read_at`: later ones count as unread."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read up to"), default=timezone.now)

    class Meta:
        verbose_name = _("messages read")
        verbose_name_plural = _("messages read")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="messageread_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.case_id} up to {self.read_at}"


class RoomRead(models.Model):
    """`user` has read `room` up to `read_at`: later messages they may open count as unread."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read up to"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="roomread_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read room {self.room_id} up to {self.read_at}"


class Feedback(models.Model):
    """What a young person thinks of the help from one service.

    Anonymous feedback really is: no user, and no time finer than the week (`week` is that
    week's Monday); helpers see answers only when a service has at least
    FEEDBACK_MIN_ANSWERS of them (voice.selectors.feedback_summary).
    """

    # Random, so the order of keys says nothing about when an anonymous answer came.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    rating = models.PositiveSmallIntegerField(
        _("how good is the help"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("what you want to say"), blank=True, max_length=2_000)
    week = models.DateField(_("week"))
    # Both null when anonymous.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["service", "week"], name="feedback_service_week")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(author__isnull=True, created__isnull=True)
                | models.Q(author__isnull=False, created__isnull=False),
                name="feedback_anonymous_has_no_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.week}: {self.rating}"


class Remark(models.Model):
    """The young person's comment on an entry, or a proposed correction of its text. The author
    accepts a correction (the entry keeps its old text as an EntryVersion) or answers why not.

    Only the young person and the entry's author read it, unless the young person shows it to
    everyone who may open the entry (`shown_to_recipients`; then also the text it replaced)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("comment")
        CORRECTION = "correction", _("proposed correction")

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ACCEPTED = "accepted", _("corrected")
        DECLINED = "declined", _("not corrected")
        ANSWERED = "answered", _("answered")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="remarks", verbose_name=_("entry")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("comment"), max_length=5_000)
    proposed_body = models.TextField(_("proposed text"), blank=True, max_length=50_000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="open")
    answer = models.TextField(_("answer"), blank=True, max_length=5_000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    shown_to_recipients = models.BooleanField(
        _("shown to everyone who can read the entry"), default=False
    )

    class Meta:
        verbose_name = _("comment or correction")
        verbose_name_plural = _("comments and corrections")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.kind} ({self.status})"


class EntryVersion(models.Model):
    """An earlier text of an entry, kept when a correction (`remark`) or a change to the young
    person's plan (no remark) replaced it."""

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="versions", verbose_name=_("entry")
    )
    body = models.TextField(_("text"))
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)
    remark = models.OneToOneField(
        Remark, on_delete=models.PROTECT, null=True, blank=True, related_name="replaced"
    )

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["replaced_at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} until {self.replaced_at}"


class Visit(models.Model):
    """When someone logged in before this time: the home page shows what is new since then."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    previous = models.DateTimeField(_("previous visit"), null=True, blank=True)
    current = models.DateTimeField(_("this visit"), default=timezone.now)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.previous} -> {self.current}"


class Goal(models.Model):
    """A goal in the young person's own words, on their plan (an Entry of kind `plan`)."""

    plan = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="goals", verbose_name=_("plan")
    )
    text = models.CharField(_("goal"), max_length=300)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.text


class Step(models.Model):
    """A small step towards a goal: who does it, by when, and whether it is done."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    text = models.CharField(_("step"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who does it"),
    )
    due = models.DateField(_("by when"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    # The young person, or a helper adding what they themself will do (issue #19 item 2);
    # empty on steps from before it was recorded, which the young person added.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.text


class StepComment(models.Model):
    """The young person's comment on a step of their plan (often on what a helper will do)."""

    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("comment"), max_length=500)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on a step")
        verbose_name_plural = _("comments on steps")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.text


class GoalEvaluation(models.Model):
    """ "Did it help?": the young person's score (1-5) and own words on a goal, at a meeting or
    on their own. A goal's evaluations over time are its progress."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="evaluations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("did it help? (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    words = models.CharField(_("in your own words"), max_length=500, blank=True)
    at_meeting = models.BooleanField(_("at a meeting"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation of a goal")
        verbose_name_plural = _("evaluations of goals")
        ordering = ["created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="goal_evaluation_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.score}"


class StepReminder(models.Model):
    """One row per reminder sent about a step: the unique constraint makes the beat task
    idempotent across restarts and concurrent workers (as meetings.ActionItemReminder)."""

    class Rule(models.TextChoices):
        BEFORE = "before", _("due soon")
        OVERDUE = "overdue", _("overdue")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="reminders")
    rule = models.CharField(max_length=16, choices=Rule.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "rule"], name="step_reminder_once_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.step_id} {self.rule}"


class UngdomshjelperChange(models.Model):
    """The young person (or the guardian deciding) asked for another ungdomshjelper. While it is
    open the offer is open again; it closes when someone new is chosen or the asker cancels.
    Rows are never deleted. The ungdomshjelper is not told of an open request: only, once
    someone new is chosen, that they are no longer the ungdomshjelper."""

    class Outcome(models.TextChoices):
        CHOSEN = "chosen", _("someone new was chosen")
        CANCELLED = "cancelled", pgettext_lazy("request", "cancelled")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The ungdomshjelper when it was asked.
    replacing = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("asked"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    chosen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("request for another ungdomshjelper")
        verbose_name_plural = _("requests for another ungdomshjelper")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(closed_at__isnull=True),
                name="ungdomshjelperchange_one_open",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="", chosen__isnull=True)
                | (Q(closed_at__isnull=False, outcome="chosen", chosen__isnull=False))
                | (Q(closed_at__isnull=False, outcome="cancelled", chosen__isnull=True)),
                name="ungdomshjelperchange_closed_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome or 'open'}"


class CheckInRhythm(models.Model):
    """How often the ungdomshjelper gets in touch without being asked (issue #19 item 4): every
    `every_days` days (a whole number of weeks) on `weekday` at `time`, from `starts_on`."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    every_days = models.PositiveSmallIntegerField(_("every how many days"))
    weekday = models.PositiveSmallIntegerField(_("weekday (0 is Monday)"))
    time = models.TimeField(_("time"))
    starts_on = models.DateField(_("first time"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in rhythm")
        verbose_name_plural = _("check-in rhythms")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6) & Q(every_days__in=[7, 14, 21, 28]),
                name="check_in_rhythm_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.every_days}"


class CheckIn(models.Model):
    """One time the ungdomshjelper is to get in touch: the first contact after being chosen, or
    one of the rhythm's. The unique constraint makes the beat task idempotent; a check-in not
    marked done by the end of its day is missed."""

    class Kind(models.TextChoices):
        FIRST_CONTACT = "first_contact", _("first contact")
        RHYTHM = "rhythm", _("check-in")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    ungdomshjelper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_on = models.DateField(_("by"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "ungdomshjelper", "kind", "due_on"], name="check_in_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on}"
