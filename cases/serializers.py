from django.urls import reverse
from rest_framework import serializers

from coordination.serializers import UserSummarySerializer

from .markdown import render_markdown
from .models import Attachment, Case, Entry, Participant, Withholding


class CaseOutputSerializer(serializers.ModelSerializer):
    youth = UserSummarySerializer(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "title", "status", "youth", "created"]
        read_only_fields = fields


class ServiceSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class ParticipantOutputSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    service = ServiceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Participant
        fields = ["id", "user", "role", "service", "joined", "left", "left_summary"]
        read_only_fields = fields


class ParticipantInputSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    role = serializers.ChoiceField(
        choices=[c for c in Participant.Role.choices if c[0] != Participant.Role.YOUTH]
    )
    service = serializers.UUIDField(required=False, allow_null=True)


class EntrySummarySerializer(serializers.ModelSerializer):
    """An entry inside a list: no body, so only opening the entry (which is logged) reads it."""

    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "case", "kind", "category", "title", "author", "created"]
        read_only_fields = fields


class AttachmentOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "created", "download"]
        read_only_fields = fields

    def get_download(self, attachment: Attachment) -> str:
        return reverse("api-attachment-download", kwargs={"attachment_id": attachment.pk})


class EntryOutputSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)
    body_html = serializers.SerializerMethodField()
    attachments = AttachmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id", "case", "kind", "category", "title", "body", "body_html", "author", "created",
            "attachments",
        ]  # fmt: skip
        read_only_fields = fields

    def get_body_html(self, entry: Entry) -> str:
        return render_markdown(entry.body)


class EntryInputSerializer(serializers.Serializer):
    """Which kinds may be written and how long title and text may be: cases.services decides
    (a 400 from there), for the page and the API alike."""

    kind = serializers.ChoiceField(choices=Entry.Kind.choices)
    category = serializers.ChoiceField(choices=Entry.Category.choices)
    title = serializers.CharField()
    body = serializers.CharField(
        allow_blank=True, required=False, default="", trim_whitespace=False
    )


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class WithholdingOutputSerializer(serializers.ModelSerializer):
    """What the young person is told: the category, the reason, who decided and when."""

    category = serializers.CharField(source="entry.category", read_only=True)
    decided_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = Withholding
        fields = ["id", "entry", "category", "reason", "decided_by", "decided_at", "ended_at"]
        read_only_fields = fields


class WithholdInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2_000)
