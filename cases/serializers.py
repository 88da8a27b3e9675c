from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.parsing import MAX_ID
from coordination.serializers import UserSummarySerializer, user_summary

from .markdown import render_markdown
from .models import (
    CLOSING_SUMMARY_MAX_CHARS,
    Attachment,
    Case,
    Entry,
    Invitation,
    Participant,
    Withholding,
)
from .selectors import attachments_of, entry_notes
from .services import case_require_open


def valid_for_case(data: serializers.Serializer, *, case: Case) -> None:
    """Validates the body of a write on `case`, once the caller's access is checked: a write on
    a closed case is a 409 whatever was sent, so an invalid body on a closed case is told the
    case is closed (case_require_open), not its field errors (the order is access 404, closed
    409, then validation 400). A valid body goes on to the service, which checks the case again
    under its lock."""
    if not data.is_valid():
        case_require_open(case)
        raise serializers.ValidationError(data.errors)


class CaseOutputSerializer(serializers.ModelSerializer):
    """A case; `closed_at`, `closed_by`, `summary` and `follow_up_on` describe its last closing
    (kept when it is reopened, with `reopened_at`)."""

    youth = UserSummarySerializer(read_only=True)
    closed_by = UserSummarySerializer(read_only=True, allow_null=True)
    summary = serializers.CharField(source="closing_summary", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "status",
            "youth",
            "created",
            "closed_at",
            "closed_by",
            "summary",
            "follow_up_on",
            "reopened_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Case) -> dict[str, Any]:
        """The fields above, built directly: every case-scoped list and page of the API answers
        through this, and a ModelSerializer inspects the model and builds its fields anew on
        each request. The declared fields stay the schema; tests/cases/test_direct_output.py
        holds the two equal."""
        return {
            "id": instance.pk,
            "title": str(instance.title),
            "status": str(instance.status),
            "youth": user_summary(instance.youth),
            "created": DATETIME.to_representation(instance.created),
            "closed_at": or_none(DATETIME, instance.closed_at),
            "closed_by": None if instance.closed_by is None else user_summary(instance.closed_by),
            "summary": str(instance.closing_summary),
            "follow_up_on": or_none(DATE, instance.follow_up_on),
            "reopened_at": or_none(DATETIME, instance.reopened_at),
        }


class CaseCloseInputSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=CLOSING_SUMMARY_MAX_CHARS, allow_blank=True)
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class ServiceSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class ParticipantHelpSerializer(serializers.Serializer):
    """A helper's own line: what they help with, how to reach them directly (both may be "")."""

    # Limits and the one-line rule: cases.services.participant_help_set (a 400 naming the field).
    what = serializers.CharField(allow_blank=True, trim_whitespace=False)
    direct_contact = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ParticipantOutputSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    service = ServiceSummarySerializer(read_only=True, allow_null=True)
    invited_by = UserSummarySerializer(read_only=True, allow_null=True)
    help = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "id",
            "user",
            "role",
            "service",
            "joined",
            "left",
            "invited_by",
            "left_summary",
            "help",
        ]
        read_only_fields = fields

    @extend_schema_field(ParticipantHelpSerializer)
    def get_help(self, participant: Participant) -> dict[str, str]:
        return {"what": participant.help_what, "direct_contact": participant.help_direct_contact}


# The roles someone can be added or invited in: a case has its one young person from the start.
ROLES_TO_ADD = [c for c in Participant.Role.choices if c[0] != Participant.Role.YOUTH]


class ParticipantInputSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    role = serializers.ChoiceField(choices=ROLES_TO_ADD)
    service = serializers.UUIDField(required=False, allow_null=True)


class EntrySummarySerializer(serializers.ModelSerializer):
    """An entry inside a list: no body, so only opening the entry (which is logged) reads it."""

    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "case", "kind", "category", "title", "author", "created"]
        read_only_fields = fields

    def to_representation(self, instance: Entry) -> dict[str, Any]:
        """What the declared fields above give (they stay the schema), built directly: the entry
        list is a hot read, and DRF reads each of a page's entries through every field, the
        nested author's included. Same keys, order and values: tests/cases/test_entry_output.py
        compares the two for every entry of the demo cases and each kind of reader."""
        return {
            **_entry_head(instance),
            "author": user_summary(instance.author),
            "created": DATETIME.to_representation(instance.created),
        }


def _entry_head(entry: Entry) -> dict[str, Any]:
    """The first fields of an entry's direct answers, listed (EntrySummarySerializer) or opened
    (EntryOutputSerializer), in their declared order."""
    return {
        "id": entry.pk,
        "case": entry.case_id,
        "kind": str(entry.kind),
        "category": str(entry.category),
        "title": str(entry.title),
    }


class AttachmentOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "created", "download"]
        read_only_fields = fields

    def get_download(self, attachment: Attachment) -> str:
        return _download_url(attachment)


def _download_url(attachment: Attachment) -> str:
    return reverse("api-attachment-download", kwargs={"attachment_id": attachment.pk})


class EntryNoteSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="`shared_automatically` (a rule that shares by itself shared it with "
        "`people` when it was saved) or `waiting_for_youth` (shares to `people` wait until the "
        "young person has read it, at the latest `until`)."
    )
    text = serializers.CharField(help_text="The same line in the reader's language.")
    people = UserSummarySerializer(many=True)
    until = serializers.DateTimeField(allow_null=True)


class EntryOutputSerializer(serializers.ModelSerializer):
    """`notes`: what became of the entry, for its author (cases.selectors.entry_notes); needs the
    request in the context."""

    author = UserSummarySerializer(read_only=True)
    body_html = serializers.SerializerMethodField()
    attachments = AttachmentOutputSerializer(many=True, read_only=True)
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id", "case", "kind", "category", "title", "body", "body_html", "author", "created",
            "attachments", "notes",
        ]  # fmt: skip
        read_only_fields = fields

    def get_body_html(self, entry: Entry) -> str:
        return render_markdown(entry.body)

    @extend_schema_field(EntryNoteSerializer(many=True))
    def get_notes(self, entry: Entry) -> list[dict]:
        notes = entry_notes(user=self.context["request"].user, entry=entry)
        return list(EntryNoteSerializer(notes, many=True).data)

    def to_representation(self, instance: Entry) -> dict[str, Any]:
        """What the declared fields above give (they stay the schema), built directly: opening an
        entry is a hot read, and DRF builds and binds this serializer's fields, the nested ones
        included, anew for every entry (benchmarks/README.md). Same keys, order and values:
        tests/cases/test_entry_output.py compares the two for each kind of line and reader."""
        notes = entry_notes(user=self.context["request"].user, entry=instance)
        return {
            **_entry_head(instance),
            "body": str(instance.body),
            "body_html": render_markdown(instance.body),
            "author": user_summary(instance.author),
            "created": DATETIME.to_representation(instance.created),
            "attachments": [_attachment(file) for file in attachments_of(entry=instance)],
            "notes": [
                {
                    "kind": str(note.kind),
                    "text": str(note.text),
                    "people": [user_summary(person) for person in note.people],
                    "until": None if note.until is None else DATETIME.to_representation(note.until),
                }
                for note in notes
            ],
        }


# The fields that format every timestamp and date of this module's direct answers: their output
# depends only on the settings and the active time zone, read on each call.
DATETIME = serializers.DateTimeField()
DATE = serializers.DateField()


def or_none(field: serializers.Field, value: Any) -> Any:
    # A declared field is not asked about a None attribute: its answer is null.
    return None if value is None else field.to_representation(value)


def _attachment(attachment: Attachment) -> dict[str, Any]:
    """AttachmentOutputSerializer's answer, built directly (EntryOutputSerializer)."""
    return {
        "id": attachment.pk,
        "name": str(attachment.original_name),
        "content_type": str(attachment.content_type),
        "size": int(attachment.size),
        "created": DATETIME.to_representation(attachment.created),
        "download": _download_url(attachment),
    }


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


class NewYouthSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=150, allow_blank=True)
    birth_date = serializers.DateField()
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "description": "The id of a person's account."},
            {
                "type": "object",
                "description": "A new person: they get an invitation.",
                "properties": {
                    "display_name": {"type": "string", "maxLength": 150},
                    "birth_date": {"type": "string", "format": "date"},
                    "email": {"type": "string", "format": "email"},
                    "phone": {"type": "string", "maxLength": 32},
                },
                "required": ["display_name", "birth_date"],
            },
        ]
    }
)
class YouthField(serializers.Field):
    """The young person of a new case: an account's id, or a new person."""

    default_error_messages = {
        "invalid": _("Give the id of a person's account, or a new person's name and birth date.")
    }

    def to_internal_value(self, data: object) -> int | dict:
        if isinstance(data, int) and not isinstance(data, bool):
            if not 1 <= data <= MAX_ID:
                raise serializers.ValidationError(_("No such person."))
            return data
        if isinstance(data, dict):
            person = NewYouthSerializer(data=data)
            person.is_valid(raise_exception=True)
            return dict(person.validated_data)
        self.fail("invalid")

    def to_representation(self, value: object) -> object:
        return value


class CaseOpenInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    service = serializers.UUIDField(help_text="The catalogue service I act for.")
    youth = YouthField()


class InvitationOutputSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="invitee.name", read_only=True)
    service = ServiceSummarySerializer(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)
    invited_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "role", "display_name", "service", "status", "invited_by", "expires"]
        read_only_fields = fields

    def to_representation(self, instance: Invitation) -> dict[str, Any]:
        """The fields above, built directly (as CaseOutputSerializer's; the same test)."""
        service = instance.service
        return {
            "id": instance.pk,
            "role": str(instance.role),
            "display_name": str(instance.invitee.name),
            "service": None
            if service is None
            else {"id": str(service.pk), "name": str(service.name)},
            "status": str(instance.status),
            "invited_by": user_summary(instance.invited_by),
            "expires": DATETIME.to_representation(instance.expires),
        }


class InvitationInputSerializer(serializers.Serializer):
    """An account (`user`) or a new person (`display_name` and `email` and/or `phone`)."""

    role = serializers.ChoiceField(choices=ROLES_TO_ADD)
    display_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=150
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    user = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    service = serializers.UUIDField(required=False, allow_null=True)
