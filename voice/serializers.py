from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from cases.models import Entry
from cases.serializers import DATETIME, ParticipantOutputSerializer, ServiceSummarySerializer
from coordination.serializers import UserSummarySerializer, user_summary, version_field

from .glossary import Term
from .models import (
    EntryVersion,
    Feedback,
    Goal,
    GoalEvaluation,
    Remark,
    Step,
    StepComment,
    UngdomshjelperChange,
)


class MessageOutputSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "case", "author", "body", "created"]
        read_only_fields = fields

    def to_representation(self, instance: Entry) -> dict[str, Any]:
        """The fields above, built directly (a conversation is a list of them; a ModelSerializer
        builds its fields anew on each request); tests/cases/test_direct_output.py holds the
        two equal."""
        return {
            "id": instance.pk,
            "case": instance.case_id,
            "author": user_summary(instance.author),
            "body": str(instance.body),
            "created": DATETIME.to_representation(instance.created),
        }


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    recipients = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class UnreadSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    unread = serializers.IntegerField()


class CandidateSerializer(serializers.Serializer):
    """A helper already on the case has `on_case_as` and `service`; a municipal coordinator not.
    `presentation` is what the person wrote about themself (plain text, "" if nothing)."""

    user = UserSummarySerializer()
    on_case_as = serializers.CharField(source="participant.role", allow_null=True)
    service = ServiceSummarySerializer(source="participant.service", allow_null=True)
    presentation = serializers.CharField(source="user.presentation")


class UngdomshjelperChangeSerializer(serializers.ModelSerializer):
    """A request for another ungdomshjelper: `outcome` is "" while open."""

    asked_by = UserSummarySerializer(read_only=True)
    replacing = UserSummarySerializer(read_only=True)
    chosen = UserSummarySerializer(read_only=True, allow_null=True)
    # Declared, not generated: a generated read-only field would drop "" from the schema's enum.
    outcome = serializers.ChoiceField(
        choices=UngdomshjelperChange.Outcome.choices,
        allow_blank=True,
        read_only=True,
        help_text='"" while the request is open.',
    )

    class Meta:
        model = UngdomshjelperChange
        fields = [
            "id",
            "case",
            "asked_by",
            "replacing",
            "created",
            "outcome",
            "closed_at",
            "chosen",
        ]
        read_only_fields = fields


class UngdomshjelperOutputSerializer(serializers.Serializer):
    offered = serializers.BooleanField()
    current = ParticipantOutputSerializer(allow_null=True)
    candidates = CandidateSerializer(many=True)
    change_request = UngdomshjelperChangeSerializer(allow_null=True)


class UngdomshjelperChooseInputSerializer(serializers.Serializer):
    user = serializers.IntegerField()


class CaseItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    count = serializers.IntegerField()
    # DRF takes declared fields off the class, so this does not shadow Field.label at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField()


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class CaseOverviewSerializer(serializers.Serializer):
    """One case on the ungdomshjelper's page: counts and links, never entry titles."""

    case = CaseRefSerializer()
    youth = UserSummarySerializer(source="case.youth")
    needs_action = CaseItemSerializer(many=True)
    youth_pending = CaseItemSerializer(many=True)


class TermSerializer(serializers.Serializer):
    word = serializers.CharField(source="shown_word")
    slug = serializers.CharField()
    explanation = serializers.SerializerMethodField()

    def get_explanation(self, term: Term) -> str:
        """In the caller's language (the word itself stays Norwegian, in nynorsk spelled so)."""
        return term.explanation()


class FeedbackInputSerializer(serializers.Serializer):
    service = serializers.UUIDField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(allow_blank=True, required=False, default="", max_length=2_000)
    anonymous = serializers.BooleanField(default=True)


class FeedbackOutputSerializer(serializers.Serializer):
    """What was stored: for anonymous feedback no id, person or time, only the week."""

    service = ServiceSummarySerializer()
    rating = serializers.IntegerField()
    text = serializers.CharField()
    week = serializers.DateField()
    anonymous = serializers.SerializerMethodField()

    def get_anonymous(self, feedback: Feedback) -> bool:
        return feedback.author_id is None


class FeedbackSummarySerializer(serializers.Serializer):
    service = ServiceSummarySerializer()
    hidden = serializers.BooleanField()
    answers = serializers.IntegerField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    comments = serializers.ListField(child=serializers.CharField())


class RemarkOutputSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)
    answered_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Remark
        fields = [
            "id", "entry", "author", "kind", "text", "proposed_body", "status", "answer",
            "answered_by", "answered_at", "created", "shown_to_recipients",
        ]  # fmt: skip
        read_only_fields = fields


class RemarkInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Remark.Kind.choices)
    text = serializers.CharField(allow_blank=True, max_length=5_000)
    proposed_body = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=50_000
    )


class RemarkShowInputSerializer(serializers.Serializer):
    shown = serializers.BooleanField()


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_blank=True, required=False, default="", max_length=5_000)


class AcceptInputSerializer(AnswerInputSerializer):
    version = version_field(
        min_value=0,
        what="The entry's text you read: the number of its earlier texts (the count of "
        "GET /entries/{id}/versions/).",
    )


# -- the plan ---------------------------------------------------------------------------------


class StepCommentOutputSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = StepComment
        fields = ["id", "step", "author", "text", "created"]
        read_only_fields = fields


class StepOutputSerializer(serializers.ModelSerializer):
    owner = UserSummarySerializer(read_only=True)
    added_by = UserSummarySerializer(
        read_only=True, allow_null=True, help_text="null on steps from before it was recorded."
    )
    title = serializers.CharField(source="text", read_only=True, help_text="The same as `text`.")
    done = serializers.SerializerMethodField()
    comments = StepCommentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Step
        fields = [
            "id",
            "goal",
            "text",
            "title",
            "owner",
            "added_by",
            "due",
            "done",
            "done_at",
            "created",
            "comments",
        ]
        read_only_fields = fields

    def get_done(self, step: Step) -> bool:
        return step.done_at is not None


class GoalEvaluationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalEvaluation
        fields = ["id", "goal", "score", "words", "at_meeting", "created"]
        read_only_fields = fields


class GoalOutputSerializer(serializers.ModelSerializer):
    steps = StepOutputSerializer(many=True, read_only=True)
    evaluations = GoalEvaluationOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "text", "created", "steps", "evaluations"]
        read_only_fields = fields


class PlanEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "title", "category", "created"]
        read_only_fields = fields


class PlanOutputSerializer(serializers.Serializer):
    """`entry` is null until the young person writes their first goal."""

    entry = PlanEntrySerializer(allow_null=True)
    goals = GoalOutputSerializer(many=True)
    versions = serializers.IntegerField(help_text="How many earlier texts are kept.")


class GoalInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class StepInputSerializer(serializers.Serializer):
    """`title` (the name in the wave-2 contract) and `text` are the same field; give one."""

    title = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    owner = serializers.IntegerField(
        help_text="A person on the team, or the young person; a helper names themself."
    )
    due = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        if "title" not in attrs and "text" not in attrs:
            raise serializers.ValidationError({"title": [_("Write a few words.")]})
        return {**attrs, "text": attrs.get("title", attrs.get("text", ""))}


class StepCommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class GoalEvaluationInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        min_value=1, max_value=5, help_text="Did it help? 1 not at all ... 5 a lot."
    )
    words = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, default=""
    )
    at_meeting = serializers.BooleanField(required=False, default=False)


class StepUpdateSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class EntryVersionSerializer(serializers.ModelSerializer):
    corrected_by_remark = serializers.IntegerField(source="remark_id", allow_null=True)

    class Meta:
        model = EntryVersion
        fields = ["id", "entry", "body", "replaced_at", "corrected_by_remark"]
        read_only_fields = fields
