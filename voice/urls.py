from django.urls import path

from . import views

app_name = "voice"

# Included at the site root: the pages sit under their case's path.
urlpatterns = [
    path("cases/<int:case_id>/sharing-rules/", views.sharing_rules, name="rules"),
    path("sharing-rules/<int:rule_id>/remove/", views.sharing_rule_remove, name="rule-remove"),
    path("cases/<int:case_id>/messages/", views.conversation, name="messages"),
    path("cases/<int:case_id>/ungdomshjelper/", views.ungdomshjelper, name="ungdomshjelper"),
    path("ungdomshjelper/", views.ungdomshjelper_overview, name="overview"),
    path("cases/<int:case_id>/entries/<int:entry_id>/remarks/", views.remarks, name="remarks"),
    path("cases/<int:case_id>/plan/", views.plan, name="plan"),
    path("glossary/", views.glossary, name="glossary"),
    path("feedback/", views.feedback, name="feedback"),
]
