"""The API of "everything about me" (docs/architecture.md §8 and "GDPR"):
POST /api/v1/me/export/ -> 202 {"id","status"} (the pending export if there is one);
GET /api/v1/exports/{id}/ -> {"id","status","download"} (the person's own only; 404 else)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Export
from ..rest import NOT_FOUND, authenticated_user
from .selectors import access_export, export_download_path
from .services import export_request


class ExportStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Export.Status.choices)


class ExportSerializer(ExportStartedSerializer):
    download = serializers.SerializerMethodField(
        help_text="Where the zip is downloaded, once (log in as the same person), while it is "
        "ready and the link neither used nor expired; else null."
    )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, export: Export) -> str | None:
        path = export_download_path(export)
        return settings.SAMMEN_BASE_URL.rstrip("/") + path if path else None


class ExportRequestApi(APIView):
    @extend_schema(
        summary="Ask for a copy of everything about me (a zip of JSON and readable pages)",
        request=None,
        responses={202: ExportStartedSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        export, _created = export_request(user=authenticated_user(request))
        return Response(ExportStartedSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class ExportApi(APIView):
    @extend_schema(
        summary="How my export is going, and its download link when ready",
        responses={200: ExportSerializer, 404: NOT_FOUND},
        tags=["auth"],
    )
    def get(self, request: Request, export_id: int) -> Response:
        export = access_export(user=authenticated_user(request), export_id=export_id)
        return Response(ExportSerializer(export).data)
