from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Entry
from cases.serializers import DATETIME, or_none
from coordination.serializers import UserSummarySerializer, user_summary, version_field

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Evaluation,
    GuardiansQuestion,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesVersion,
)


class MeetingOutputSerializer(serializers.ModelSerializer):
    organiser = UserSummarySerializer(read_only=True)
    representative = UserSummarySerializer(read_only=True, allow_null=True)
    ics = serializers.SerializerMethodField()
    # Declared, not generated: a generated read-only field would not allow "" in the schema.
    video_link = serializers.URLField(
        allow_blank=True, read_only=True, help_text='"" when the meeting has no video link.'
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "case",
            "title",
            "kind",
            "starts_at",
            "duration_minutes",
            "place",
            "video_link",
            "organiser",
            "youth_presence",
            "representative",
            "attendance_decided_at",
            "agenda_published_at",
            "held_at",
            "cancelled_at",
            "created",
            "ics",
        ]
        read_only_fields = fields

    def get_ics(self, meeting: Meeting) -> str:
        return reverse("meetings:ics", kwargs={"meeting_id": meeting.pk})

    def to_representation(self, instance: Meeting) -> dict[str, Any]:
        """What the fields above give (they stay the schema), built directly: DRF built the
        ModelSerializer's fields anew for every call and walked them for every row, two thirds
        of the meetings list's Python (benchmarks/README.md, issue 18 item 2). Same keys, order
        and values: tests/cases/test_direct_output.py compares the two."""
        representative = instance.representative
        return {
            "id": instance.pk,
            "case": instance.case_id,
            "title": str(instance.title),
            "kind": str(instance.kind),
            "starts_at": DATETIME.to_representation(instance.starts_at),
            "duration_minutes": int(instance.duration_minutes),
            "place": str(instance.place),
            "video_link": str(instance.video_link),
            "organiser": user_summary(instance.organiser),
            "youth_presence": str(instance.youth_presence),
            "representative": None if representative is None else user_summary(representative),
            "attendance_decided_at": or_none(DATETIME, instance.attendance_decided_at),
            "agenda_published_at": or_none(DATETIME, instance.agenda_published_at),
            "held_at": or_none(DATETIME, instance.held_at),
            "cancelled_at": or_none(DATETIME, instance.cancelled_at),
            "created": DATETIME.to_representation(instance.created),
            "ics": self.get_ics(instance),
        }


class MeetingInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, required=False)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=600, default=60)
    place = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    video_link = serializers.URLField(required=False, default="", allow_blank=True)
    attendees = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class MeetingUpdateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=600, required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    video_link = serializers.URLField(required=False, allow_blank=True)


class AttendanceOutputSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "user", "youth_wish", "decision", "invited_at"]
        read_only_fields = fields


class ProposeInputSerializer(serializers.Serializer):
    users = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class ChooseInputSerializer(serializers.Serializer):
    coming = serializers.ListField(child=serializers.IntegerField())
    youth_presence = serializers.ChoiceField(
        choices=Meeting.YouthPresence.choices, default=Meeting.YouthPresence.ATTENDS
    )
    representative = serializers.IntegerField(required=False, allow_null=True, default=None)


class GuardiansOutputSerializer(serializers.Serializer):
    """The young person's wish (null until they answer) and the decision with its reason."""

    youth_decides = serializers.BooleanField()
    may_wish = serializers.BooleanField()
    may_decide = serializers.BooleanField()
    wish = serializers.ChoiceField(
        choices=GuardiansQuestion.Wish.choices, allow_null=True, source="question.wish"
    )
    why = serializers.CharField(allow_null=True, source="question.why")
    come = serializers.BooleanField(allow_null=True, source="question.come")
    reason = serializers.CharField(allow_null=True, source="question.reason")
    against_wish = serializers.BooleanField(allow_null=True, source="question.against_wish")
    decided_at = serializers.DateTimeField(allow_null=True, source="question.decided_at")


class GuardiansWishInputSerializer(serializers.Serializer):
    wish = serializers.ChoiceField(choices=GuardiansQuestion.Wish.choices)
    why = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class GuardiansDecisionInputSerializer(serializers.Serializer):
    come = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class AgendaItemSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "author", "title", "details", "private", "created"]
        read_only_fields = ["id", "author", "created"]


class MinutesVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MinutesVersion
        fields = ["number", "summary", "decisions", "created"]
        read_only_fields = fields


class MinutesCommentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = MinutesComment
        fields = ["id", "version", "text", "is_correction", "created"]
        read_only_fields = fields


class MinutesOutputSerializer(serializers.ModelSerializer):
    """With context `full` False (a recipient): only the approved version, no comments."""

    versions = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()
    approved_version = serializers.IntegerField(
        source="approved_version.number", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Minutes
        fields = [
            "meeting",
            "status",
            "versions",
            "comments",
            "approved_version",
            "approved_at",
            "entry",
            "distributed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MinutesVersionSerializer(many=True))
    def get_versions(self, minutes: Minutes) -> object:
        if self.context.get("full"):
            versions = list(minutes.versions.all())
        else:
            versions = [minutes.approved_version] if minutes.approved_version else []
        return MinutesVersionSerializer(versions, many=True).data

    @extend_schema_field(MinutesCommentSerializer(many=True))
    def get_comments(self, minutes: Minutes) -> object:
        if not self.context.get("full"):
            return []
        comments = minutes.comments.select_related("version")
        return MinutesCommentSerializer(comments, many=True).data


class MinutesInputSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)
    decisions = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    version = version_field(min_value=0, what="The version you started from (0: none yet).")


class MinutesApproveInputSerializer(serializers.Serializer):
    version = version_field(min_value=1, what="The version the young person read.")


class MinutesCommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    is_correction = serializers.BooleanField(default=False)


class DistributeInputSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    category = serializers.ChoiceField(choices=Entry.Category.choices, default="general")


class ActionItemOutputSerializer(serializers.ModelSerializer):
    owner = UserSummarySerializer(read_only=True)
    text = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "description", "owner", "due", "status", "text"]
        read_only_fields = fields

    def get_text(self, item: ActionItem) -> str:
        from .services import action_item_sentence

        return action_item_sentence(item)


class ActionItemInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None)
    due = serializers.DateField()


class ActionItemStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionItem.Status.choices)


class EvaluationInputSerializer(serializers.Serializer):
    heard = serializers.ChoiceField(choices=Evaluation.Answer.choices)
    understood = serializers.ChoiceField(choices=Evaluation.Answer.choices)
    useful = serializers.ChoiceField(choices=Evaluation.Answer.choices)
    comment = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    anonymous = serializers.BooleanField(default=False)


class EvaluationSummarySerializer(serializers.Serializer):
    period = serializers.CharField(source="label")
    answers = serializers.IntegerField()
    hidden = serializers.BooleanField()
    heard = serializers.IntegerField(allow_null=True)
    understood = serializers.IntegerField(allow_null=True)
    useful = serializers.IntegerField(allow_null=True)
    comments = serializers.ListField(child=serializers.CharField())


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.CharField()
