from django.urls import include, path

from . import views

app_name = "cases"

# The case's own pages under /cases/<id>/; consent and voice add theirs under the same prefix
# from their own urls.py.
case_pages = [
    path("", views.case_detail, name="detail"),
    path("team/", views.team_page, name="team"),
    path("entries/<int:entry_id>/withhold/", views.entry_withhold_page, name="withhold"),
]

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open_page, name="open"),
    path("withheld/", views.withholdings_review, name="withheld"),
    path("<int:case_id>/", include(case_pages)),
]
