from django.contrib.auth import authenticate, logout
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .rest import BAD_INPUT, THROTTLED, authenticated_user
from .selectors import notifications_for, notifications_listed
from .serializers import (
    MeSerializer,
    MeUpdateSerializer,
    NotificationSerializer,
    PresentationSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from .services import (
    api_token_create,
    api_token_revoke,
    notification_mark_read,
    user_presentation_set,
    user_profile_update,
)
from .statements import Paged
from .two_factor import requires_second_factor, verify_otp


class TokenApi(APIView):
    """Exchanges a username and password for an API token (header `Authorization: Token <t>`)
    that ends at `expires` (SAMMEN_TOKEN_TTL), on logout, and when the password changes."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(
                description="A missing field, a wrong username or password, or (for those who "
                "need two-factor sign-in) a missing or refused `otp`."
            ),
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Sara", value={"username": "sara", "password": "demo"}, request_only=True
            )
        ],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Passing the request lets django-axes count failures and lock out.
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Wrong username or password.")]}
            )
        if requires_second_factor(user):
            code = data.validated_data.get("otp", "")
            if not code:
                raise serializers.ValidationError(
                    {"otp": [_("Send the code from your authenticator app as well.")]}
                )
            if not verify_otp(user, code, request=request._request):
                raise serializers.ValidationError({"otp": [_("The code was not accepted.")]})
        token, key = api_token_create(user=user)
        return Response(
            TokenResponseSerializer({"token": key, "expires": token.expiry}).data,
            status=status.HTTP_200_OK,
        )


class LogoutApi(APIView):
    """Ends the credentials of this call: the token at once, or the browser's session."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            api_token_revoke(token=request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(summary="My profile", responses={200: MeSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(authenticated_user(request)).data)

    @extend_schema(
        summary="Change my profile (all or nothing; the birth date only the municipality)",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, 400: BAD_INPUT},
        examples=[
            OpenApiExample(
                "SMS too",
                value={"phone": "912 34 567", "channels": ["in_app", "email", "sms"]},
                request_only=True,
            )
        ],
        tags=["auth"],
    )
    def patch(self, request: Request) -> Response:
        if isinstance(request.data, dict) and "birth_date" in request.data:
            raise serializers.ValidationError(
                {"birth_date": [_("Only the municipality can change your birth date.")]}
            )
        data = MeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_profile_update(user=authenticated_user(request), **data.validated_data)
        return Response(MeSerializer(user).data)


class PresentationApi(APIView):
    """The caller's own presentation, shown to a young person choosing an ungdomshjelper."""

    @extend_schema(
        summary="My presentation",
        operation_id="v1_me_presentation_retrieve",
        responses={200: PresentationSerializer},
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        return Response(PresentationSerializer(authenticated_user(request)).data)

    @extend_schema(
        summary="Write my presentation (plain text, at most 500 characters; empty removes it)",
        operation_id="v1_me_presentation_update",
        request=PresentationSerializer,
        responses={200: PresentationSerializer, 400: None},
        examples=[
            OpenApiExample(
                "A coordinator",
                value={"presentation": "Jeg jobber i kommunen og liker å gå tur mens vi prater."},
                request_only=True,
            )
        ],
        tags=["auth"],
    )
    def put(self, request: Request) -> Response:
        data = PresentationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_presentation_set(
            user=authenticated_user(request), presentation=data.validated_data["presentation"]
        )
        return Response(PresentationSerializer(user).data)


@extend_schema(
    tags=["notifications"],
    parameters=[
        OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only notifications not read yet")
    ],
    examples=[
        OpenApiExample(
            "A shared entry",
            value={
                "id": 12,
                "kind": "entry_shared",
                "case": 1,
                "entry": 7,
                "text": "Noe om deg er delt med en hjelper. Se hvem som vet hva i Sammen.",
                "created": "2026-11-23T10:15:00+01:00",
                "read": False,
            },
            response_only=True,
        )
    ],
)
class NotificationListApi(ListAPIView):
    """My notifications, newest first. Texts say what happened, never what it is about."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> Paged:  # type: ignore[override]
        unread = self.request.query_params.get("unread") in {"1", "true", "yes"}
        return notifications_listed(user=authenticated_user(self.request), unread_only=unread)


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses={200: NotificationSerializer}, tags=["notifications"])
    def post(self, request: Request, notification_id: int) -> Response:
        # Someone else's notification is "not found", like one that does not exist.
        notification = get_object_or_404(
            notifications_for(user=authenticated_user(request)), pk=notification_id
        )
        notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)
