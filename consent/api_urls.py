from django.urls import path

from . import api, api_reading_first

urlpatterns = [
    path("entries/<int:entry_id>/share/", api.ShareApi.as_view(), name="api-entry-share"),
    path("consent-requests/", api.ConsentRequestListApi.as_view(), name="api-consent-requests"),
    path(
        "consent-requests/<int:request_id>/",
        api.ConsentRequestDetailApi.as_view(),
        name="api-consent-request",
    ),
    path(
        "consent-requests/<int:request_id>/approve/",
        api.ConsentRequestApproveApi.as_view(),
        name="api-consent-request-approve",
    ),
    path(
        "consent-requests/<int:request_id>/decline/",
        api.ConsentRequestDeclineApi.as_view(),
        name="api-consent-request-decline",
    ),
    path(
        "consent-requests/<int:request_id>/opinion/",
        api.ConsentRequestOpinionApi.as_view(),
        name="api-consent-request-opinion",
    ),
    path(
        "cases/<int:case_id>/sharing-rules/",
        api.SharingRuleListApi.as_view(),
        name="api-case-sharing-rules",
    ),
    path(
        "sharing-rules/<int:rule_id>/", api.SharingRuleDetailApi.as_view(), name="api-sharing-rule"
    ),
    path(
        "cases/<int:case_id>/who-knows-what/",
        api.WhoKnowsWhatApi.as_view(),
        name="api-case-who-knows-what",
    ),
    path(
        "cases/<int:case_id>/access-log/",
        api.AccessLogApi.as_view(),
        name="api-case-access-log",
    ),
    path("cases/<int:case_id>/blocks/", api.BlockListApi.as_view(), name="api-case-blocks"),
    path("blocks/<int:block_id>/", api.BlockDetailApi.as_view(), name="api-block"),
    path("entries/<int:entry_id>/watch/", api.EntryWatchApi.as_view(), name="api-entry-watch"),
    path(
        "cases/<int:case_id>/watch/<str:category>/",
        api.CategoryWatchApi.as_view(),
        name="api-case-category-watch",
    ),
    path(
        "disclosures/<int:disclosure_id>/withdraw/",
        api.DisclosureWithdrawApi.as_view(),
        name="api-disclosure-withdraw",
    ),
    path(
        "cases/<int:case_id>/reading-first/",
        api_reading_first.ReadingFirstApi.as_view(),
        name="api-case-reading-first",
    ),
    path(
        "cases/<int:case_id>/held-shares/",
        api_reading_first.HeldShareListApi.as_view(),
        name="api-case-held-shares",
    ),
    path(
        "entries/<int:entry_id>/held-shares/release/",
        api_reading_first.HeldSharesReleaseApi.as_view(),
        name="api-entry-held-shares-release",
    ),
    path(
        "held-shares/<int:held_share_id>/withdraw/",
        api_reading_first.HeldShareWithdrawApi.as_view(),
        name="api-held-share-withdraw",
    ),
    path("cases/<int:case_id>/close/", api.CaseCloseApi.as_view(), name="api-case-close"),
    path("cases/<int:case_id>/reopen/", api.CaseReopenApi.as_view(), name="api-case-reopen"),
    path(
        "participants/<int:participant_id>/remove/",
        api.ParticipantRemoveApi.as_view(),
        name="api-participant-remove",
    ),
]
