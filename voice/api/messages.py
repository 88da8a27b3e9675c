"""Messages between the young person and their helpers."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Entry
from cases.selectors import access_case, team_users
from cases.serializers import valid_for_case
from coordination.rest import (
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    page_of,
    paginated,
    users_from_ids,
)

from .. import selectors, services
from ..serializers import (
    MessageInputSerializer,
    MessageOutputSerializer,
    UnreadSerializer,
)


class MessageListApi(APIView):
    @extend_schema(
        summary="The conversation of a case: the messages I may read, oldest first",
        description="Every message returned is logged as opened by the caller.",
        operation_id="v1_case_messages_list",
        responses={200: page_of(MessageOutputSerializer), 404: NOT_FOUND},
        tags=["messages"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_case(user=user, case_id=case_id)

        def read(messages: list[Entry]) -> list[Entry]:
            services.messages_read(case=case, user=user, messages=messages, via="api")
            return messages

        messages = selectors.messages_listed(user=user, case=case)
        return paginated(request, self, messages, MessageOutputSerializer, build=read)

    @extend_schema(
        summary="Send a message",
        description=(
            "The young person names `recipients` (people on the team); each gets it through the "
            "share path with basis `own_choice`. A helper's message goes to the young person and "
            "takes no `recipients`."
        ),
        request=MessageInputSerializer,
        responses={201: MessageOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Jonas to his teacher",
                value={"body": "Kan vi snakke etter timen?", "recipients": [5]},
                request_only=True,
            )
        ],
        tags=["messages"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(user=authenticated_user(request), case_id=case_id)
        data = MessageInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        recipients = users_from_ids(
            data.validated_data["recipients"], field="recipients", among=team_users(case=case)
        )
        message = services.message_send(
            case=case,
            author=authenticated_user(request),
            body=data.validated_data["body"],
            recipients=recipients,
        )
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)


class UnreadApi(APIView):
    @extend_schema(
        summary="Unread messages per case (cases with none are left out)",
        responses={200: UnreadSerializer(many=True)},
        tags=["messages"],
    )
    def get(self, request: Request) -> Response:
        counts = selectors.unread_messages(user=authenticated_user(request))
        rows = [{"case": case_id, "unread": n} for case_id, n in sorted(counts.items())]
        return Response(UnreadSerializer(rows, many=True).data)
