"""Comments and corrections, and the earlier texts of an entry."""

from collections.abc import Callable

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import AccessEvent
from cases.selectors import access_entry
from cases.serializers import valid_for_case
from coordination.rest import (
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    page_of,
    paginated,
)

from .. import selectors, services
from ..models import Remark
from ..serializers import (
    AcceptInputSerializer,
    AnswerInputSerializer,
    EntryVersionSerializer,
    RemarkInputSerializer,
    RemarkOutputSerializer,
    RemarkShowInputSerializer,
)


class RemarkListApi(APIView):
    @extend_schema(
        summary="Comments and corrections on an entry",
        description=(
            "The young person and the author see all; anyone else who may open the entry only "
            "the remarks the young person showed them (404 while there are none). Reading them "
            "is logged as an open (via `remarks`)."
        ),
        operation_id="v1_entry_remarks_list",
        responses={200: page_of(RemarkOutputSerializer), 404: NOT_FOUND},
        tags=["corrections"],
    )
    def get(self, request: Request, entry_id: int) -> Response:
        user = authenticated_user(request)
        entry = services.remarks_open(user=user, entry_id=entry_id, via=AccessEvent.Via.REMARKS)
        remarks = selectors.remarks_for_entry(entry=entry, viewer=user)
        return paginated(request, self, remarks, RemarkOutputSerializer)

    @extend_schema(
        summary="The young person comments on an entry or proposes a correction",
        request=RemarkInputSerializer,
        responses={201: RemarkOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Correction",
                value={
                    "kind": "correction",
                    "text": "Det var ikke fire timer, det var to.",
                    "proposed_body": "Jonas har vært borte fra to matematikktimer.",
                },
                request_only=True,
            )
        ],
        tags=["corrections"],
    )
    def post(self, request: Request, entry_id: int) -> Response:
        user = authenticated_user(request)
        entry = access_entry(user=user, entry_id=entry_id)
        data = RemarkInputSerializer(data=request.data)
        valid_for_case(data, case=entry.case)
        remark = services.remark_create(entry_id=entry_id, author=user, **data.validated_data)
        return Response(RemarkOutputSerializer(remark).data, status=status.HTTP_201_CREATED)


REMARK_ANSWER_RESPONSES = {
    200: RemarkOutputSerializer,
    400: None,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


def _answered(
    request: Request,
    remark_id: int,
    service: Callable[..., Remark],
    serializer: type[AnswerInputSerializer] = AnswerInputSerializer,
) -> Response:
    remark = selectors.access_remark(user=authenticated_user(request), remark_id=remark_id)
    data = serializer(data=request.data)
    valid_for_case(data, case=remark.entry.case)
    remark = service(remark=remark, actor=authenticated_user(request), **data.validated_data)
    return Response(RemarkOutputSerializer(remark).data)


class CorrectionAcceptApi(APIView):
    @extend_schema(
        summary="The author accepts a correction: the old text is kept as a version",
        description='With `"version"`, the entry\'s text the author read: 409 `{"detail",'
        '"yours","current"}` (nothing written) when it has changed since.',
        request=AcceptInputSerializer,
        responses=REMARK_ANSWER_RESPONSES,
        tags=["corrections"],
    )
    def post(self, request: Request, remark_id: int) -> Response:
        return _answered(request, remark_id, services.correction_accept, AcceptInputSerializer)


class RemarkShowApi(APIView):
    @extend_schema(
        summary="The young person shows a remark to everyone who may open the entry, or hides it",
        description=(
            "Shown: they read the remark, the author's answer and, for an accepted correction, "
            "the text it replaced. Only the young person (403 for the author)."
        ),
        request=RemarkShowInputSerializer,
        responses={200: RemarkOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[OpenApiExample("Show", value={"shown": True}, request_only=True)],
        tags=["corrections"],
    )
    def post(self, request: Request, remark_id: int) -> Response:
        user = authenticated_user(request)
        remark = selectors.access_remark(user=user, remark_id=remark_id)
        data = RemarkShowInputSerializer(data=request.data)
        valid_for_case(data, case=remark.entry.case)
        remark = services.remark_show(remark=remark, actor=user, shown=data.validated_data["shown"])
        return Response(RemarkOutputSerializer(remark).data)


class RemarkAnswerApi(APIView):
    @extend_schema(
        summary="The author answers a comment, or says why a correction is not made",
        request=AnswerInputSerializer,
        responses=REMARK_ANSWER_RESPONSES,
        tags=["corrections"],
    )
    def post(self, request: Request, remark_id: int) -> Response:
        return _answered(request, remark_id, services.remark_answer)


class EntryVersionListApi(APIView):
    @extend_schema(
        summary="Earlier texts of an entry (corrections, plan changes), oldest first",
        description=(
            "For the young person and the author; anyone else who may open the entry gets only "
            "the texts replaced by corrections the young person showed them (404 while there "
            "are none). Reading them is logged as an open (via `versions`)."
        ),
        operation_id="v1_entry_versions_list",
        responses={200: page_of(EntryVersionSerializer), 404: NOT_FOUND},
        tags=["corrections"],
    )
    def get(self, request: Request, entry_id: int) -> Response:
        user = authenticated_user(request)
        entry = services.remarks_open(user=user, entry_id=entry_id, via=AccessEvent.Via.VERSIONS)
        versions = selectors.versions_of(entry=entry, viewer=user)
        return paginated(request, self, versions, EntryVersionSerializer)
