"""JSON API for meetings (docs/architecture.md §6 and §8). Thin: selectors read, services write.
What the caller may not see is 404; 403 only where they see the meeting but may not act."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import access_case, team_users
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

from . import selectors, services
from .models import AgendaItem, Minutes
from .serializers import (
    ActionItemInputSerializer,
    ActionItemOutputSerializer,
    ActionItemStatusSerializer,
    AgendaItemSerializer,
    AttendanceOutputSerializer,
    CalendarFeedSerializer,
    ChooseInputSerializer,
    DistributeInputSerializer,
    EvaluationInputSerializer,
    EvaluationSummarySerializer,
    MeetingInputSerializer,
    MeetingOutputSerializer,
    MeetingUpdateSerializer,
    MinutesApproveInputSerializer,
    MinutesCommentInputSerializer,
    MinutesInputSerializer,
    MinutesOutputSerializer,
    ProposeInputSerializer,
)

TAGS = ["meetings"]


def _meeting_body(request: Request, meeting_id: int) -> Response:
    meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
    return Response(MeetingOutputSerializer(meeting).data)


class CaseMeetingsApi(APIView):
    @extend_schema(
        summary="Meetings on a case that I may see",
        responses={200: page_of(MeetingOutputSerializer), 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = access_case(user=authenticated_user(request), case_id=case_id)
        queryset = selectors.meetings_for_case(user=authenticated_user(request), case=case)
        return paginated(request, self, queryset, MeetingOutputSerializer)

    @extend_schema(
        summary="Plan a meeting (the ungdomshjelper, or a helper when the case has none)",
        description="`kind` defaults to `start` for the first meeting on a case. `attendees` "
        "are suggestions: nobody is invited until the young person has chosen.",
        request=MeetingInputSerializer,
        responses={201: MeetingOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Start meeting",
                value={
                    "title": "Oppstartsmøte",
                    "starts_at": "2026-12-01T14:00:00+01:00",
                    "duration_minutes": 60,
                    "place": "Helsestasjonen",
                    "attendees": [4, 5],
                },
                request_only=True,
            )
        ],
        tags=TAGS,
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(user=authenticated_user(request), case_id=case_id)
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        attendees = users_from_ids(
            values.pop("attendees"), field="attendees", among=team_users(case=case)
        )
        meeting = services.meeting_create(
            case=case, actor=authenticated_user(request), attendees=attendees, **values
        )
        return Response(MeetingOutputSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    @extend_schema(responses={200: MeetingOutputSerializer, 404: NOT_FOUND}, tags=TAGS)
    def get(self, request: Request, meeting_id: int) -> Response:
        return _meeting_body(request, meeting_id)

    @extend_schema(
        summary="Change time or place (the organiser); everyone invited is told",
        request=MeetingUpdateSerializer,
        responses={
            200: MeetingOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        tags=TAGS,
    )
    def patch(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = MeetingUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.meeting_update(
            meeting=meeting, actor=authenticated_user(request), **data.validated_data
        )
        return _meeting_body(request, meeting_id)


class AttendanceApi(APIView):
    @extend_schema(
        summary="Who is proposed, what the young person wants, who decided and who is invited",
        responses={200: page_of(AttendanceOutputSerializer), 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        queryset = selectors.attendances_for_meeting(meeting=meeting)
        return paginated(request, self, queryset, AttendanceOutputSerializer)

    @extend_schema(
        summary="The young person's choice of who comes (or the consent authority's decision)",
        description="200 with `invited: true` when invitations went out; `false` when only the "
        "young person's wish was recorded because their guardians decide.",
        request=ChooseInputSerializer,
        responses={200: None, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        examples=[OpenApiExample("Not mum", value={"coming": [4, 5]}, request_only=True)],
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = ChooseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        representative_id = data.validated_data["representative"]
        representative = (
            users_from_ids(
                [representative_id], field="representative", among=team_users(case=meeting.case)
            )[0]
            if representative_id
            else None
        )
        invited = services.attendance_choose(
            meeting=meeting,
            actor=authenticated_user(request),
            coming=data.validated_data["coming"],
            youth_presence=data.validated_data["youth_presence"],
            representative=representative,
        )
        return Response({"invited": invited})


class ProposeApi(APIView):
    @extend_schema(
        summary="Suggest more people (the organiser); someone not on the case is 400",
        request=ProposeInputSerializer,
        responses={204: None, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = ProposeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.attendance_propose(
            meeting=meeting,
            actor=authenticated_user(request),
            users=users_from_ids(
                data.validated_data["users"], field="users", among=team_users(case=meeting.case)
            ),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgendaApi(APIView):
    @extend_schema(
        summary="The agenda as I may see it (the young person's private topics only to them)",
        responses={200: page_of(AgendaItemSerializer), 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        queryset = selectors.agenda_for(meeting=meeting, user=authenticated_user(request))
        return paginated(request, self, queryset, AgendaItemSerializer)

    @extend_schema(
        request=AgendaItemSerializer,
        responses={201: AgendaItemSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample("Private", value={"title": "Fritid", "private": True}, request_only=True)
        ],
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = AgendaItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.agenda_item_add(
            meeting=meeting, actor=authenticated_user(request), **data.validated_data
        )
        return Response(AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)


class AgendaPublishApi(APIView):
    @extend_schema(
        summary=f"Send out the agenda (the organiser); it goes out by itself "
        f"{settings.SAMMEN_AGENDA_PUBLISH_BEFORE} before the meeting",
        request=None,
        responses={200: MeetingOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        services.agenda_publish(meeting=meeting, actor=authenticated_user(request))
        return _meeting_body(request, meeting_id)


class AgendaItemPublishApi(APIView):
    @extend_schema(
        summary="Share my private topic on the agenda",
        request=None,
        responses={200: AgendaItemSerializer, 404: NOT_FOUND},
        tags=TAGS,
    )
    def post(self, request: Request, item_id: int) -> Response:
        item = AgendaItem.objects.filter(pk=item_id, author=authenticated_user(request)).first()
        if item is None:
            raise Http404
        selectors.access_meeting(user=authenticated_user(request), meeting_id=item.meeting_id)
        item = services.agenda_item_publish(item=item, actor=authenticated_user(request))
        return Response(AgendaItemSerializer(item).data)


class MeetingHeldApi(APIView):
    @extend_schema(
        summary="Mark the meeting as held (the organiser): minutes and evaluation open",
        request=None,
        responses={200: MeetingOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        services.meeting_mark_held(meeting=meeting, actor=authenticated_user(request))
        return _meeting_body(request, meeting_id)


class MeetingCancelApi(APIView):
    @extend_schema(
        summary="Cancel the meeting (the organiser); everyone invited is told",
        request=None,
        responses={200: MeetingOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        services.meeting_cancel(meeting=meeting, actor=authenticated_user(request))
        return _meeting_body(request, meeting_id)


class MeetingTakeOverApi(APIView):
    @extend_schema(
        summary="Take over an upcoming meeting whose organiser has left the case",
        description="For whoever may organise meetings on the case now (the ungdomshjelper).",
        request=None,
        responses={200: MeetingOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        services.meeting_take_over(meeting=meeting, actor=authenticated_user(request))
        return _meeting_body(request, meeting_id)


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
        data.is_valid(raise_exception=True)
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
        data.is_valid(raise_exception=True)
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
        data.is_valid(raise_exception=True)
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
        data.is_valid(raise_exception=True)
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
        data.is_valid(raise_exception=True)
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
        data.is_valid(raise_exception=True)
        item = services.action_item_set_status(
            item=item, actor=authenticated_user(request), status=data.validated_data["status"]
        )
        return Response(ActionItemOutputSerializer(item).data)


class EvaluationApi(APIView):
    @extend_schema(
        summary="Answer the after-meeting form (0 no, 1 partly, 2 yes); anonymous if wanted",
        request=EvaluationInputSerializer,
        responses={201: None, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Anonymous",
                value={"heard": 2, "understood": 1, "useful": 2, "anonymous": True},
                request_only=True,
            )
        ],
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = EvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.evaluation_submit(
            meeting=meeting, actor=authenticated_user(request), **data.validated_data
        )
        return Response(status=status.HTTP_201_CREATED)


class EvaluationSummaryApi(APIView):
    @extend_schema(
        summary="Aggregated answers (the organiser); hidden below five answers",
        responses={200: EvaluationSummarySerializer, 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        if meeting.organiser_id != authenticated_user(request).pk:
            raise Http404
        summary = selectors.evaluation_for_meeting(meeting=meeting)
        return Response(EvaluationSummarySerializer(summary).data)


def _feed_body(request: Request, token: str) -> Response:
    return Response({"url": request.build_absolute_uri(f"/meetings/calendar/{token}.ics")})


class CalendarFeedApi(APIView):
    @extend_schema(
        summary="My personal calendar feed address (keep it secret)",
        responses={200: CalendarFeedSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return _feed_body(
            request, services.calendar_feed_for(user=authenticated_user(request)).token
        )


class CalendarFeedResetApi(APIView):
    @extend_schema(
        summary="A new feed address; the old one answers 404 from now on",
        request=None,
        responses={200: CalendarFeedSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        return _feed_body(
            request, services.calendar_feed_reset(user=authenticated_user(request)).token
        )
