from celery import shared_task

from .services import retention_run


@shared_task(ignore_result=True)
def erase_expired_content() -> int:
    """Scheduled by beat once a day; idempotent (an erased entry is never due again)."""
    return retention_run()
