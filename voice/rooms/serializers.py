from typing import Any

from rest_framework import serializers

from cases.models import Entry
from cases.serializers import DATETIME, or_none
from coordination.serializers import UserSummarySerializer

from .selectors import RoomRow

# Ids beyond PostgreSQL's bigint are nobody: a 400 on the field, never a database error.
USER_ID = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class RoomInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    members = serializers.ListField(child=USER_ID, max_length=100)


class RoomOutputSerializer(serializers.Serializer):
    """`members`: who is in the room now besides the young person (user ids); `closed` is null
    while people can write; `unread`: messages for the caller since they last read the room.
    Serializes voice.rooms.selectors.RoomRow."""

    id = serializers.IntegerField(source="room.pk")
    title = serializers.CharField(source="room.title")

    members = serializers.ListField(child=serializers.IntegerField(), source="member_ids")
    created = serializers.DateTimeField(source="room.created")
    closed = serializers.DateTimeField(source="room.closed_at", allow_null=True)
    unread = serializers.IntegerField(source="unread_count")

    def to_representation(self, instance: RoomRow) -> dict[str, Any]:
        """The fields above, built directly (the rooms list answers a page of them);
        tests/cases/test_direct_output.py holds the two equal."""
        room = instance.room
        return {
            "id": room.pk,
            "title": str(room.title),
            "members": list(instance.member_ids),
            "created": DATETIME.to_representation(room.created),
            "closed": or_none(DATETIME, room.closed_at),
            "unread": instance.unread_count,
        }


class RoomMemberInputSerializer(serializers.Serializer):
    user = USER_ID
    show_earlier = serializers.BooleanField(default=False)


class RoomMessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


class RoomMessageOutputSerializer(serializers.ModelSerializer):
    """`id` is the message's, `entry` its entry's (who-knows-what and the access log name it)."""

    id = serializers.IntegerField(source="room_message.pk", read_only=True)
    entry = serializers.IntegerField(source="pk", read_only=True)
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Entry
        fields = ["id", "entry", "author", "body", "created"]
        read_only_fields = fields
