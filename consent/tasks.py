from celery import shared_task

from .services import consent_requests_expire


@shared_task(ignore_result=True)
def expire_consent_requests() -> None:
    """Scheduled by beat every hour; idempotent."""
    consent_requests_expire()
