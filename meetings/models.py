"""Meetings the young person's way (docs/architecture.md §6).

Minutes never grant access by themselves: distributing approved minutes writes a cases.Entry of
kind `minutes` and hands it to consent.services.share, so who-knows-what shows who got them.
"""

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Entry


class Meeting(models.Model):
    class Kind(models.TextChoices):
        START = "start", _("start meeting")
        FOLLOW_UP = "follow_up", _("follow-up meeting")
        ANSVARSGRUPPE = "ansvarsgruppe", _("responsibility group meeting")

    class YouthPresence(models.TextChoices):
        ATTENDS = "attends", _("I come myself")
        REPRESENTED = "represented", _("Someone speaks for me")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meetings_organised",
        verbose_name=_("organiser"),
    )
    youth_presence = models.CharField(
        _("the young person"),
        max_length=16,
        choices=YouthPresence.choices,
        default=YouthPresence.ATTENDS,
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("speaks for the young person"),
    )
    attendance_decided_at = models.DateTimeField(_("who comes decided"), null=True, blank=True)
    agenda_published_at = models.DateTimeField(_("agenda published"), null=True, blank=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    # Bumped on every change so calendar programs replace the event (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""), name="meeting_place_or_video"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="meeting_duration_range",
            ),
        ]
        indexes = [models.Index(fields=["case", "starts_at"], name="meeting_case_starts")]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Attendance(models.Model):
    """One person proposed for a meeting. The organiser proposes; the young person (or, for a
    younger child, the consent authority) decides; invitations follow `decision` only."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
        verbose_name=_("person"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The young person's own view, kept next to the decision when guardians decide.
    youth_wish = models.BooleanField(_("the young person wants them there"), null=True)
    decision = models.BooleanField(_("comes"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.meeting_id}"


class GuardiansQuestion(models.Model):
    """Whether the guardians come to a meeting. The young person is asked first (their wish and,
    if they like, why); whoever decides who comes (meetings.selectors.attendance_deciders) then
    decides, seeing the wish. A guardian deciding against the wish gives a reason the young
    person reads. One row per meeting, made when the young person first answers."""

    class Wish(models.TextChoices):
        YES = "yes", _("Yes, I want them there")
        NO = "no", _("No, I do not want them there")
        EITHER = "either", _("I do not mind")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="guardians_question"
    )
    wish = models.CharField(_("the young person's wish"), max_length=8, choices=Wish.choices)
    why = models.TextField(_("why"), max_length=500, blank=True)
    wish_at = models.DateTimeField(_("wish given"), default=timezone.now)
    come = models.BooleanField(_("the guardians come"), null=True)
    reason = models.TextField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardians at the meeting")
        verbose_name_plural = _("guardians at meetings")

    def __str__(self) -> str:
        return f"guardians at {self.meeting_id}"

    @property
    def against_wish(self) -> bool:
        """The decision goes against a yes or a no (never against "I do not mind")."""
        if self.come is None:
            return False
        return (self.wish == self.Wish.YES and not self.come) or (
            self.wish == self.Wish.NO and self.come
        )


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("topic"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    # Only the young person's own topics start private; they choose when others see them.
    private = models.BooleanField(_("only I can see it"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.title


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("waiting for the young person")
        CORRECTIONS = "corrections", _("corrections asked for")
        APPROVED = "approved", _("approved by the young person")
        DISTRIBUTED = "distributed", _("sent out")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("meeting")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="draft")
    approved_version = models.ForeignKey(
        "MinutesVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_minutes"
    )
    distributed_at = models.DateTimeField(_("sent out"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"minutes of {self.meeting_id}"


class MinutesVersion(models.Model):
    """Versions are never changed: a correction is a new version, so every change stays visible."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    summary = models.TextField(_("summary"))
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.minutes_id} v{self.number}"


class MinutesComment(models.Model):
    """The young person's comment on a version, or their request for a correction."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(MinutesVersion, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    is_correction = models.BooleanField(_("asks for a correction"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("not done yet")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("dropped")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("meeting")
    )
    description = models.CharField(_("what will be done"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("who does it"),
    )
    due = models.DateField(_("by when"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["due"], condition=Q(status="open"), name="action_item_open_due")
        ]

    def __str__(self) -> str:
        return self.description


class ActionItemReminder(models.Model):
    """One row per reminder sent: the unique constraint makes the beat task idempotent across
    restarts and concurrent workers."""

    class Rule(models.TextChoices):
        BEFORE = "before", _("due soon")
        OVERDUE = "overdue", _("overdue")

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    rule = models.CharField(max_length=16, choices=Rule.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "rule"], name="reminder_once_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.rule}"


class Evaluation(models.Model):
    """One answer to the after-meeting form. An anonymous answer has no person and only the week
    it was given; a random key keeps row order from pointing at the receipt."""

    class Answer(models.IntegerChoices):
        NO = 0, _("No")
        PARTLY = 1, _("Partly")
        YES = 2, _("Yes")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="evaluations")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    week = models.DateField(_("week"))
    heard = models.PositiveSmallIntegerField(_("Was I heard?"), choices=Answer.choices)
    understood = models.PositiveSmallIntegerField(
        _("Did I understand what was said?"), choices=Answer.choices
    )
    useful = models.PositiveSmallIntegerField(_("Was the meeting useful?"), choices=Answer.choices)
    comment = models.TextField(_("Anything else?"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"evaluation of {self.meeting_id}"


class EvaluationReceipt(models.Model):
    """That someone answered (so nobody answers twice), never what they answered."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="evaluation_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} answered {self.meeting_id}"


class EvaluationReminder(models.Model):
    """That the young person was reminded once to say what they thought of a held meeting (the
    invitation itself goes out when the meeting is marked held). The unique row makes the beat
    task send it once, across restarts and concurrent workers."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="evaluation_reminded_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} reminded of {self.meeting_id}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret in a person's calendar feed address; resetting it makes the old address 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
