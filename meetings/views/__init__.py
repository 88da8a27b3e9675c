"""Meeting pages. Every write goes through meetings.services; a refusal (not allowed, wrong
state, bad input) is shown as a message on the page it came from and changes nothing."""

from .after import (
    action_item_list,
    evaluation_page,
    evaluation_results,
    minutes_page,
    minutes_print,
)
from .meetings import (
    calendar_feed,
    calendar_reset,
    case_meetings,
    meeting_detail,
    meeting_ics,
    meeting_list,
    meeting_new,
)

__all__ = [
    "action_item_list",
    "calendar_feed",
    "calendar_reset",
    "case_meetings",
    "evaluation_page",
    "evaluation_results",
    "meeting_detail",
    "meeting_ics",
    "meeting_list",
    "meeting_new",
    "minutes_page",
    "minutes_print",
]
