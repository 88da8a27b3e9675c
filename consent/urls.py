from django.urls import include, path

from . import views, views_reading_first

app_name = "consent"

# Consent's pages about one case, all under /cases/<id>/ (the case page itself is cases').
case_pages = [
    path("entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path("entries/<int:entry_id>/share/", views.entry_share, name="entry-share"),
    path("entries/<int:entry_id>/watch/", views.entry_watch_page, name="entry-watch"),
    path("who-knows-what/", views.who_knows_what_page, name="who-knows-what"),
    path("access-log/", views.access_log_page, name="access-log"),
    path("blocks/", views.blocks_page, name="blocks"),
    path("blocks/<int:block_id>/remove/", views.block_remove_page, name="block-remove"),
    path("access-log/watch/", views.category_watch_page, name="category-watch"),
    path("reading-first/", views_reading_first.reading_first_page, name="reading-first"),
    path(
        "reading-first/switch/",
        views_reading_first.reading_first_switch,
        name="reading-first-switch",
    ),
    path(
        "entries/<int:entry_id>/share-now/",
        views_reading_first.held_shares_release_page,
        name="held-shares-release",
    ),
    path("close/", views.case_close_page, name="case-close"),
    path("reopen/", views.case_reopen_page, name="case-reopen"),
    path(
        "participants/<int:participant_id>/remove/",
        views.participant_remove_page,
        name="participant-remove",
    ),
]

# Included once at the site root, because its other pages live under /consent/.
urlpatterns = [
    path("cases/<int:case_id>/", include(case_pages)),
    path("consent/requests/", views.consent_request_list, name="requests"),
    path("consent/requests/<int:request_id>/", views.consent_request_detail, name="request"),
    path(
        "consent/held-shares/<int:held_share_id>/withdraw/",
        views_reading_first.held_share_withdraw_page,
        name="held-share-withdraw",
    ),
    path(
        "consent/disclosures/<int:disclosure_id>/withdraw/",
        views.disclosure_withdraw,
        name="disclosure-withdraw",
    ),
]
