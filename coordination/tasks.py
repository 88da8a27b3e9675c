from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    """Scheduled by beat every minute; /health/ reports how old the last beat is."""
    worker_heartbeat_record()
