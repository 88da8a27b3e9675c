from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Entry, Participant
from cases.serializers import ServiceSummarySerializer
from coordination.serializers import UserSummarySerializer

from .models import ConsentRequest, Disclosure, SharingRule


class EntryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "title", "category"]
        read_only_fields = fields


class DisclosureOutputSerializer(serializers.ModelSerializer):
    entry = EntryRefSerializer(read_only=True)
    recipient = UserSummarySerializer(read_only=True)
    granted_by = UserSummarySerializer(read_only=True)
    withdrawn_by = UserSummarySerializer(read_only=True, allow_null=True)
    consent_request: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        source="request", read_only=True, allow_null=True
    )
    # Declared, not generated: a generated read-only field would drop "" from the schema's enum.
    end_reason = serializers.ChoiceField(
        choices=Disclosure.EndReason.choices,
        allow_blank=True,
        read_only=True,
        help_text='"" while the disclosure is in force.',
    )

    class Meta:
        model = Disclosure
        fields = [
            "id", "entry", "recipient", "basis", "justification", "rule", "consent_request",
            "granted_by", "granted_at", "withdrawn_by", "withdrawn_at", "end_reason",
        ]  # fmt: skip
        read_only_fields = fields


class ConsentRequestOutputSerializer(serializers.ModelSerializer):
    """`youth_opinion` is shown to the youth and the deciders only; `reason` is what a decider
    chose to tell the asker when declining."""

    entry = EntryRefSerializer(read_only=True)
    recipients = UserSummarySerializer(many=True, read_only=True)
    requested_by = UserSummarySerializer(read_only=True)
    status = serializers.CharField(source="effective_status", read_only=True)
    deciders = serializers.SerializerMethodField()
    youth_opinion = serializers.SerializerMethodField()
    decided_by = UserSummarySerializer(read_only=True, allow_null=True)
    reason = serializers.CharField(source="decline_reason", read_only=True)

    class Meta:
        model = ConsentRequest
        fields = [
            "id", "entry", "recipients", "requested_by", "status", "deciders",
            "youth_opinion_asked", "youth_opinion", "decided_by", "decided_at", "reason",
            "created", "expires_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_deciders(self, request: ConsentRequest) -> list[int]:
        return [decider.pk for decider in request.deciders.all()]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_youth_opinion(self, request: ConsentRequest) -> str | None:
        viewer = self.context["request"].user
        if viewer.pk == request.entry.case.youth_id or any(
            decider.pk == viewer.pk for decider in request.deciders.all()
        ):
            return request.youth_opinion
        return None


class ShareInputSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    basis = serializers.CharField(required=False, allow_null=True, default=None)
    justification = serializers.CharField(required=False, allow_blank=True, default="")


class ShareOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["shared", "consent_requested"])
    disclosures = DisclosureOutputSerializer(many=True, required=False)
    consent_request = ConsentRequestOutputSerializer(required=False)


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionInputSerializer(serializers.Serializer):
    opinion = serializers.CharField()


class SharingRuleOutputSerializer(serializers.ModelSerializer):
    recipient_user = UserSummarySerializer(read_only=True, allow_null=True)
    recipient_service = ServiceSummarySerializer(read_only=True, allow_null=True)
    created_by = UserSummarySerializer(read_only=True)
    # Declared, not generated: a generated read-only field would drop "" from the schema's enum.
    recipient_role = serializers.ChoiceField(
        choices=[Participant.Role.HELPER.value, Participant.Role.GUARDIAN.value],
        allow_blank=True,
        read_only=True,
        help_text='"" when the rule is for one person or one service.',
    )

    class Meta:
        model = SharingRule
        fields = [
            "id", "case", "category", "recipient_user", "recipient_service", "recipient_role",
            "created_by", "created",
        ]  # fmt: skip
        read_only_fields = fields


class SharingRuleInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Entry.Category.choices)
    recipient_user = serializers.IntegerField(required=False, allow_null=True)
    recipient_service = serializers.UUIDField(required=False, allow_null=True)
    recipient_role = serializers.ChoiceField(
        choices=[Participant.Role.HELPER.value, Participant.Role.GUARDIAN.value],
        required=False,
        allow_blank=True,
        default="",
    )


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.name")
    role = serializers.CharField()
    service = ServiceSummarySerializer(source="participant.service", allow_null=True)
    left = serializers.DateTimeField(source="participant.left", allow_null=True)


class KnowledgeSerializer(serializers.Serializer):
    entry = EntryRefSerializer()
    disclosure = serializers.IntegerField(source="disclosure.pk", allow_null=True)
    basis = serializers.CharField()
    justification = serializers.CharField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)
    last_opened = serializers.DateTimeField(allow_null=True)


class PersonKnowledgeSerializer(serializers.Serializer):
    person = PersonSerializer(source="*")
    entries = KnowledgeSerializer(many=True)
