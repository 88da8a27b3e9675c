"""After the meeting: minutes (review, approval, distribution) and action items."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import team_users
from cases.serializers import valid_for_case
from consent.serializers import ConsentRequestOutputSerializer, DisclosureOutputSerializer
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

from .. import selectors, services
from ..models import Minutes
from ..serializers import (
    ActionItemInputSerializer,
    ActionItemOutputSerializer,
    ActionItemStatusSerializer,
    DistributeInputSerializer,
    MinutesApproveInputSerializer,
    MinutesCommentInputSerializer,
    MinutesInputSerializer,
    MinutesOutputSerializer,
)
from .meetings import TAGS


def _minutes_body(request: Request, meeting_id: int) -> Response:
    """Recipients get the approved version only; drafts and the young person's comments stay
    between the young person and the organiser."""
    minutes = services.minutes_open(
        user=authenticated_user(request), meeting_id=meeting_id, via="api"
    )
    full = selectors.sees_minutes_drafts(meeting=minutes.meeting, user=authenticated_user(request))
    return Response(MinutesOutputSerializer(minutes, context={"full": full}).data)


class MinutesApi(APIView):
    @extend_schema(
        summary="Minutes: the young person, the organiser, and whoever received them",
        responses={200: MinutesOutputSerializer, 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        return _minutes_body(request, meeting_id)

    @extend_schema(
        summary="Save a new version of the draft (the organiser)",
        description='With `"version"`, the version the writer started from: 409 `{"detail",'
        '"yours","current"}` (nothing saved) when someone saved a newer one since.',
        request=MinutesInputSerializer,
        responses={200: MinutesOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def put(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = MinutesInputSerializer(data=request.data)
        valid_for_case(data, case=meeting.case)
        services.minutes_save(
            meeting=meeting, actor=authenticated_user(request), **data.validated_data
        )
        return _minutes_body(request, meeting_id)


class MinutesSubmitApi(APIView):
    @extend_schema(
        summary="Send the draft to the young person to review",
        request=None,
        responses={200: MinutesOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        minutes = selectors.access_minutes(user=authenticated_user(request), meeting_id=meeting_id)
        services.minutes_submit(minutes=minutes, actor=authenticated_user(request))
        return _minutes_body(request, meeting_id)


class MinutesCommentApi(APIView):
    @extend_schema(
        summary="The young person comments or asks for a correction",
        request=MinutesCommentInputSerializer,
        responses={200: MinutesOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        minutes = selectors.access_minutes(user=authenticated_user(request), meeting_id=meeting_id)
        data = MinutesCommentInputSerializer(data=request.data)
        valid_for_case(data, case=minutes.meeting.case)
        services.minutes_comment(
            minutes=minutes, actor=authenticated_user(request), **data.validated_data
        )
        return _minutes_body(request, meeting_id)


class MinutesApproveApi(APIView):
    @extend_schema(
        summary="The young person approves the version under review",
        description='With `{"version": n}`, the version they read: 409 `{"detail","yours",'
        '"current"}` (nothing approved) when a newer one has been sent since.',
        request=MinutesApproveInputSerializer,
        responses={200: MinutesOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        minutes = selectors.access_minutes(user=authenticated_user(request), meeting_id=meeting_id)
        data = MinutesApproveInputSerializer(data=request.data)
        valid_for_case(data, case=minutes.meeting.case)
        services.minutes_approve(
            minutes=minutes, actor=authenticated_user(request), **data.validated_data
        )
        return _minutes_body(request, meeting_id)


class MinutesDistributeApi(APIView):
    @extend_schema(
        summary="Send approved minutes out through the share path (the organiser)",
        description="201 when standing rules cover every recipient; 202 when the consent "
        "authority is asked. 409 (nothing shared) when the young person has not approved.",
        request=DistributeInputSerializer,
        responses={
            201: None,
            202: None,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[OpenApiExample("Two helpers", value={"recipients": [4, 5]}, request_only=True)],
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        minutes = selectors.access_minutes(user=authenticated_user(request), meeting_id=meeting_id)
        data = DistributeInputSerializer(data=request.data)
        valid_for_case(data, case=minutes.meeting.case)
        result = services.minutes_distribute(
            minutes=minutes,
            actor=authenticated_user(request),
            recipients=users_from_ids(
                data.validated_data["recipients"],
                field="recipients",
                among=team_users(case=minutes.meeting.case),
            ),
            category=data.validated_data["category"],
        )
        minutes = Minutes.objects.get(pk=minutes.pk)
        body: dict = {"status": result.status, "entry": minutes.entry_id}
        if result.consent_request is not None:
            body["consent_request"] = ConsentRequestOutputSerializer(
                result.consent_request, context={"request": request}
            ).data
            return Response(body, status=status.HTTP_202_ACCEPTED)
        body["disclosures"] = DisclosureOutputSerializer(result.disclosures, many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class MeetingActionItemsApi(APIView):
    @extend_schema(
        summary="Tasks from this meeting that I may see",
        responses={200: page_of(ActionItemOutputSerializer), 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        queryset = selectors.action_items_visible(user=authenticated_user(request)).filter(
            meeting=meeting
        )
        return paginated(request, self, queryset, ActionItemOutputSerializer)

    @extend_schema(
        summary="Add a task: exactly one owner on the case and a due date (the organiser)",
        request=ActionItemInputSerializer,
        responses={201: ActionItemOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Teacher",
                value={"description": "lage en plan", "owner": 5, "due": "2027-03-01"},
                request_only=True,
            )
        ],
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = ActionItemInputSerializer(data=request.data)
        valid_for_case(data, case=meeting.case)
        owner_id = data.validated_data["owner"]
        owner = (
            users_from_ids([owner_id], field="owner", among=team_users(case=meeting.case))[0]
            if owner_id
            else None
        )
        item = services.action_item_create(
            meeting=meeting,
            actor=authenticated_user(request),
            description=data.validated_data["description"],
            owner=owner,
            due=data.validated_data["due"],
        )
        return Response(ActionItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class ActionItemListApi(APIView):
    @extend_schema(
        summary="Tasks about me (young person), of my meetings, or mine to do",
        responses={200: page_of(ActionItemOutputSerializer)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.action_items_visible(user=authenticated_user(request))
        return paginated(request, self, queryset, ActionItemOutputSerializer)


class ActionItemDetailApi(APIView):
    @extend_schema(
        summary="Set the status (the owner or the organiser)",
        request=ActionItemStatusSerializer,
        responses={200: ActionItemOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        tags=TAGS,
    )
    def patch(self, request: Request, item_id: int) -> Response:
        item = selectors.access_action_item(user=authenticated_user(request), item_id=item_id)
        data = ActionItemStatusSerializer(data=request.data)
        valid_for_case(data, case=item.meeting.case)
        item = services.action_item_set_status(
            item=item, actor=authenticated_user(request), status=data.validated_data["status"]
        )
        return Response(ActionItemOutputSerializer(item).data)
