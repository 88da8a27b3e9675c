from django.urls import include, path

from . import checkin_views, views

app_name = "voice"

# The voice pages about one case, all under /cases/<id>/ (the case page itself is cases').
case_pages = [
    path("sharing-rules/", views.sharing_rules, name="rules"),
    path("messages/", views.conversation, name="messages"),
    path("ungdomshjelper/", views.ungdomshjelper, name="ungdomshjelper"),
    path("entries/<int:entry_id>/remarks/", views.remarks, name="remarks"),
    path("plan/", views.plan, name="plan"),
    path("check-ins/", checkin_views.check_ins, name="check_ins"),
]

# Included once at the site root, because its other pages (/ungdomshjelper/, /glossary/,
# /feedback/, /sharing-rules/<id>/remove/) have no common prefix and keep their paths.
urlpatterns = [
    path("cases/<int:case_id>/", include(case_pages)),
    path("sharing-rules/<int:rule_id>/remove/", views.sharing_rule_remove, name="rule-remove"),
    path("ungdomshjelper/", views.ungdomshjelper_overview, name="overview"),
    path("glossary/", views.glossary, name="glossary"),
    path("feedback/", views.feedback, name="feedback"),
    path("my-comments/", views.my_remarks, name="my-remarks"),
    path("complain/", views.complain, name="complain"),
]
