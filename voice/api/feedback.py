"""Feedback on a service, anonymous by default."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination.rest import authenticated_user
from services_registry.models import Service

from .. import selectors, services
from ..serializers import (
    FeedbackInputSerializer,
    FeedbackOutputSerializer,
    FeedbackSummarySerializer,
)


class FeedbackApi(APIView):
    @extend_schema(
        summary="Feedback on the services I act for (hidden below 5 answers per service)",
        operation_id="v1_feedback_list",
        responses={200: FeedbackSummarySerializer(many=True)},
        tags=["feedback"],
    )
    def get(self, request: Request) -> Response:
        summaries = [
            selectors.feedback_summary(service=service)
            for service in selectors.feedback_services_for_helper(user=authenticated_user(request))
        ]
        return Response(FeedbackSummarySerializer(summaries, many=True).data)

    @extend_schema(
        summary="Give feedback on a service helping me (anonymous unless `anonymous` is false)",
        request=FeedbackInputSerializer,
        responses={201: FeedbackOutputSerializer, 400: None},
        examples=[
            OpenApiExample(
                "Anonymous",
                value={"service": "6f1c0c1e-4a8e-4bb1-9d55-6c1a0c2b7d10", "rating": 4},
                request_only=True,
            )
        ],
        tags=["feedback"],
    )
    def post(self, request: Request) -> Response:
        data = FeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = Service.objects.filter(pk=data.validated_data["service"]).first()
        if service is None:
            raise serializers.ValidationError(
                {"service": [_("Choose a service that helps you now.")]}
            )
        feedback = services.feedback_give(
            author=authenticated_user(request),
            service=service,
            rating=data.validated_data["rating"],
            text=data.validated_data["text"],
            anonymous=data.validated_data["anonymous"],
        )
        return Response(FeedbackOutputSerializer(feedback).data, status=status.HTTP_201_CREATED)
