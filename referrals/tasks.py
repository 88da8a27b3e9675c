"""Celery tasks of referrals: thin, idempotent (each calls one service)."""

from celery import shared_task

from .services import referrals_flag_overdue


@shared_task(ignore_result=True)
def flag_overdue_referrals() -> int:
    return referrals_flag_overdue()
