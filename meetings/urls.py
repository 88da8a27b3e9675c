from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("tasks/", views.action_item_list, name="tasks"),
    path("calendar/reset/", views.calendar_reset, name="calendar-reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("case/<int:case_id>/", views.case_meetings, name="case"),
    path("case/<int:case_id>/new/", views.meeting_new, name="new"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>.ics", views.meeting_ics, name="ics"),
    path("<int:meeting_id>/minutes/", views.minutes_page, name="minutes"),
    path("<int:meeting_id>/minutes/print/", views.minutes_print, name="minutes-print"),
    path("<int:meeting_id>/evaluation/", views.evaluation_page, name="evaluation"),
    path("<int:meeting_id>/evaluation/results/", views.evaluation_results, name="results"),
]
