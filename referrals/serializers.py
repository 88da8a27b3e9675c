"""Referrals over the API (docs/architecture.md "Referrals", DESIGN §11)."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.serializers import DATETIME, ServiceSummarySerializer, or_none
from coordination.models import User
from coordination.serializers import UserSummarySerializer, user_summary

from .models import PURPOSE_MAX_CHARS, REASON_MAX_CHARS, Referral


class ReferralCreateInputSerializer(serializers.Serializer):
    service = serializers.UUIDField()
    purpose = serializers.CharField(max_length=PURPOSE_MAX_CHARS, allow_blank=True)
    entries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=100,
    )
    legal_duty = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_MAX_CHARS,
        help_text="The legal duty that sends the payload without consent; the young person "
        "sees it. Empty: the consent authority approves the payload and purpose first.",
    )


class ReferralAcceptInputSerializer(serializers.Serializer):
    helper = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Who joins the team for the service (someone who works there); by default you.",
    )


class ReferralDeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_CHARS, allow_blank=True)
    suggested_services = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=20
    )


class ReferralEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()


class SuggestedServiceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    finder_url = serializers.SerializerMethodField()

    def get_finder_url(self, service: object) -> str:
        return _finder(service)


def _finder(service: Any) -> str:
    return reverse("services_registry:service-detail", kwargs={"service_id": service.pk})


class YouthSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField(source="name")


class ReferralOutputSerializer(serializers.ModelSerializer):
    """`entries`: the payload entries the caller may open (the intake: once consent is given);
    `entries_total` counts all of them. `decline_reason` and `suggested_services` are the
    service's answer, which the young person sees."""

    service = ServiceSummarySerializer()
    youth = YouthSerializer(source="case.youth")
    entries = serializers.SerializerMethodField()
    entries_total = serializers.SerializerMethodField()
    created_by = UserSummarySerializer()
    answered_by = UserSummarySerializer(allow_null=True)
    helper = UserSummarySerializer(allow_null=True)
    suggested_services = serializers.SerializerMethodField()
    overdue = serializers.BooleanField()

    class Meta:
        model = Referral
        fields = [
            "id", "case", "youth", "service", "purpose", "status", "entries", "entries_total",
            "legal_duty", "created_by", "created", "sent_at", "due_at", "overdue", "answered_by",
            "answered_at", "decline_reason", "suggested_services", "helper", "withdrawn_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        """What the declared fields above give (they stay the schema), built directly: the
        referrals list walked DRF's fields, the nested ones anew for every row
        (benchmarks/README.md, issue 18 item 2). For a referral from
        referrals.selectors.referrals_detailed. Same keys, order and values:
        tests/referrals/test_referrals_listed.py compares the two."""
        youth, service = instance.case.youth, instance.service
        return {
            "id": instance.pk,
            "case": instance.case_id,
            "youth": {"id": youth.pk, "display_name": str(youth.name)},
            "service": {"id": str(service.pk), "name": str(service.name)},
            "purpose": str(instance.purpose),
            "status": str(instance.status),
            "entries": [
                {"id": entry.pk, "title": str(entry.title), "category": str(entry.category)}
                for entry in instance.payload_open  # type: ignore[attr-defined]
            ],
            "entries_total": instance.payload_total,  # type: ignore[attr-defined]
            "legal_duty": str(instance.legal_duty),
            "created_by": user_summary(instance.created_by),
            "created": DATETIME.to_representation(instance.created),
            "sent_at": or_none(DATETIME, instance.sent_at),
            "due_at": or_none(DATETIME, instance.due_at),
            "overdue": instance.overdue,
            "answered_by": _user_or_none(instance.answered_by),
            "answered_at": or_none(DATETIME, instance.answered_at),
            "decline_reason": str(instance.decline_reason),
            "suggested_services": [
                {"id": str(service.pk), "name": str(service.name), "finder_url": _finder(service)}
                for service in instance.suggested  # type: ignore[attr-defined]
            ],
            "helper": _user_or_none(instance.helper),
            "withdrawn_at": or_none(DATETIME, instance.withdrawn_at),
        }

    @extend_schema_field(ReferralEntrySerializer(many=True))
    def get_entries(self, referral: Referral) -> list:
        return list(ReferralEntrySerializer(referral.payload_open, many=True).data)  # type: ignore[attr-defined]

    @extend_schema_field(serializers.IntegerField())
    def get_entries_total(self, referral: Referral) -> int:
        return referral.payload_total  # type: ignore[attr-defined]

    @extend_schema_field(SuggestedServiceSerializer(many=True))
    def get_suggested_services(self, referral: Referral) -> list:
        return list(SuggestedServiceSerializer(referral.suggested, many=True).data)  # type: ignore[attr-defined]


def _user_or_none(user: User | None) -> dict[str, Any] | None:
    return None if user is None else user_summary(user)
