"""Writes for meetings. Minutes reach anyone but the organiser and the young person only through
consent.services.share (THE share path); nothing here grants access to an entry."""

from .common import REVIEW_STATES
from .feedback import calendar_feed_for, calendar_feed_reset, can_evaluate, evaluation_submit
from .meetings import (
    agenda_item_add,
    agenda_item_publish,
    agenda_publish,
    agendas_publish_due,
    attendance_choose,
    attendance_propose,
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    meeting_update,
    suggested_kind,
)
from .minutes import (
    action_item_create,
    action_item_reminders_send,
    action_item_sentence,
    action_item_set_status,
    minutes_approve,
    minutes_comment,
    minutes_distribute,
    minutes_latest,
    minutes_markdown,
    minutes_open,
    minutes_save,
    minutes_submit,
)

__all__ = [
    "REVIEW_STATES",
    "action_item_create",
    "action_item_reminders_send",
    "action_item_sentence",
    "action_item_set_status",
    "agenda_item_add",
    "agenda_item_publish",
    "agenda_publish",
    "agendas_publish_due",
    "attendance_choose",
    "attendance_propose",
    "calendar_feed_for",
    "calendar_feed_reset",
    "can_evaluate",
    "evaluation_submit",
    "meeting_cancel",
    "meeting_create",
    "meeting_mark_held",
    "meeting_update",
    "minutes_approve",
    "minutes_comment",
    "minutes_distribute",
    "minutes_latest",
    "minutes_markdown",
    "minutes_open",
    "minutes_save",
    "minutes_submit",
    "suggested_kind",
]
