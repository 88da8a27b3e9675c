"""Planning a meeting: the meeting, who comes, the agenda, held, cancelled, taken over."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import access_case, team_users
from cases.serializers import valid_for_case
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
from ..models import AgendaItem
from ..serializers import (
    AgendaItemSerializer,
    AttendanceOutputSerializer,
    ChooseInputSerializer,
    GuardiansDecisionInputSerializer,
    GuardiansOutputSerializer,
    GuardiansWishInputSerializer,
    MeetingInputSerializer,
    MeetingOutputSerializer,
    MeetingUpdateSerializer,
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
        meetings = selectors.meetings_listed(user=authenticated_user(request), case=case)
        return paginated(request, self, meetings, MeetingOutputSerializer)

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
        valid_for_case(data, case=case)
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
        valid_for_case(data, case=meeting.case)
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
        valid_for_case(data, case=meeting.case)
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


def _guardians_body(request: Request, meeting_id: int) -> Response:
    user = authenticated_user(request)
    meeting = selectors.access_meeting(user=user, meeting_id=meeting_id)
    guardians = selectors.access_guardians(meeting=meeting, user=user)
    return Response(GuardiansOutputSerializer(guardians).data)


class GuardiansApi(APIView):
    @extend_schema(
        summary="Whether the guardians come: the young person's wish and the decision",
        description="For the young person, whoever decides who comes, and the organiser; 404 "
        "for anyone else. The wish fields are null until the young person has answered.",
        responses={200: GuardiansOutputSerializer, 404: NOT_FOUND},
        tags=TAGS,
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        return _guardians_body(request, meeting_id)


class GuardiansWishApi(APIView):
    @extend_schema(
        summary="The young person says whether they want their guardians at the meeting",
        description="Asked before the guardians decide; changeable until they have. 409 when "
        "the young person decides themself (then they post a decision).",
        request=GuardiansWishInputSerializer,
        responses={
            200: GuardiansOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Not dad", value={"wish": "no", "why": "Vi krangler mye."}, request_only=True
            )
        ],
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = GuardiansWishInputSerializer(data=request.data)
        valid_for_case(data, case=meeting.case)
        services.guardians_wish_give(
            meeting=meeting, actor=authenticated_user(request), **data.validated_data
        )
        return _guardians_body(request, meeting_id)


class GuardiansDecisionApi(APIView):
    @extend_schema(
        summary="Decide whether the guardians come (whoever decides who comes)",
        description="Guardians decide once the young person has answered (409 before); against "
        "a yes or a no they give a `reason`, which the young person reads (400 without).",
        request=GuardiansDecisionInputSerializer,
        responses={
            200: GuardiansOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        tags=TAGS,
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = selectors.access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
        data = GuardiansDecisionInputSerializer(data=request.data)
        valid_for_case(data, case=meeting.case)
        services.guardians_decide(
            meeting=meeting, actor=authenticated_user(request), **data.validated_data
        )
        return _guardians_body(request, meeting_id)


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
        valid_for_case(data, case=meeting.case)
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
        valid_for_case(data, case=meeting.case)
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
