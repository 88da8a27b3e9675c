from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("referrals/inbox/", views.inbox_page, name="inbox"),
    path("referrals/<int:referral_id>/", views.referral_detail_page, name="detail"),
    path("referrals/<int:referral_id>/accept/", views.referral_accept_page, name="accept"),
    path("referrals/<int:referral_id>/decline/", views.referral_decline_page, name="decline"),
    path("referrals/<int:referral_id>/withdraw/", views.referral_withdraw_page, name="withdraw"),
    path("cases/<int:case_id>/referrals/", views.case_referrals_page, name="case"),
    path("cases/<int:case_id>/referrals/new/", views.referral_create_page, name="create"),
]
