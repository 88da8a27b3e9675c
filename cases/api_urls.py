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
    path(
        "participants/<int:participant_id>/help/",
        api.ParticipantHelpApi.as_view(),
        name="api-participant-help",
    ),
    path("cases/<int:case_id>/entries/", api.EntryListApi.as_view(), name="api-case-entries"),
    path("entries/<int:entry_id>/", api.EntryDetailApi.as_view(), name="api-entry"),
    path(
        "entries/<int:entry_id>/attachments/",
        api.AttachmentUploadApi.as_view(),
        name="api-entry-attachments",
    ),
    path("entries/<int:entry_id>/withhold/", api.EntryWithholdApi.as_view(), name="api-withhold"),
    path("cases/<int:case_id>/withheld/", api.WithheldListApi.as_view(), name="api-withheld"),
    path(
        "withholdings/<int:withholding_id>/end/",
        api.WithholdingEndApi.as_view(),
        name="api-withholding-end",
    ),
    path(
        "cases/<int:case_id>/invitations/",
        api.InvitationListApi.as_view(),
        name="api-case-invitations",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        api.InvitationRevokeApi.as_view(),
        name="api-invitation-revoke",
    ),
    path(
        "invitations/<int:invitation_id>/accept/",
        api.InvitationAcceptApi.as_view(),
        name="api-invitation-accept",
    ),
    path(
        "attachments/<int:attachment_id>/download/",
        api.AttachmentDownloadApi.as_view(),
        name="api-attachment-download",
    ),
]
