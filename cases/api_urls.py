from django.urls import path

from . import api

urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="api-cases"),
    path("cases/<int:case_id>/", api.CaseDetailApi.as_view(), name="api-case"),
    path(
        "cases/<int:case_id>/participants/",
        api.ParticipantListApi.as_view(),
        name="api-case-participants",
    ),
    path("cases/<int:case_id>/entries/", api.EntryListApi.as_view(), name="api-case-entries"),
    path("entries/<int:entry_id>/", api.EntryDetailApi.as_view(), name="api-entry"),
    path(
        "entries/<int:entry_id>/attachments/",
        api.AttachmentUploadApi.as_view(),
        name="api-entry-attachments",
    ),
    path(
        "attachments/<int:attachment_id>/download/",
        api.AttachmentDownloadApi.as_view(),
        name="api-attachment-download",
    ),
]
