from django.urls import path

from . import api

urlpatterns = [
    path("cases/<int:case_id>/messages/", api.MessageListApi.as_view(), name="api-case-messages"),
    path("messages/unread/", api.UnreadApi.as_view(), name="api-messages-unread"),
    path(
        "cases/<int:case_id>/ungdomshjelper/change/",
        api.UngdomshjelperChangeApi.as_view(),
        name="api-case-ungdomshjelper-change",
    ),
    path(
        "cases/<int:case_id>/ungdomshjelper/change/cancel/",
        api.UngdomshjelperChangeCancelApi.as_view(),
        name="api-case-ungdomshjelper-change-cancel",
    ),
    path(
        "ungdomshjelper/cases/",
        api.UngdomshjelperCasesApi.as_view(),
        name="api-ungdomshjelper-cases",
    ),
    path("cases/<int:case_id>/rooms/", api.RoomListApi.as_view(), name="api-case-rooms"),
    path(
        "rooms/<int:room_id>/messages/",
        api.RoomMessageListApi.as_view(),
        name="api-room-messages",
    ),
    path("rooms/<int:room_id>/members/", api.RoomMemberAddApi.as_view(), name="api-room-members"),
    path(
        "rooms/<int:room_id>/members/<int:user_id>/remove/",
        api.RoomMemberRemoveApi.as_view(),
        name="api-room-member-remove",
    ),
    path("rooms/<int:room_id>/leave/", api.RoomLeaveApi.as_view(), name="api-room-leave"),
    path("rooms/<int:room_id>/close/", api.RoomCloseApi.as_view(), name="api-room-close"),
    path("glossary/", api.GlossaryApi.as_view(), name="api-glossary"),
    path("entries/<int:entry_id>/remarks/", api.RemarkListApi.as_view(), name="api-entry-remarks"),
    path(
        "remarks/<int:remark_id>/accept/",
        api.CorrectionAcceptApi.as_view(),
        name="api-remark-accept",
    ),
    path(
        "remarks/<int:remark_id>/answer/", api.RemarkAnswerApi.as_view(), name="api-remark-answer"
    ),
    path("remarks/<int:remark_id>/show/", api.RemarkShowApi.as_view(), name="api-remark-show"),
    path("feedback/", api.FeedbackApi.as_view(), name="api-feedback"),
    path(
        "cases/<int:case_id>/ungdomshjelper/",
        api.UngdomshjelperApi.as_view(),
        name="api-case-ungdomshjelper",
    ),
    path("cases/<int:case_id>/plan/", api.PlanApi.as_view(), name="api-case-plan"),
    path("cases/<int:case_id>/plan/goals/", api.PlanGoalApi.as_view(), name="api-plan-goals"),
    path("plan-goals/<int:goal_id>/steps/", api.PlanStepApi.as_view(), name="api-plan-steps"),
    path("plan-steps/<int:step_id>/", api.PlanStepDetailApi.as_view(), name="api-plan-step"),
    path("cases/<int:case_id>/check-ins/", api.CheckInRhythmApi.as_view(), name="api-check-ins"),
    path(
        "check-ins/<int:check_in_id>/done/", api.CheckInDoneApi.as_view(), name="api-check-in-done"
    ),
    path(
        "plan-steps/<int:step_id>/comments/",
        api.PlanStepCommentApi.as_view(),
        name="api-plan-step-comments",
    ),
    path(
        "plan-goals/<int:goal_id>/evaluations/",
        api.PlanGoalEvaluationApi.as_view(),
        name="api-plan-goal-evaluations",
    ),
    path(
        "entries/<int:entry_id>/versions/",
        api.EntryVersionListApi.as_view(),
        name="api-entry-versions",
    ),
]
