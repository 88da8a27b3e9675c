"""Rooms: a conversation the young person opens for people on the team they choose."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Entry
from cases.selectors import access_case, team_users
from cases.serializers import valid_for_case
from consent.models import Room
from coordination.models import User
from coordination.rest import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    page_of,
    paginated,
    users_from_ids,
)

from ..rooms import selectors, services
from ..rooms.serializers import (
    RoomInputSerializer,
    RoomMemberInputSerializer,
    RoomMessageInputSerializer,
    RoomMessageOutputSerializer,
    RoomOutputSerializer,
)


def _room_data(room: Room, user: User) -> dict[str, Any]:
    (row,) = selectors.room_rows(user=user, rooms=[room])
    return RoomOutputSerializer(row).data


class RoomListApi(APIView):
    @extend_schema(
        summary="The rooms of a case that I am in",
        description=(
            "The young person is in every room of their case; anyone else in the rooms they are "
            "a member of now. `unread` counts the messages since the caller last read the room."
        ),
        operation_id="v1_case_rooms_list",
        responses={200: page_of(RoomOutputSerializer), 404: NOT_FOUND},
        tags=["rooms"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_case(user=user, case_id=case_id)

        def rows(rooms: list[Room]) -> list[selectors.RoomRow]:
            return selectors.room_rows(user=user, rooms=rooms)

        rooms = selectors.rooms_listed(user=user, case=case)
        return paginated(request, self, rooms, RoomOutputSerializer, build=rows)

    @extend_schema(
        summary="The young person opens a room",
        description=(
            "`members`: people on the team (not the young person, who is in every room of "
            "theirs). Each is told, without content. Anyone else on the case: 403."
        ),
        request=RoomInputSerializer,
        responses={201: RoomOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Sara's team",
                value={"title": "Skolen og helsa", "members": [4, 5]},
                request_only=True,
            )
        ],
        tags=["rooms"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_case(user=user, case_id=case_id)
        data = RoomInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        members = users_from_ids(
            data.validated_data["members"], field="members", among=team_users(case=case)
        )
        room = services.room_create(
            case_id=case.pk, actor=user, title=data.validated_data["title"], members=members
        )
        return Response(_room_data(room, user), status=status.HTTP_201_CREATED)


class RoomMessageListApi(APIView):
    @extend_schema(
        summary="The messages of a room that I may read, oldest first",
        description=(
            "Someone added later reads the earlier messages only if the young person showed "
            "them. Every message returned is logged as opened; the room counts as read."
        ),
        operation_id="v1_room_messages_list",
        responses={200: page_of(RoomMessageOutputSerializer), 404: NOT_FOUND},
        tags=["rooms"],
    )
    def get(self, request: Request, room_id: int) -> Response:
        user = authenticated_user(request)
        room = selectors.access_room(user=user, room_id=room_id)

        def read(messages: list[Entry]) -> list[Entry]:
            services.room_read(room=room, user=user, messages=messages, via="api")
            return messages

        messages = selectors.room_messages(user=user, room=room)
        return paginated(request, self, messages, RoomMessageOutputSerializer, build=read)

    @extend_schema(
        summary="Write in a room",
        description=(
            "The message is an entry shared through the share path to exactly who is in the "
            "room now: basis `own_choice` when the young person writes, `room` otherwise (the "
            "members the young person chose are their consent for the room). A closed room or "
            "case: 409."
        ),
        request=RoomMessageInputSerializer,
        responses={
            201: RoomMessageOutputSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[OpenApiExample("A message", value={"body": "Hei alle!"}, request_only=True)],
        tags=["rooms"],
    )
    def post(self, request: Request, room_id: int) -> Response:
        user = authenticated_user(request)
        room = selectors.access_room(user=user, room_id=room_id)
        data = RoomMessageInputSerializer(data=request.data)
        valid_for_case(data, case=room.case)
        entry = services.room_message_send(
            room_id=room_id, author=user, body=data.validated_data["body"]
        )
        message = selectors.room_messages(user=user, room=entry.room_message.room).get(pk=entry.pk)
        return Response(RoomMessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)


class RoomMemberAddApi(APIView):
    @extend_schema(
        summary="The young person adds someone on the team to a room",
        description=(
            "They read the messages from now on; the earlier ones only with "
            "`show_earlier: true` (each then shared to them by the young person)."
        ),
        operation_id="v1_room_members_add",
        request=RoomMemberInputSerializer,
        responses={
            201: RoomOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        tags=["rooms"],
    )
    def post(self, request: Request, room_id: int) -> Response:
        user = authenticated_user(request)
        room = selectors.access_room(user=user, room_id=room_id)
        data = RoomMemberInputSerializer(data=request.data)
        valid_for_case(data, case=room.case)
        (member,) = users_from_ids(
            [data.validated_data["user"]], field="user", among=team_users(case=room.case)
        )
        room = services.room_member_add(
            room_id=room.pk,
            actor=user,
            user=member,
            show_earlier=data.validated_data["show_earlier"],
        )
        return Response(_room_data(room, user), status=status.HTTP_201_CREATED)


class RoomMemberRemoveApi(APIView):
    @extend_schema(
        summary="The young person takes someone out of a room",
        description="The messages they were shown end for them at once; they are told.",
        operation_id="v1_room_members_remove",
        request=None,
        responses={200: RoomOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        tags=["rooms"],
    )
    def post(self, request: Request, room_id: int, user_id: int) -> Response:
        user = authenticated_user(request)
        room = services.room_member_remove(room_id=room_id, actor=user, user_id=user_id)
        return Response(_room_data(room, user))


class RoomLeaveApi(APIView):
    @extend_schema(
        summary="Leave a room (not the young person: they close it)",
        description="The room's messages end for the one who leaves; the young person is told.",
        operation_id="v1_room_leave",
        request=None,
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        tags=["rooms"],
    )
    def post(self, request: Request, room_id: int) -> Response:
        services.room_leave(room_id=room_id, actor=authenticated_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomCloseApi(APIView):
    @extend_schema(
        summary="The young person closes a room: read only from now on",
        operation_id="v1_room_close",
        request=None,
        responses={200: RoomOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=["rooms"],
    )
    def post(self, request: Request, room_id: int) -> Response:
        user = authenticated_user(request)
        room = services.room_close(room_id=room_id, actor=user)
        return Response(_room_data(room, user))
