from django.urls import path

from . import api

urlpatterns = [
    path("cases/<int:case_id>/meetings/", api.CaseMeetingsApi.as_view(), name="api-case-meetings"),
    path("meetings/<int:meeting_id>/", api.MeetingDetailApi.as_view(), name="api-meeting"),
    path(
        "meetings/<int:meeting_id>/attendance/",
        api.AttendanceApi.as_view(),
        name="api-meeting-attendance",
    ),
    path(
        "meetings/<int:meeting_id>/guardians/",
        api.GuardiansApi.as_view(),
        name="api-meeting-guardians",
    ),
    path(
        "meetings/<int:meeting_id>/guardians/wish/",
        api.GuardiansWishApi.as_view(),
        name="api-meeting-guardians-wish",
    ),
    path(
        "meetings/<int:meeting_id>/guardians/decision/",
        api.GuardiansDecisionApi.as_view(),
        name="api-meeting-guardians-decision",
    ),
    path(
        "meetings/<int:meeting_id>/proposals/",
        api.ProposeApi.as_view(),
        name="api-meeting-proposals",
    ),
    path("meetings/<int:meeting_id>/agenda/", api.AgendaApi.as_view(), name="api-meeting-agenda"),
    path(
        "meetings/<int:meeting_id>/agenda/publish/",
        api.AgendaPublishApi.as_view(),
        name="api-meeting-agenda-publish",
    ),
    path(
        "agenda-items/<int:item_id>/publish/",
        api.AgendaItemPublishApi.as_view(),
        name="api-agenda-item-publish",
    ),
    path("meetings/<int:meeting_id>/held/", api.MeetingHeldApi.as_view(), name="api-meeting-held"),
    path(
        "meetings/<int:meeting_id>/cancel/",
        api.MeetingCancelApi.as_view(),
        name="api-meeting-cancel",
    ),
    path(
        "meetings/<int:meeting_id>/take-over/",
        api.MeetingTakeOverApi.as_view(),
        name="api-meeting-take-over",
    ),
    path("meetings/<int:meeting_id>/minutes/", api.MinutesApi.as_view(), name="api-minutes"),
    path(
        "meetings/<int:meeting_id>/minutes/submit/",
        api.MinutesSubmitApi.as_view(),
        name="api-minutes-submit",
    ),
    path(
        "meetings/<int:meeting_id>/minutes/comments/",
        api.MinutesCommentApi.as_view(),
        name="api-minutes-comments",
    ),
    path(
        "meetings/<int:meeting_id>/minutes/approve/",
        api.MinutesApproveApi.as_view(),
        name="api-minutes-approve",
    ),
    path(
        "meetings/<int:meeting_id>/minutes/distribute/",
        api.MinutesDistributeApi.as_view(),
        name="api-minutes-distribute",
    ),
    path(
        "meetings/<int:meeting_id>/action-items/",
        api.MeetingActionItemsApi.as_view(),
        name="api-meeting-action-items",
    ),
    path("action-items/", api.ActionItemListApi.as_view(), name="api-action-items"),
    path("action-items/<int:item_id>/", api.ActionItemDetailApi.as_view(), name="api-action-item"),
    path(
        "meetings/<int:meeting_id>/evaluations/",
        api.EvaluationApi.as_view(),
        name="api-meeting-evaluations",
    ),
    path(
        "meetings/<int:meeting_id>/evaluations/summary/",
        api.EvaluationSummaryApi.as_view(),
        name="api-meeting-evaluation-summary",
    ),
    path("calendar-feed/", api.CalendarFeedApi.as_view(), name="api-calendar-feed"),
    path(
        "calendar-feed/reset/", api.CalendarFeedResetApi.as_view(), name="api-calendar-feed-reset"
    ),
]
