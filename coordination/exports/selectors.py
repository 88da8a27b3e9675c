"""Reads for exports: a person sees only their own; anyone else's id is answered like one that
does not exist (404)."""

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from ..models import Export, User


def exports_of(*, user: User) -> QuerySet[Export]:
    return Export.objects.filter(user=user).order_by("-created", "-id")


def access_export(*, user: User, export_id: int) -> Export:
    try:
        return exports_of(user=user).get(pk=export_id)
    except Export.DoesNotExist:
        raise Http404 from None


def export_link_usable(export: Export) -> bool:
    """Ready, not downloaded yet, not expired, and the file still kept: the one rule for the
    status page, the API's `download` and the download view."""
    return (
        export.status == Export.Status.READY
        and export.downloaded_at is None
        and export.file_deleted_at is None
        and export.expires_at is not None
        and export.expires_at > timezone.now()
    )


def export_download_path(export: Export) -> str | None:
    """The download link while it is usable; None otherwise."""
    if not export_link_usable(export):
        return None
    return reverse("export-download", args=[export.pk])
