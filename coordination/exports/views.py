"""The pages of "everything about me": the profile's button (POST /me/export/), the status page
(/exports/<id>/) and the one-time download (/exports/<id>/download/, 410 with a page once the
link is used or expired); and the published JSON schema of the zip's data
(/api/export-schema.json, open to anyone: it describes a format, nothing about a person)."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..errors import StateConflict
from ..models import Export
from ..rest import authenticated_user
from .build import SCHEMA_PATH
from .selectors import access_export, export_download_path
from .services import ExportGone, export_download_claim, export_request


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    export, _created = export_request(user=authenticated_user(request))
    return redirect("export", export.pk)


def _gone(request: HttpRequest, export: Export) -> HttpResponse:
    return render(request, "coordination/export_gone.html", {"export": export}, status=410)


@login_required
@require_GET
@never_cache
def export_status(request: HttpRequest, export_id: int) -> HttpResponse:
    export = access_export(user=authenticated_user(request), export_id=export_id)
    expired = export.expires_at is not None and export.expires_at <= timezone.now()
    context = {"export": export, "download": export_download_path(export), "expired": expired}
    return render(request, "coordination/export.html", context)


@login_required
@require_GET
@never_cache
def export_download(request: HttpRequest, export_id: int) -> HttpResponse | FileResponse:
    user = authenticated_user(request)
    export = access_export(user=user, export_id=export_id)
    try:
        export = export_download_claim(export=export, user=user)
        opened = default_storage.open(export.file_name, "rb")
    except StateConflict:
        return redirect("export", export.pk)
    except (ExportGone, FileNotFoundError):
        return _gone(request, export)
    name = f"sammen-{user.username}-{timezone.localdate(export.finished_at).isoformat()}.zip"
    return FileResponse(opened, as_attachment=True, filename=name, content_type="application/zip")


@require_GET
def export_schema(request: HttpRequest) -> FileResponse:
    return FileResponse(
        SCHEMA_PATH.open("rb"), content_type="application/schema+json; charset=utf-8"
    )
