from celery import shared_task

from .services import action_item_reminders_send, agendas_publish_due, evaluation_reminders_send


@shared_task(ignore_result=True)
def send_action_item_reminders() -> int:
    """Beat, hourly; idempotent (one reminder per item per rule, recorded in the database)."""
    return action_item_reminders_send()


@shared_task(ignore_result=True)
def publish_due_agendas() -> int:
    """Beat, every few minutes; an agenda is sent out by itself when its deadline arrives."""
    return agendas_publish_due()


@shared_task(ignore_result=True)
def send_evaluation_reminders() -> int:
    """Beat, hourly; idempotent (one reminder per meeting and young person, a unique row)."""
    return evaluation_reminders_send()
