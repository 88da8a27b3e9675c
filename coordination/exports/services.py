"""Writes for "everything about me" (GDPR Art. 15, issue #17 item 1).

`export_request` writes a pending Export (its own outbox row) and enqueues the build after
commit; a person with a pending export gets that one back. `export_build` claims the row with a
conditional UPDATE and a lease (nothing locked while the zip is written), writes the zip as a
stream to the default storage, and then, in one transaction, marks it ready, notifies
(`export_ready`) and audits. `export_download_claim` lets the link work once, for the owner,
before it expires. `exports_sweep` re-enqueues what was missed; `exports_expired_delete` deletes
the files of used and expired links.
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from coordination.locks import for_update

from ..errors import StateConflict
from ..models import Export, User
from ..notifications import EXPORT_READY
from ..services import audit_append, notification_create, outbox_sweep
from .build import zip_chunks
from .sections import ExportSection, entries_exported, export_sections
from .selectors import export_link_usable

logger = logging.getLogger(__name__)

EXPORT_FOLDER = "exports"
# Pending rows younger than this are left to the on_commit enqueue.
SWEEP_GRACE = timedelta(seconds=60)
SWEEP_BATCH_SIZE = 50


class ExportGone(Exception):
    """The link was used or has expired (or the file is gone): the page says so with 410."""


def export_enqueue(*, export_id: int) -> bool:
    """Hands one build to Celery; False (and a log line) if the broker is down: the sweep
    hands it on later."""
    from ..tasks import build_export  # the task module imports this one

    try:
        build_export.apply_async((export_id,), retry=False)
    except Exception:  # kombu/redis raise several types; all mean "broker unavailable"
        logger.warning("Broker unavailable; export %s waits for the sweep", export_id)
        return False
    return True


@transaction.atomic
def export_request(*, user: User) -> tuple[Export, bool]:
    """A new pending export of `user`, or the pending one they have (False: not created).

    The person's row is locked first, so two requests at once find the same pending export;
    the partial unique constraint holds the rule in the database too."""
    for_update(User.objects.filter(pk=user.pk)).get()
    running = Export.objects.filter(user=user, status=Export.Status.PENDING).first()
    if running is not None:
        return running, False
    export = Export.objects.create(user=user)
    audit_append(
        actor=user, action="export.requested", object_type="export", object_id=str(export.pk)
    )
    transaction.on_commit(lambda: export_enqueue(export_id=export.pk))
    return export, True


def _claim(export_id: int, now: datetime) -> bool:
    lease = now + timedelta(seconds=settings.SAMMEN_EXPORT_CLAIM_SECONDS)
    return bool(
        Export.objects.filter(pk=export_id, status=Export.Status.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )


def _file_name(export: Export) -> str:
    return f"{EXPORT_FOLDER}/{export.user_id}/export-{export.pk}.zip"


def _write(export: Export, sections: list[ExportSection]) -> tuple[str, int]:
    """Writes the zip chunk by chunk to the default storage (a file system: the path is
    needed to append chunk by chunk); returns its name and size. A killed earlier attempt's
    half file is overwritten."""
    name = _file_name(export)
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with path.open("wb") as out:
        for chunk in zip_chunks(user=export.user, sections=sections):
            out.write(chunk)
            size += len(chunk)
    return name, size


def export_build(*, export_id: int) -> bool:
    """Builds one pending export, once: False when there was nothing to do (ready, failed,
    or claimed by another worker). A build that raises is retried by the sweep until
    SAMMEN_EXPORT_MAX_ATTEMPTS, then marked failed (the person is told on the status page)."""
    if not _claim(export_id, timezone.now()):
        return False
    export = Export.objects.select_related("user").get(pk=export_id)
    try:
        # The JSON's words (notification texts, "why" in who-knows-what) in the person's language.
        with translation.override(export.user.preferred_language):
            sections = export_sections(user=export.user)
        name, size = _write(export, sections)
    except Exception:
        # No content in the log: only which export and how many tries.
        logger.exception("Export %s failed (attempt %s)", export_id, export.attempts)
        _failed(export)
        return False
    _ready(export, name=name, size=size, sections=sections)
    return True


@transaction.atomic
def _ready(export: Export, *, name: str, size: int, sections: list[ExportSection]) -> None:
    now = timezone.now()
    done = Export.objects.filter(pk=export.pk, status=Export.Status.PENDING).update(
        status=Export.Status.READY,
        finished_at=now,
        claimed_until=None,
        file_name=name,
        size=size,
        expires_at=now + timedelta(days=settings.SAMMEN_EXPORT_TTL_DAYS),
    )
    if not done:
        return
    entries_exported(user=export.user, sections=sections)
    notification_create(
        recipient=export.user, kind=EXPORT_READY, target_url=reverse("export", args=[export.pk])
    )
    audit_append(
        actor=None,
        action="export.ready",
        object_type="export",
        object_id=str(export.pk),
        data={"size": size},
    )


def _failed(export: Export) -> None:
    """Gives the lease back so the sweep retries; the last attempt fails the export."""
    if export.attempts >= settings.SAMMEN_EXPORT_MAX_ATTEMPTS:
        Export.objects.filter(pk=export.pk, status=Export.Status.PENDING).update(
            status=Export.Status.FAILED, finished_at=timezone.now(), claimed_until=None
        )
        default_storage.delete(_file_name(export))
    else:
        Export.objects.filter(pk=export.pk).update(claimed_until=None)


@transaction.atomic
def export_download_claim(*, export: Export, user: User) -> Export:
    """Uses the link of `export` (the caller fetched it through access_export for `user`):
    stamps it downloaded and audits it. ExportGone for a used or expired link, or a file that
    is gone; StateConflict while it is not ready."""
    locked = for_update(Export.objects.filter(pk=export.pk, user=user)).get()
    if locked.status != Export.Status.READY:
        raise StateConflict("The export is not ready.")
    if not export_link_usable(locked):
        raise ExportGone
    locked.downloaded_at = timezone.now()
    locked.save(update_fields=["downloaded_at"])
    audit_append(
        actor=user, action="export.downloaded", object_type="export", object_id=str(locked.pk)
    )
    return locked


def exports_sweep(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Re-enqueues pending exports nobody holds (a lost enqueue, a dead worker); how many."""
    return outbox_sweep(
        Export.objects.filter(status=Export.Status.PENDING),
        now=now or timezone.now(),
        grace=SWEEP_GRACE,
        batch_size=batch_size,
        enqueue=lambda export_id: export_enqueue(export_id=export_id),
    )


def exports_expired_delete(*, now: datetime | None = None) -> int:
    """Deletes the file of every export whose link was used or has expired (retention: the
    zip is a copy, kept no longer than its link). Idempotent: a deleted file is stamped and
    not looked at again; the row stays as the record that an export was made."""
    now = now or timezone.now()
    due = Export.objects.filter(status=Export.Status.READY, file_deleted_at__isnull=True).filter(
        Q(downloaded_at__isnull=False) | Q(expires_at__lte=now)
    )
    deleted = 0
    for export_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            export = for_update(
                Export.objects.filter(pk=export_id, file_deleted_at__isnull=True)
            ).first()
            if export is None:
                continue
            name = export.file_name
            export.file_name = ""
            export.file_deleted_at = now
            export.save(update_fields=["file_name", "file_deleted_at"])
            audit_append(
                actor=None,
                action="export.file_deleted",
                object_type="export",
                object_id=str(export.pk),
            )
            transaction.on_commit(partial(default_storage.delete, name))
        deleted += 1
    return deleted
