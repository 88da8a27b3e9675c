"""JSON API for referrals (DESIGN §11). Thin: selectors read, services write."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import access_case
from cases.serializers import valid_for_case
from coordination.rest import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    page_of,
    paginated,
)

from . import selectors, services
from .models import Referral
from .serializers import (
    ReferralAcceptInputSerializer,
    ReferralCreateInputSerializer,
    ReferralDeclineInputSerializer,
    ReferralOutputSerializer,
)


def _referral_response(
    request: Request, referral_id: int, code: int = status.HTTP_200_OK
) -> Response:
    """The referral as the caller may see it now (fetched again after a write)."""
    user = authenticated_user(request)
    referral = selectors.access_referral(user=user, referral_id=referral_id)
    [referral] = selectors.referrals_detailed(user=user, referrals=[referral])
    return Response(ReferralOutputSerializer(referral).data, status=code)


ANSWER_RESPONSES = {200: ReferralOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class CaseReferralCreateApi(APIView):
    @extend_schema(
        summary="Refer the young person to a catalogue service (a helper on the case)",
        description=(
            "`entries`: the payload, entries of the case you may open. It reaches the service's "
            "intake through the share path: with `legal_duty` at once (status `sent`), "
            "otherwise the consent authority approves each entry with the purpose first "
            "(status `awaiting_consent`). An empty payload is sent at once."
        ),
        request=ReferralCreateInputSerializer,
        responses={
            201: ReferralOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "With one note",
                value={
                    "service": "7d1c2f8e-1f6a-4a57-9d0e-3a3c1e0b5a11",
                    "purpose": "Vurdering av angst",
                    "entries": [12],
                },
                request_only=True,
            )
        ],
        tags=["referrals"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(user=authenticated_user(request), case_id=case_id)
        data = ReferralCreateInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        referral = services.referral_create(
            case_id=case_id,
            actor=authenticated_user(request),
            service_id=data.validated_data["service"],
            purpose=data.validated_data["purpose"],
            entry_ids=data.validated_data["entries"],
            legal_duty=data.validated_data["legal_duty"],
        )
        return _referral_response(request, referral.pk, status.HTTP_201_CREATED)


class ReferralListApi(APIView):
    @extend_schema(
        summary="Referrals from my cases (`sent`) or to services whose intake I am (`received`)",
        operation_id="v1_referrals_list",
        parameters=[
            OpenApiParameter("box", enum=list(selectors.BOXES), required=False),
            OpenApiParameter("status", enum=Referral.Status.values, required=False),
        ],
        responses={200: page_of(ReferralOutputSerializer), 400: BAD_INPUT},
        tags=["referrals"],
    )
    def get(self, request: Request) -> Response:
        box = request.query_params.get("box")
        wanted = request.query_params.get("status")
        if box is not None and box not in selectors.BOXES:
            raise serializers.ValidationError({"box": [_("Choose sent or received.")]})
        if wanted is not None and wanted not in Referral.Status.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        user = authenticated_user(request)
        return paginated(
            request,
            self,
            selectors.referrals_listed(user=user, box=box, status=wanted),
            ReferralOutputSerializer,
            build=lambda page: selectors.referrals_detailed(user=user, referrals=page),
        )


class ReferralDetailApi(APIView):
    @extend_schema(responses={200: ReferralOutputSerializer, 404: NOT_FOUND}, tags=["referrals"])
    def get(self, request: Request, referral_id: int) -> Response:
        return _referral_response(request, referral_id)


class ReferralAcceptApi(APIView):
    @extend_schema(
        summary="Accept (the service's intake): the helper joins the team for the service",
        request=ReferralAcceptInputSerializer,
        responses={**ANSWER_RESPONSES, 400: BAD_INPUT},
        tags=["referrals"],
    )
    def post(self, request: Request, referral_id: int) -> Response:
        referral = selectors.access_referral(
            user=authenticated_user(request), referral_id=referral_id
        )
        data = ReferralAcceptInputSerializer(data=request.data)
        valid_for_case(data, case=referral.case)
        services.referral_accept(
            referral_id=referral_id,
            actor=authenticated_user(request),
            helper_id=data.validated_data["helper"],
        )
        return _referral_response(request, referral_id)


class ReferralDeclineApi(APIView):
    @extend_schema(
        summary="Decline (the service's intake) with a reason and other services to try",
        description="The young person sees the reason and the suggestions; the payload's "
        "disclosures to the intake end.",
        request=ReferralDeclineInputSerializer,
        responses={**ANSWER_RESPONSES, 400: BAD_INPUT},
        tags=["referrals"],
    )
    def post(self, request: Request, referral_id: int) -> Response:
        referral = selectors.access_referral(
            user=authenticated_user(request), referral_id=referral_id
        )
        data = ReferralDeclineInputSerializer(data=request.data)
        valid_for_case(data, case=referral.case)
        services.referral_decline(
            referral_id=referral_id,
            actor=authenticated_user(request),
            reason=data.validated_data["reason"],
            suggested_service_ids=data.validated_data["suggested_services"],
        )
        return _referral_response(request, referral_id)


class ReferralWithdrawApi(APIView):
    @extend_schema(
        summary="Withdraw a referral not yet answered (the referrer): its disclosures end",
        request=None,
        responses=ANSWER_RESPONSES,
        tags=["referrals"],
    )
    def post(self, request: Request, referral_id: int) -> Response:
        services.referral_withdraw(referral_id=referral_id, actor=authenticated_user(request))
        return _referral_response(request, referral_id)
