from typing import Any

from django.conf import settings
from django.utils.text import capfirst
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import PRESENTATION_MAX_CHARS, Notification, User
from .notifications import kind_choices
from .services import PHONE_INPUT_MAX_CHARS, PROFILE_CHANNELS, notification_text, user_channels


def version_field(*, min_value: int, what: str) -> serializers.IntegerField:
    """The optional version a writer started from (coordination.errors.require_version): given,
    it must be the current one, or nothing is written and the answer is 409
    {"detail","yours","current"}."""
    return serializers.IntegerField(
        min_value=min_value,
        required=False,
        default=None,
        allow_null=True,
        help_text=f"{what} Given, it must be the current one or nothing is written: 409 "
        '{"detail","yours","current"}.',
    )


# A plain Serializer with its three fields spelled out: a ModelSerializer inspects the model each
# time it is made, and this one is made for every author of every row of some lists (1.6 against
# 0.4 ms a person, benchmarks/README.md). The schema is the same.
class UserSummarySerializer(serializers.Serializer):
    """How a person appears inside other objects: {"id", "username", "display_name"}."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(
        read_only=True,
        label=capfirst(User._meta.get_field("username").verbose_name),
        help_text=User._meta.get_field("username").help_text,
    )
    display_name = serializers.CharField(source="name", read_only=True)


def user_summary(user: User) -> dict[str, Any]:
    """UserSummarySerializer's answer built directly, for hot reads that build their answer
    without serializer fields (cases.serializers.EntryOutputSerializer)."""
    return {"id": user.pk, "username": str(user.username), "display_name": str(user.name)}


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="name", read_only=True)
    language = serializers.CharField(source="preferred_language", read_only=True)
    channels = serializers.SerializerMethodField()
    birth_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="Only the municipality changes it."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "phone",
            "channels",
            "language",
            "presentation",
            "birth_date",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=PROFILE_CHANNELS))
    )
    def get_channels(self, user: User) -> list[str]:
        return user_channels(user)


class MeUpdateSerializer(serializers.Serializer):
    """What a person changes on their own profile; every field optional. The service checks
    the rules (a reachable phone, an address for each channel) and saves all or nothing."""

    display_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, trim_whitespace=True
    )
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=PHONE_INPUT_MAX_CHARS,
        help_text="Norwegian (+47 assumed) or international with a country code; stored as E.164.",
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=PROFILE_CHANNELS),
        required=False,
        max_length=len(PROFILE_CHANNELS),
        help_text='"in_app" is always on and must be in the list.',
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    presentation = serializers.CharField(
        required=False, allow_blank=True, max_length=PRESENTATION_MAX_CHARS
    )


class PresentationSerializer(serializers.Serializer):
    presentation = serializers.CharField(
        allow_blank=True, max_length=PRESENTATION_MAX_CHARS, trim_whitespace=True
    )


class TokenRequestSerializer(serializers.Serializer):
    # Longer than any username: refused here, before django-axes records the failed login in
    # its 255-character column (the bound is Django's AuthenticationForm's).
    username = serializers.CharField(max_length=User._meta.get_field("username").max_length or 254)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    # Staff, catalogue editors and (outside development) helpers need it: see two_factor.py.
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="The code from the authenticator app, or a recovery code.",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class NotificationKindField(serializers.ChoiceField):
    """The registered kinds as an enum. DRF builds a serializer's fields anew (from these
    arguments) for every serializer, so the choices are read after every app has registered
    its kinds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=kind_choices(), **kwargs)


class NotificationSerializer(serializers.ModelSerializer):
    kind = NotificationKindField(read_only=True)
    case = serializers.IntegerField(source="case_id", allow_null=True, read_only=True)
    entry = serializers.IntegerField(source="entry_id", allow_null=True, read_only=True)
    text = serializers.SerializerMethodField()
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "case", "entry", "text", "created", "read"]
        read_only_fields = fields

    def get_text(self, notification: Notification) -> str:
        return notification_text(notification)

    def to_representation(self, instance: Notification) -> dict[str, Any]:
        """The fields above, built directly: the inbox is the most read list, and DRF's walk
        over the fields was a quarter of its time (benchmarks/README.md). The declared fields
        stay the schema; tests/coordination/test_notifications_api.py holds the two equal."""
        return {
            "id": instance.pk,
            "kind": instance.kind,
            "case": instance.case_id,
            "entry": instance.entry_id,
            "text": notification_text(instance),
            "created": _TIMESTAMP.to_representation(instance.created),
            "read": instance.is_read,
        }


# DRF's own timestamp format (ISO 8601 in the current time zone), as the declared field gives it.
_TIMESTAMP = serializers.DateTimeField()
