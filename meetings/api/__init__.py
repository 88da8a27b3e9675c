"""JSON API for meetings (docs/architecture.md §6 and §8). Thin: selectors read, services write.
What the caller may not see is 404; 403 only where they see the meeting but may not act.
One module per part of a meeting's life: `meetings`, `minutes` (and action items), `feedback`
(evaluations, the calendar feed).
"""

from .feedback import CalendarFeedApi, CalendarFeedResetApi, EvaluationApi, EvaluationSummaryApi
from .meetings import (
    TAGS,
    AgendaApi,
    AgendaItemPublishApi,
    AgendaPublishApi,
    AttendanceApi,
    CaseMeetingsApi,
    GuardiansApi,
    GuardiansDecisionApi,
    GuardiansWishApi,
    MeetingCancelApi,
    MeetingDetailApi,
    MeetingHeldApi,
    MeetingTakeOverApi,
    ProposeApi,
)
from .minutes import (
    ActionItemDetailApi,
    ActionItemListApi,
    MeetingActionItemsApi,
    MinutesApi,
    MinutesApproveApi,
    MinutesCommentApi,
    MinutesDistributeApi,
    MinutesSubmitApi,
)

__all__ = [
    "TAGS",
    "ActionItemDetailApi",
    "ActionItemListApi",
    "AgendaApi",
    "AgendaItemPublishApi",
    "AgendaPublishApi",
    "AttendanceApi",
    "CalendarFeedApi",
    "CalendarFeedResetApi",
    "CaseMeetingsApi",
    "EvaluationApi",
    "EvaluationSummaryApi",
    "GuardiansApi",
    "GuardiansDecisionApi",
    "GuardiansWishApi",
    "MeetingActionItemsApi",
    "MeetingCancelApi",
    "MeetingDetailApi",
    "MeetingHeldApi",
    "MeetingTakeOverApi",
    "MinutesApi",
    "MinutesApproveApi",
    "MinutesCommentApi",
    "MinutesDistributeApi",
    "MinutesSubmitApi",
    "ProposeApi",
]
