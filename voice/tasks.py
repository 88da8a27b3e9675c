from celery import shared_task

from .checkins import check_ins_schedule
from .plan import plan_step_reminders_send


@shared_task(ignore_result=True)
def send_plan_step_reminders() -> int:
    """Beat, hourly; idempotent (one reminder per step per rule, recorded in the database)."""
    return plan_step_reminders_send()


@shared_task(ignore_result=True)
def schedule_check_ins() -> int:
    """Beat, hourly; idempotent (one check-in per case, ungdomshjelper and day: a unique row)."""
    return check_ins_schedule()
