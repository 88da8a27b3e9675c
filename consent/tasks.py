from celery import shared_task

from .services import consent_requests_expire, follow_ups_remind


@shared_task(ignore_result=True)
def expire_consent_requests() -> None:
    """Scheduled by beat every hour; idempotent."""
    consent_requests_expire()


@shared_task(ignore_result=True)
def remind_follow_ups() -> int:
    """Scheduled by beat every hour; idempotent (the case row records the reminder)."""
    return follow_ups_remind()
