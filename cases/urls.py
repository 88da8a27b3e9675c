from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path(
        "<int:case_id>/entries/<int:entry_id>/withhold/",
        views.entry_withhold_page,
        name="withhold",
    ),
    path("withheld/", views.withholdings_review, name="withheld"),
]
