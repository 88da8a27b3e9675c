from celery import shared_task

from .services import (
    consent_requests_expire,
    disclosures_expire,
    follow_ups_remind,
    held_shares_timeout,
    youth_adult_transitions,
)


@shared_task(ignore_result=True)
def expire_consent_requests() -> None:
    """Scheduled by beat every hour; idempotent."""
    consent_requests_expire()


@shared_task(ignore_result=True)
def expire_disclosures() -> int:
    """Scheduled by beat every five minutes; idempotent (each case is re-read under its lock).
    Access already ended at the end date: this records it and tells people."""
    return disclosures_expire()


@shared_task(ignore_result=True)
def remind_follow_ups() -> int:
    """Scheduled by beat every hour; idempotent (the case row records the reminder)."""
    return follow_ups_remind()


@shared_task(ignore_result=True)
def youth_adult_leave() -> None:
    """Scheduled by beat just after midnight every day; idempotent (a re-run changes nothing).
    Access already ended on the birthday: this records it and tells people."""
    youth_adult_transitions()


@shared_task(ignore_result=True)
def release_held_shares() -> int:
    """Scheduled by beat every five minutes; idempotent (each case is re-read under its lock).
    Shares whose time to read first ran out go out through the share path."""
    return held_shares_timeout()
