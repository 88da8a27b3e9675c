"""The glossary (Ordliste)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination.rest import (
    page_of,
    paginated,
)

from ..glossary import terms_matching
from ..serializers import TermSerializer


class GlossaryApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The glossary (Ordliste), searchable; explanations in the caller's language",
        operation_id="v1_glossary_list",
        parameters=[OpenApiParameter("q", str, required=False)],
        responses={200: page_of(TermSerializer)},
        tags=["glossary"],
    )
    def get(self, request: Request) -> Response:
        terms = terms_matching(request.query_params.get("q", "")[:100])
        return paginated(request, self, terms, TermSerializer)
