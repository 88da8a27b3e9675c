from django.urls import path

from . import views

app_name = "consent"

# Included at the site root: the entry and who-knows-what pages sit under their case's path.
urlpatterns = [
    path("cases/<int:case_id>/entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path(
        "cases/<int:case_id>/entries/<int:entry_id>/share/",
        views.entry_share,
        name="entry-share",
    ),
    path(
        "cases/<int:case_id>/who-knows-what/",
        views.who_knows_what_page,
        name="who-knows-what",
    ),
    path("consent/requests/", views.consent_request_list, name="requests"),
    path("consent/requests/<int:request_id>/", views.consent_request_detail, name="request"),
    path(
        "consent/disclosures/<int:disclosure_id>/withdraw/",
        views.disclosure_withdraw,
        name="disclosure-withdraw",
    ),
]
