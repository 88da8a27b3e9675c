from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import LEFT_SUMMARY_MAX_CHARS, AccessEvent, Entry, Participant
from cases.serializers import DATE, DATETIME, ServiceSummarySerializer
from coordination.models import User
from coordination.serializers import UserSummarySerializer, user_summary

from .models import (
    BLOCK_REASON_MAX_CHARS,
    Block,
    ConsentRequest,
    Disclosure,
    HeldShare,
    SharingRule,
)
from .selectors import Knowledge, PersonKnowledge, may_see_youth_opinion


class EntryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "title", "category"]
        read_only_fields = fields


class DisclosedEntrySerializer(serializers.Serializer):
    """The entry of a disclosure; its id and title only for a viewer who may open it (context
    `entry_visible`, true unless the view says otherwise): a consent authority may end a
    disclosure of an entry they cannot read."""

    id = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    category = serializers.CharField(source="entry.category")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_id(self, disclosure: Disclosure) -> int | None:
        return disclosure.entry_id if self.context.get("entry_visible", True) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_title(self, disclosure: Disclosure) -> str | None:
        return disclosure.entry.title if self.context.get("entry_visible", True) else None


class DisclosureOutputSerializer(serializers.ModelSerializer):
    entry = DisclosedEntrySerializer(source="*", read_only=True)
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
            "id", "entry", "recipient", "basis", "justification", "purpose", "rule",
            "consent_request", "granted_by", "granted_at", "until", "withdrawn_by",
            "withdrawn_at", "end_reason",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Disclosure) -> dict[str, Any]:
        """What the declared fields above give (they stay the schema), built directly: every
        share answers with its disclosures, and DRF builds and binds this serializer's fields,
        the four nested ones included, anew for each answer (benchmarks/README.md, issue 18
        item 3). Same keys, order and values: tests/consent/test_disclosure_output.py compares
        the two."""
        visible = self.context.get("entry_visible", True)
        return {
            "id": instance.pk,
            "entry": {
                "id": instance.entry_id if visible else None,
                "title": instance.entry.title if visible else None,
                "category": str(instance.entry.category),
            },
            "recipient": user_summary(instance.recipient),
            "basis": str(instance.basis),
            "justification": str(instance.justification),
            "purpose": str(instance.purpose),
            "rule": instance.rule_id,
            "consent_request": instance.request_id,
            "granted_by": user_summary(instance.granted_by),
            "granted_at": DATETIME.to_representation(instance.granted_at),
            "until": _at(instance.until),
            "withdrawn_by": (
                None if instance.withdrawn_by is None else user_summary(instance.withdrawn_by)
            ),
            "withdrawn_at": _at(instance.withdrawn_at),
            "end_reason": str(instance.end_reason),
        }


def _recipients(request: ConsentRequest) -> list[Any]:
    """A listed page's recipients as consent.selectors.consent_requests_detailed read them;
    a request read otherwise (one request, one just written) has them prefetched."""
    listed = request.__dict__.get("listed_recipients")
    return list(request.recipients.all()) if listed is None else listed


def _at(value: datetime | None) -> str | None:
    return None if value is None else DATETIME.to_representation(value)


class ConsentRequestEntrySerializer(serializers.Serializer):
    """The entry of a request; for the youth, an entry withheld from them has no id or title."""

    id = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    category = serializers.CharField(source="entry.category")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_id(self, request: ConsentRequest) -> int | None:
        return None if request.entry_hidden else request.entry_id

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_title(self, request: ConsentRequest) -> str | None:
        return None if request.entry_hidden else request.entry.title


class ConsentRequestOutputSerializer(serializers.ModelSerializer):
    """`youth_opinion` is shown to the youth and the deciders only; `reason` is what a decider
    chose to tell the asker when declining."""

    entry = ConsentRequestEntrySerializer(source="*", read_only=True)
    recipients = UserSummarySerializer(many=True, read_only=True)
    requested_by = UserSummarySerializer(read_only=True)
    status = serializers.CharField(source="effective_status", read_only=True)
    deciders = serializers.SerializerMethodField()
    youth_opinion = serializers.SerializerMethodField()
    decided_by = UserSummarySerializer(read_only=True, allow_null=True)
    reason = serializers.CharField(source="decline_reason", read_only=True)
    # A referral's payload: the recipients are this service's intake, and `purpose` says why.
    service = ServiceSummarySerializer(read_only=True, allow_null=True)
    purpose = serializers.SerializerMethodField(
        help_text='Why the asker wants to share it ("" when none, and for an entry withheld '
        "from the young person who reads it)."
    )

    class Meta:
        model = ConsentRequest
        fields = [
            "id", "entry", "recipients", "requested_by", "purpose", "status", "deciders",
            "youth_opinion_asked", "youth_opinion", "decided_by", "decided_at", "until", "reason",
            "created", "expires_at", "service", "purpose",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: ConsentRequest) -> dict[str, Any]:
        """What the declared fields above give (they stay the schema), built directly: the
        consent requests list walked DRF's fields, nested ones included, for every row
        (benchmarks/README.md, issue 18 item 2). Same keys, order and values:
        tests/consent/test_consent_requests_listed.py compares the two."""
        hidden = instance.entry_hidden
        return {
            "id": instance.pk,
            "entry": {
                "id": None if hidden else instance.entry_id,
                "title": None if hidden else instance.entry.title,
                "category": str(instance.entry.category),
            },
            "recipients": [user_summary(user) for user in _recipients(instance)],
            "requested_by": user_summary(instance.requested_by),
            "purpose": self.get_purpose(instance),
            "status": str(instance.effective_status),
            "deciders": self.get_deciders(instance),
            "youth_opinion_asked": instance.youth_opinion_asked,
            "youth_opinion": self.get_youth_opinion(instance),
            "decided_by": (
                None if instance.decided_by is None else user_summary(instance.decided_by)
            ),
            "decided_at": _at(instance.decided_at),
            "until": None if instance.until is None else DATE.to_representation(instance.until),
            "reason": str(instance.decline_reason),
            "created": DATETIME.to_representation(instance.created),
            "expires_at": DATETIME.to_representation(instance.expires_at),
            "service": (
                None
                if instance.service is None
                else {"id": str(instance.service.pk), "name": str(instance.service.name)}
            ),
        }

    @extend_schema_field(serializers.CharField())
    def get_purpose(self, request: ConsentRequest) -> str:
        return "" if request.entry_hidden else request.purpose

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_deciders(self, request: ConsentRequest) -> list[int]:
        listed = request.__dict__.get("listed_deciders")
        return [decider.pk for decider in request.deciders.all()] if listed is None else listed

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_youth_opinion(self, request: ConsentRequest) -> str | None:
        if may_see_youth_opinion(consent_request=request, user=self.context["request"].user):
            return request.youth_opinion
        return None


class ShareInputSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    basis = serializers.CharField(required=False, allow_null=True, default=None)
    justification = serializers.CharField(required=False, allow_blank=True, default="")
    purpose = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why you share it (at most 500 characters); the decider and the young person "
        "read it. Required unless a standing rule covers every recipient: 400 on `purpose`.",
    )


class HeldShareOutputSerializer(serializers.ModelSerializer):
    """A share under a standing rule that waits until the young person has read the entry
    (reading first). `end_reason` "" while it waits."""

    entry = EntryRefSerializer(read_only=True)
    recipient = UserSummarySerializer(read_only=True)
    requested_by = UserSummarySerializer(read_only=True)
    end_reason = serializers.ChoiceField(
        choices=HeldShare.EndReason.choices,
        allow_blank=True,
        read_only=True,
        help_text='"" while it waits.',
    )

    class Meta:
        model = HeldShare
        fields = [
            "id", "entry", "recipient", "requested_by", "rule", "automatic", "created",
            "release_at", "ended_at", "end_reason", "disclosure",
        ]  # fmt: skip
        read_only_fields = fields


class ShareOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["shared", "consent_requested", "waiting_for_youth"])
    disclosures = DisclosureOutputSerializer(many=True, required=False)
    consent_request = ConsentRequestOutputSerializer(required=False)
    held = HeldShareOutputSerializer(
        many=True,
        required=False,
        help_text="With `waiting_for_youth`: the shares that wait until the young person has "
        "read the entry (reading first).",
    )


class ReadingFirstSerializer(serializers.Serializer):
    on = serializers.BooleanField(
        help_text="The young person reads new entries about them before they are shared under "
        "their standing rules."
    )
    hours = serializers.IntegerField(
        read_only=True,
        help_text="A share waits at most this many hours after the entry was written.",
    )


class ReleasedSerializer(serializers.Serializer):
    disclosures = DisclosureOutputSerializer(many=True)


class ApproveInputSerializer(serializers.Serializer):
    until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The last day it is shared (today up to two years ahead); empty: until "
        "someone ends it.",
    )


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
            "created_by", "created", "until", "automatic",
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
    until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The last day the rule is in force (today up to two years ahead); empty: "
        "until it is removed.",
    )
    automatic = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Share each new entry of the category with the rule's recipients by itself "
        "when it is saved (default false: the rule only pre-authorises the author's share).",
    )


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.name")
    role = serializers.CharField()
    service = ServiceSummarySerializer(allow_null=True)
    left = serializers.DateTimeField(source="participant.left", allow_null=True)


# One for every row's author: making a serializer (copying its fields) cost more than what it
# writes. to_representation keeps no state, so rows and threads can share it.
_AUTHOR = UserSummarySerializer()


class KnowledgeEntrySerializer(serializers.Serializer):
    """The entry of a who-knows-what row as the viewer may see it (`Knowledge.visible`): the id
    and title only of an entry they may open themself; otherwise kind, category and author, and
    for the young person an entry withheld from them is only its placeholder (`withheld`)."""

    # The fields declare the schema; to_representation builds the same dict by hand (for
    # who-knows-what and access-log rows alike): a who-knows-what of 500 entries has thousands
    # of rows, and DRF's field-by-field machinery (a UserSummarySerializer per row for the
    # author) cost most of the call (issue 18).
    id = serializers.IntegerField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True, allow_null=True)
    category = serializers.CharField(source="entry.category")
    kind = serializers.CharField(read_only=True, allow_null=True)
    author = UserSummarySerializer(read_only=True, allow_null=True)
    visible = serializers.BooleanField()

    def to_representation(self, row: Any) -> dict[str, object]:
        # `row`: a who-knows-what Knowledge or an access-log AccessLogRow.
        entry, visible, withheld = row.entry, row.visible, row.withheld
        return {
            "id": entry.id if visible else None,
            "title": entry.title if visible else None,
            "category": entry.category,
            "kind": None if withheld else entry.kind,
            "author": None if withheld else self._author(entry.author),
            "visible": visible,
        }

    def _author(self, author: User) -> dict[str, object]:
        """UserSummarySerializer's dict, made once per author for all the rows of a call."""
        authors: dict[int, dict[str, object]] = self.__dict__.setdefault("_authors", {})
        if author.pk not in authors:
            authors[author.pk] = _AUTHOR.to_representation(author)
        return authors[author.pk]


class WithheldPlaceholderSerializer(serializers.Serializer):
    reason = serializers.CharField()
    decided_by = UserSummarySerializer()
    decided_at = serializers.DateTimeField()


# Shared by every row and call, as _AUTHOR: DRF's to_representation keeps no state.
_WITHHELD = WithheldPlaceholderSerializer()


class KnowledgeSerializer(serializers.Serializer):
    # As KnowledgeEntrySerializer: the fields declare the schema, to_representation builds the
    # same dict without DRF's per-field machinery, and without `self.fields` either: DRF makes
    # those by deep-copying the declared fields and the nested serializers' for every request,
    # ~1 ms of a ~50-entry case's ~10 ms of CPU.

    entry = KnowledgeEntrySerializer(source="*")
    disclosure = serializers.IntegerField(source="shown_disclosure.pk", allow_null=True)
    # Why an ended disclosure ended ("" while it is active; null on author and youth rows).
    end_reason = serializers.CharField(allow_null=True)
    basis = serializers.CharField()
    basis_text = serializers.CharField(
        help_text='Why, in the viewer\'s words, naming who decided ("Mor said yes 3 March").'
    )
    justification = serializers.CharField()
    purpose = serializers.CharField(help_text='Why it was shared, as the sharer wrote it ("").')
    withheld = WithheldPlaceholderSerializer(source="withholding", allow_null=True)
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)
    last_opened = serializers.DateTimeField(allow_null=True)

    def to_representation(self, knowledge: Knowledge) -> dict[str, object]:
        moment = self._moment
        disclosure, withholding = knowledge.shown_disclosure, knowledge.withholding
        until, last_opened = knowledge.until, knowledge.last_opened
        end_reason = knowledge.end_reason
        # The entry's dict depends only on these: made once for an entry's ~5 rows of a call.
        entries: dict[tuple[int, bool, bool], object] = self.__dict__.setdefault("_entries", {})
        key = (knowledge.entry.id, knowledge.visible, knowledge.withheld)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = self._entry().to_representation(knowledge)
        return {
            "entry": entry,
            "disclosure": disclosure.pk if disclosure is not None else None,
            "end_reason": None if end_reason is None else str(end_reason),
            "basis": str(knowledge.basis),
            "basis_text": str(knowledge.basis_text),
            "justification": str(knowledge.justification),
            "purpose": str(knowledge.purpose),
            "withheld": (None if withholding is None else _WITHHELD.to_representation(withholding)),
            "since": moment(knowledge.since),
            "until": None if until is None else moment(until),
            "last_opened": None if last_opened is None else moment(last_opened),
        }

    def _entry(self) -> KnowledgeEntrySerializer:
        """One a call: it remembers the call's authors."""
        made = self.__dict__.get("_entry_serializer")
        if made is None:
            made = self.__dict__["_entry_serializer"] = KnowledgeEntrySerializer()
        return made

    def _moment(self, value: datetime) -> str:
        """DateTimeField's text of `value`, in the time zone current when the call began, made
        once per distinct moment (an entry's youth and author rows share one) and without
        looking the time zone up again for each of thousands of values."""
        texts: dict[datetime, str] = self.__dict__.setdefault("_moments", {})
        text = texts.get(value)
        if text is None:
            field = self.__dict__.get("_moment_field")
            if field is None:
                field = self.__dict__["_moment_field"] = serializers.DateTimeField(
                    default_timezone=timezone.get_current_timezone()
                )
            text = texts[value] = field.to_representation(value)
        return text


# As _AUTHOR: shared by every person and call.
_PERSON = PersonSerializer()


class PersonKnowledgeSerializer(serializers.Serializer):
    # The fields declare the schema; to_representation builds the same dict without
    # `self.fields` (see KnowledgeSerializer).
    person = PersonSerializer(source="*")
    blocked = serializers.BooleanField(
        help_text="Blocked on the case: they receive nothing from it (false on your own row)."
    )
    entries = KnowledgeSerializer(many=True)

    def to_representation(self, person: PersonKnowledge) -> dict[str, object]:
        # One KnowledgeSerializer for every person of a call, as DRF's one bound field was:
        # it remembers the call's entries, authors and moments.
        rows = self.__dict__.get("_rows")
        if rows is None:
            rows = self.__dict__["_rows"] = KnowledgeSerializer()
        return {
            "person": _PERSON.to_representation(person),
            "blocked": bool(person.blocked),
            "entries": [rows.to_representation(each) for each in person.entries],
        }


class ParticipantRemoveInputSerializer(serializers.Serializer):
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LEFT_SUMMARY_MAX_CHARS,
        help_text="Why they leave, in a few words the young person and the team read.",
    )


class AccessLogSerializer(serializers.Serializer):
    """One open in the access log (consent.access_log.AccessLogRow): the entry as the reader
    may see it (as in who-knows-what), who opened it, when, how, and on what basis they could
    (`youth`, `author`, or their disclosure's basis then; null when nothing explains it)."""

    entry = KnowledgeEntrySerializer(source="*")
    person = PersonSerializer(source="*")
    at = serializers.DateTimeField()
    basis = serializers.CharField(allow_null=True)
    via = serializers.ChoiceField(choices=AccessEvent.Via.choices)


class EntryWatchSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    watching = serializers.BooleanField()


class CategoryWatchSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Entry.Category.choices)
    watching = serializers.BooleanField()


class BlockInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="A person on the team (not you, not the youth).")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=BLOCK_REASON_MAX_CHARS,
        help_text="Why, for the young person and the consent authority; never told to them.",
    )


class BlockOutputSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    created_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = Block
        fields = ["id", "user", "reason", "created_by", "created"]
        read_only_fields = fields

    def to_representation(self, instance: Block) -> dict[str, Any]:
        """The fields above, built directly, as cases.serializers.CaseOutputSerializer's (the
        same reason; tests/cases/test_direct_output.py holds the two equal)."""
        return {
            "id": instance.pk,
            "user": user_summary(instance.user),
            "reason": str(instance.reason),
            "created_by": user_summary(instance.created_by),
            "created": DATETIME.to_representation(instance.created),
        }
