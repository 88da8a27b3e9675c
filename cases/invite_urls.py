from django.urls import path

from . import views

app_name = "invitations"

# At the site root: the one-time link, and the invited account's own page.
urlpatterns = [
    path("invite/<str:token>/", views.invitation_link, name="accept"),
    path(
        "invite/<str:token>/sign-in/<slug:provider>/",
        views.invitation_sign_in,
        name="sign-in",
    ),
    path("invitations/<int:invitation_id>/", views.invitation_detail, name="detail"),
]
