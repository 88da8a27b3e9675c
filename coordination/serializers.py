from rest_framework import serializers

from .models import User


class UserSummarySerializer(serializers.ModelSerializer):
    """How a person appears inside other objects: {"id", "username", "display_name"}."""

    display_name = serializers.CharField(source="name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="name", read_only=True)
    language = serializers.CharField(source="preferred_language", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "language"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
