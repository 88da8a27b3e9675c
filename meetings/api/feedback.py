"""Evaluations after a meeting, and the personal calendar feed."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination.rest import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
)

from .. import selectors, services
from ..serializers import (
    CalendarFeedSerializer,
    EvaluationInputSerializer,
    EvaluationSummarySerializer,
)
from .meetings import TAGS


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
    feed = reverse("meetings:calendar-feed", kwargs={"token": token})
    return Response({"url": request.build_absolute_uri(feed)})


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
