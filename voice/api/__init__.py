"""JSON API for the young person's voice (docs/architecture.md §8). Thin: selectors read,
services write. One module per feature.
"""

from .checkins import CheckInDoneApi, CheckInRhythmApi
from .feedback import FeedbackApi
from .glossary import GlossaryApi
from .messages import MessageListApi, UnreadApi
from .plan import (
    PlanApi,
    PlanGoalApi,
    PlanGoalEvaluationApi,
    PlanStepApi,
    PlanStepCommentApi,
    PlanStepDetailApi,
)
from .remarks import (
    REMARK_ANSWER_RESPONSES,
    CorrectionAcceptApi,
    EntryVersionListApi,
    RemarkAnswerApi,
    RemarkListApi,
    RemarkShowApi,
)
from .rooms import (
    RoomCloseApi,
    RoomLeaveApi,
    RoomListApi,
    RoomMemberAddApi,
    RoomMemberRemoveApi,
    RoomMessageListApi,
)
from .ungdomshjelper import (
    CHANGE_REFUSALS,
    UngdomshjelperApi,
    UngdomshjelperCasesApi,
    UngdomshjelperChangeApi,
    UngdomshjelperChangeCancelApi,
)

__all__ = [
    "CHANGE_REFUSALS",
    "REMARK_ANSWER_RESPONSES",
    "CheckInDoneApi",
    "CheckInRhythmApi",
    "CorrectionAcceptApi",
    "EntryVersionListApi",
    "FeedbackApi",
    "GlossaryApi",
    "MessageListApi",
    "PlanApi",
    "PlanGoalApi",
    "PlanGoalEvaluationApi",
    "PlanStepApi",
    "PlanStepCommentApi",
    "PlanStepDetailApi",
    "RemarkAnswerApi",
    "RemarkListApi",
    "RemarkShowApi",
    "RoomCloseApi",
    "RoomLeaveApi",
    "RoomListApi",
    "RoomMemberAddApi",
    "RoomMemberRemoveApi",
    "RoomMessageListApi",
    "UngdomshjelperApi",
    "UngdomshjelperCasesApi",
    "UngdomshjelperChangeApi",
    "UngdomshjelperChangeCancelApi",
    "UnreadApi",
]
