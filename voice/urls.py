from django.urls import include, path

from . import checkin_views, views
from .rooms import views as room_views

app_name = "voice"

# The voice pages about one case, all under /cases/<id>/ (the case page itself is cases').
case_pages = [
    path("sharing-rules/", views.sharing_rules, name="rules"),
    path("messages/", views.conversation, name="messages"),
    path("ungdomshjelper/", views.ungdomshjelper, name="ungdomshjelper"),
    path("entries/<int:entry_id>/remarks/", views.remarks, name="remarks"),
    path("plan/", views.plan, name="plan"),
    path("check-ins/", checkin_views.check_ins, name="check_ins"),
    path("rooms/", room_views.rooms, name="rooms"),
    path("rooms/new/", room_views.room_new, name="room-new"),
]

# A room's own pages; the room names its case.
room_pages = [
    path("", room_views.room, name="room"),
    path("members/", room_views.room_members, name="room-members"),
    path("members/remove/", room_views.room_member_remove, name="room-member-remove"),
    path("leave/", room_views.room_leave, name="room-leave"),
    path("close/", room_views.room_close, name="room-close"),
]

# Included once at the site root, because its other pages (/ungdomshjelper/, /glossary/,
# /feedback/, /sharing-rules/<id>/remove/) have no common prefix and keep their paths.
urlpatterns = [
    path("cases/<int:case_id>/", include(case_pages)),
    path("rooms/<int:room_id>/", include(room_pages)),
    path("sharing-rules/<int:rule_id>/remove/", views.sharing_rule_remove, name="rule-remove"),
    path("ungdomshjelper/", views.ungdomshjelper_overview, name="overview"),
    path("glossary/", views.glossary, name="glossary"),
    path("feedback/", views.feedback, name="feedback"),
    path("my-comments/", views.my_remarks, name="my-remarks"),
    path("complain/", views.complain, name="complain"),
]
