from django.urls import path

from . import api

urlpatterns = [
    path(
        "cases/<int:case_id>/referrals/",
        api.CaseReferralCreateApi.as_view(),
        name="api-case-referrals",
    ),
    path("referrals/", api.ReferralListApi.as_view(), name="api-referrals"),
    path("referrals/<int:referral_id>/", api.ReferralDetailApi.as_view(), name="api-referral"),
    path(
        "referrals/<int:referral_id>/accept/",
        api.ReferralAcceptApi.as_view(),
        name="api-referral-accept",
    ),
    path(
        "referrals/<int:referral_id>/decline/",
        api.ReferralDeclineApi.as_view(),
        name="api-referral-decline",
    ),
    path(
        "referrals/<int:referral_id>/withdraw/",
        api.ReferralWithdrawApi.as_view(),
        name="api-referral-withdraw",
    ),
]
