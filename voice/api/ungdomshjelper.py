"""Choosing an ungdomshjelper, asking for another, and their own overview."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.serializers import ParticipantOutputSerializer, valid_for_case
from coordination.rest import (
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    page_of,
    paginated,
)

from .. import selectors, services
from ..overview import overview_for
from ..serializers import (
    CaseOverviewSerializer,
    UngdomshjelperChangeSerializer,
    UngdomshjelperChooseInputSerializer,
    UngdomshjelperOutputSerializer,
)


class UngdomshjelperApi(APIView):
    @extend_schema(
        summary="The ungdomshjelper offer: current, whether offered, and the candidates",
        description=(
            "For the young person and a guardian who decides; everyone else 404. "
            "`change_request` is the open request for another ungdomshjelper (or null); while "
            "it is open, `offered` is true and the candidates leave out the current one."
        ),
        responses={200: UngdomshjelperOutputSerializer, 404: NOT_FOUND},
        tags=["ungdomshjelper"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        body = {
            "offered": selectors.ungdomshjelper_offered(case=case),
            "current": selectors.ungdomshjelper_of(case=case),
            "candidates": selectors.ungdomshjelper_candidates(case=case),
            "change_request": selectors.ungdomshjelper_change_open(case=case),
        }
        return Response(UngdomshjelperOutputSerializer(body).data)

    @extend_schema(
        summary="Choose the ungdomshjelper among the candidates",
        request=UngdomshjelperChooseInputSerializer,
        responses={
            201: ParticipantOutputSerializer,
            400: None,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[OpenApiExample("Choose", value={"user": 10}, request_only=True)],
        tags=["ungdomshjelper"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        data = UngdomshjelperChooseInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        # Looked up among the candidates the caller is shown, so an id outside the list gets
        # one answer whether or not such an account exists.
        wanted = data.validated_data["user"]
        chosen = next(
            (c.user for c in selectors.ungdomshjelper_candidates(case=case) if c.user.pk == wanted),
            None,
        )
        if chosen is None:
            raise serializers.ValidationError(
                {"user": [_("Choose one of the people in the list.")]}
            )
        participant = services.ungdomshjelper_choose(
            case=case, actor=authenticated_user(request), chosen=chosen
        )
        return Response(
            ParticipantOutputSerializer(participant).data, status=status.HTTP_201_CREATED
        )


# Whoever may not choose gets 404; another chooser cancelling someone else's request 403.
CHANGE_REFUSALS = {403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class UngdomshjelperChangeApi(APIView):
    @extend_schema(
        summary="Ask for another ungdomshjelper",
        description=(
            "Opens the offer again (the current ungdomshjelper is left out of the candidates). "
            "The current ungdomshjelper is not told until someone new is chosen with "
            "`POST /cases/{id}/ungdomshjelper/`; then they stay on the team as a helper if they "
            "act for a service, and otherwise leave the case. 409 when the case has no "
            "ungdomshjelper or a request is open already."
        ),
        request=None,
        responses={201: UngdomshjelperChangeSerializer, **CHANGE_REFUSALS},
        tags=["ungdomshjelper"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        change = services.ungdomshjelper_change_ask(case=case, actor=authenticated_user(request))
        return Response(UngdomshjelperChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class UngdomshjelperChangeCancelApi(APIView):
    @extend_schema(
        summary="Cancel my request for another ungdomshjelper (the asker only)",
        request=None,
        responses={200: UngdomshjelperChangeSerializer, **CHANGE_REFUSALS},
        tags=["ungdomshjelper"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        change = services.ungdomshjelper_change_cancel(case=case, actor=authenticated_user(request))
        return Response(UngdomshjelperChangeSerializer(change).data)


class UngdomshjelperCasesApi(APIView):
    @extend_schema(
        summary="My cases as ungdomshjelper: what needs me, and what waits for each young person",
        description=(
            "One result per case where the caller is the ungdomshjelper now (an empty page for "
            "anyone else). Items are counts with a label and a link; kinds with nothing waiting "
            "are left out."
        ),
        operation_id="v1_ungdomshjelper_cases_list",
        responses={200: page_of(CaseOverviewSerializer)},
        examples=[
            OpenApiExample(
                "Sara's case",
                value={
                    "case": {"id": 1, "title": "Sara - samarbeid rundt skole og helse"},
                    "youth": {"id": 1, "username": "sara", "display_name": "Sara Nilsen"},
                    "needs_action": [
                        {
                            "kind": "meetings_upcoming",
                            "count": 1,
                            "label": "1 møte som kommer",
                            "url": "/meetings/case/1/",
                        }
                    ],
                    "youth_pending": [
                        {
                            "kind": "meeting_attendance",
                            "count": 1,
                            "label": "Velge hvem som kommer på 1 møte",
                            "url": "/meetings/3/",
                        }
                    ],
                },
                response_only=True,
            )
        ],
        tags=["ungdomshjelper"],
    )
    def get(self, request: Request) -> Response:
        user = authenticated_user(request)
        return paginated(
            request,
            self,
            selectors.ungdomshjelper_cases(user=user),
            CaseOverviewSerializer,
            build=lambda cases: overview_for(user=user, cases=cases),
        )
