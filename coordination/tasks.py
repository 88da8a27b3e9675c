from celery import shared_task

from .exports.services import export_build, exports_expired_delete, exports_sweep
from .services import (
    api_tokens_expired_delete,
    notifications_deliver,
    notifications_sweep,
    worker_heartbeat_record,
)


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Scheduled by beat every minute; /health/ reports how old the last beat is."""
    worker_heartbeat_record()


@shared_task(ignore_result=True, acks_late=True)
def deliver(notification_ids: list[int]) -> None:
    """The notifications of one event, claimed together. Idempotent: a delivered or claimed
    notification is left alone."""
    notifications_deliver(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def sweep_notifications() -> None:
    notifications_sweep()


@shared_task(ignore_result=True)
def delete_expired_api_tokens() -> None:
    """Scheduled by beat every hour; a re-run finds nothing more to delete."""
    api_tokens_expired_delete()


@shared_task(ignore_result=True, acks_late=True)
def build_export(export_id: int) -> None:
    """Idempotent: a ready, failed or claimed export is left alone."""
    export_build(export_id=export_id)


@shared_task(ignore_result=True)
def sweep_exports() -> None:
    """Scheduled by beat every minute: pending exports whose enqueue or worker was lost."""
    exports_sweep()


@shared_task(ignore_result=True)
def delete_expired_exports() -> None:
    """Scheduled by beat every hour; a re-run finds nothing more to delete."""
    exports_expired_delete()
