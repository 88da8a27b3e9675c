"""JSON API of reading first (issue #16 item 6; docs/architecture.md §3, "Reading first"). Thin:
consent.rule_shares reads, consent.services writes."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
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

from . import services
from .rule_shares import (
    access_reading_first,
    held_shares_visible,
    reading_first_hours,
    reading_first_on,
)
from .serializers import (
    DisclosureOutputSerializer,
    HeldShareOutputSerializer,
    ReadingFirstSerializer,
    ReleasedSerializer,
)


class ReadingFirstApi(APIView):
    """The young person's "I want to read notes about me before they are shared under my
    standing rules"."""

    @extend_schema(
        summary="Whether I read new entries before they are shared under my rules (the young "
        "person)",
        responses={200: ReadingFirstSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        tags=["sharing"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = access_reading_first(user=authenticated_user(request), case_id=case_id)
        return Response({"on": reading_first_on(case=case), "hours": reading_first_hours()})

    @extend_schema(
        summary="Turn reading first on or off (the young person); off shares what waited",
        request=ReadingFirstSerializer,
        responses={
            200: ReadingFirstSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        tags=["sharing"],
    )
    def put(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_reading_first(user=user, case_id=case_id)
        data = ReadingFirstSerializer(data=request.data)
        valid_for_case(data, case=case)
        on = services.reading_first_set(case_id=case_id, actor=user, on=data.validated_data["on"])
        return Response({"on": on, "hours": reading_first_hours()})


class HeldShareListApi(APIView):
    @extend_schema(
        summary="What waits for the young person to read it before it is shared (the young "
        "person: all; a helper: what they shared)",
        responses={200: page_of(HeldShareOutputSerializer), 404: NOT_FOUND},
        tags=["sharing"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_case(user=user, case_id=case_id)
        return paginated(
            request, self, held_shares_visible(user=user, case=case), HeldShareOutputSerializer
        )


class HeldSharesReleaseApi(APIView):
    @extend_schema(
        summary='"Share it": what waits for me to read this entry is shared now (the young person)',
        request=None,
        responses={200: ReleasedSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=["sharing"],
    )
    def post(self, request: Request, entry_id: int) -> Response:
        disclosures = services.held_shares_release(
            entry_id=entry_id, actor=authenticated_user(request)
        )
        return Response(
            {"disclosures": DisclosureOutputSerializer(disclosures, many=True).data},
            status=status.HTTP_200_OK,
        )


class HeldShareWithdrawApi(APIView):
    @extend_schema(
        summary="Stop a waiting share before it goes out (the young person, or who shared it)",
        request=None,
        responses={200: HeldShareOutputSerializer, 404: NOT_FOUND, 409: CONFLICT},
        tags=["sharing"],
    )
    def post(self, request: Request, held_share_id: int) -> Response:
        held = services.held_share_withdraw(
            held_share_id=held_share_id, actor=authenticated_user(request)
        )
        return Response(HeldShareOutputSerializer(held).data)
