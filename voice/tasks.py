from celery import shared_task

from .plan import plan_step_reminders_send


@shared_task(ignore_result=True)
def send_plan_step_reminders() -> int:
    """Beat, hourly; idempotent (one reminder per step per rule, recorded in the database)."""
    return plan_step_reminders_send()
