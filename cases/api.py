"""JSON API for cases (docs/architecture.md §8). Thin: selectors read, services write."""

from uuid import UUID

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination.models import User
from coordination.rest import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    authenticated_user,
    page_of,
    paginated,
)
from services_registry.models import Service

from . import selectors, services
from .models import AccessEvent, Participant
from .serializers import (
    AttachmentInputSerializer,
    AttachmentOutputSerializer,
    CaseOpenInputSerializer,
    CaseOutputSerializer,
    EntryInputSerializer,
    EntryOutputSerializer,
    EntrySummarySerializer,
    InvitationInputSerializer,
    InvitationOutputSerializer,
    ParticipantHelpSerializer,
    ParticipantInputSerializer,
    ParticipantOutputSerializer,
    WithholdingOutputSerializer,
    WithholdInputSerializer,
    valid_for_case,
)


class CaseListApi(APIView):
    # Opening a case for a new person sends an invitation (coordination/throttling.py).
    throttle_scope = "invitation"

    @extend_schema(
        summary="Cases I take part in",
        operation_id="v1_cases_list",
        responses={200: page_of(CaseOutputSerializer)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        return paginated(
            request,
            self,
            selectors.cases_listed(user=authenticated_user(request)),
            CaseOutputSerializer,
        )

    @extend_schema(
        summary="Open a case for a young person (helpers with cases.open_case)",
        request=CaseOpenInputSerializer,
        responses={
            201: CaseOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "A new young person",
                value={
                    "title": "Ali - oppfølging på skolen",
                    "service": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                    "youth": {
                        "display_name": "Ali Hassan",
                        "birth_date": "2011-03-14",
                        "email": "ali@example.org",
                    },
                },
                request_only=True,
            )
        ],
        tags=["cases"],
    )
    def post(self, request: Request) -> Response:
        user = authenticated_user(request)
        if not selectors.may_open_case(user=user):
            raise exceptions.PermissionDenied(_("Only helpers can open a case."))
        data = CaseOpenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        youth = data.validated_data["youth"]
        case = services.case_open(
            actor=user,
            title=data.validated_data["title"],
            service=_service_or_400(data.validated_data["service"]),
            youth=_user_or_400(youth, field="youth") if isinstance(youth, int) else None,
            new_youth=services.NewPerson(**youth) if isinstance(youth, dict) else None,
        )
        return Response(CaseOutputSerializer(case).data, status=status.HTTP_201_CREATED)


class ParticipantHelpApi(APIView):
    @extend_schema(
        summary="A helper says what they help with and how to reach them directly",
        description=(
            "Only the helper or youth coordinator of this participation, for themself. Plain "
            "text on one line: `what` at most 200 characters, `direct_contact` at most 150; "
            "both empty clears the line. Shown to the team and the young person."
        ),
        request=ParticipantHelpSerializer,
        responses={
            200: ParticipantOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "The school nurse",
                value={
                    "what": "Jeg hjelper deg med søvn og hodepine.",
                    "direct_contact": "Ring meg på 900 00 000, tirsdager 9-11.",
                },
                request_only=True,
            )
        ],
        tags=["cases"],
    )
    def put(self, request: Request, participant_id: int) -> Response:
        user = authenticated_user(request)
        participant = get_object_or_404(Participant, pk=participant_id)
        case = selectors.access_case(user=user, case_id=participant.case_id)
        data = ParticipantHelpSerializer(data=request.data)
        valid_for_case(data, case=case)
        participant = services.participant_help_set(
            participant_id=participant_id,
            actor=user,
            what=data.validated_data["what"],
            direct_contact=data.validated_data["direct_contact"],
        )
        return Response(ParticipantOutputSerializer(participant).data)


def _service_or_400(service_id: UUID | None) -> Service | None:
    """The catalogue service named by a request, or a 400 on `service`."""
    if service_id is None:
        return None
    service = selectors.catalogue_service(service_id=service_id)
    if service is None:
        raise exceptions.ValidationError({"service": [_("No such service in the catalogue.")]})
    return service


def _user_or_400(user_id: int, *, field: str) -> User:
    user = selectors.person_to_name(user_id=user_id)
    if user is None:
        raise exceptions.ValidationError({field: [_("No such person.")]})
    return user


class CaseDetailApi(APIView):
    @extend_schema(responses={200: CaseOutputSerializer, 404: NOT_FOUND}, tags=["cases"])
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case(user=authenticated_user(request), case_id=case_id)
        return Response(CaseOutputSerializer(case).data)


class ParticipantListApi(APIView):
    @extend_schema(
        summary="The team, now and before (`left` set for people who left)",
        responses={200: ParticipantOutputSerializer(many=True), 404: NOT_FOUND},
        tags=["cases"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case(user=authenticated_user(request), case_id=case_id)
        participants = selectors.participants_for_case(case=case)
        return Response(ParticipantOutputSerializer(participants, many=True).data)

    @extend_schema(
        summary="Add someone to the team (the youth coordinator of the case)",
        request=ParticipantInputSerializer,
        responses={
            201: ParticipantOutputSerializer,
            400: None,
            403: None,
            404: NOT_FOUND,
            409: None,
        },
        examples=[
            OpenApiExample(
                "A helper",
                value={
                    "user": 7,
                    "role": "helper",
                    "service": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                },
                request_only=True,
            )
        ],
        tags=["cases"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case(user=authenticated_user(request), case_id=case_id)
        data = ParticipantInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        user = get_object_or_404(User, pk=data.validated_data["user"], is_active=True)
        service_id = data.validated_data.get("service")
        service = get_object_or_404(Service, pk=service_id) if service_id else None
        participant = services.participant_add(
            case=case,
            actor=authenticated_user(request),
            user=user,
            role=data.validated_data["role"],
            service=service,
        )
        return Response(
            ParticipantOutputSerializer(participant).data, status=status.HTTP_201_CREATED
        )


class EntryListApi(APIView):
    @extend_schema(
        summary="Entries on the case that I may see (no bodies: open an entry to read it)",
        responses={200: page_of(EntrySummarySerializer), 404: NOT_FOUND},
        tags=["entries"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case(user=authenticated_user(request), case_id=case_id)
        return paginated(
            request,
            self,
            selectors.entries_listed(user=authenticated_user(request), case=case),
            EntrySummarySerializer,
        )

    @extend_schema(
        summary="Write an entry (seen by me and the young person until I share it)",
        request=EntryInputSerializer,
        responses={201: EntryOutputSerializer, 400: None, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "A health note",
                value={
                    "kind": "note",
                    "category": "health",
                    "title": "Samtale om søvn",
                    "body": "Sara sover dårlig før prøver. Vi avtalte **ny samtale** om to uker.",
                },
                request_only=True,
            )
        ],
        tags=["entries"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case(user=authenticated_user(request), case_id=case_id)
        data = EntryInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        entry = services.entry_create(
            case=case, author=authenticated_user(request), **data.validated_data
        )
        return Response(
            EntryOutputSerializer(entry, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class EntryDetailApi(APIView):
    @extend_schema(
        summary="Read an entry (recorded: the young person sees who opened it and when)",
        responses={200: EntryOutputSerializer, 404: NOT_FOUND},
        tags=["entries"],
    )
    def get(self, request: Request, entry_id: int) -> Response:
        entry = services.entry_open(
            user=authenticated_user(request), entry_id=entry_id, via=AccessEvent.Via.API
        )
        return Response(EntryOutputSerializer(entry, context={"request": request}).data)


class AttachmentUploadApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Attach a file (PDF, PNG, JPEG or plain text; the author only)",
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentOutputSerializer, 400: None, 403: None, 404: NOT_FOUND},
        tags=["entries"],
    )
    def post(self, request: Request, entry_id: int) -> Response:
        entry = selectors.access_entry(user=authenticated_user(request), entry_id=entry_id)
        data = AttachmentInputSerializer(data=request.data)
        valid_for_case(data, case=entry.case)
        attachment = services.attachment_add(
            entry=entry, uploaded_by=authenticated_user(request), upload=data.validated_data["file"]
        )
        return Response(AttachmentOutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadApi(APIView):
    @extend_schema(
        summary="Download an attachment (recorded like opening the entry)",
        responses={
            (200, "application/octet-stream"): bytes,
            404: NOT_FOUND,
            410: OpenApiResponse(description="The file was erased after the retention period."),
        },
        tags=["entries"],
    )
    def get(self, request: Request, attachment_id: int) -> FileResponse | Response:
        attachment = services.attachment_open(
            user=authenticated_user(request), attachment_id=attachment_id
        )
        try:
            handle = attachment.file.open("rb")
        except (OSError, ValueError):
            # Erased by retention (no file name), or its file deleted after this request read
            # the row: a clear answer, never a 500.
            return Response(
                {"detail": _("The file was erased after the retention period.")},
                status=status.HTTP_410_GONE,
            )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


class EntryWithholdApi(APIView):
    @extend_schema(
        summary="Withhold an entry from the young person (its author, with a legal reason)",
        request=WithholdInputSerializer,
        responses={
            201: WithholdingOutputSerializer,
            400: None,
            403: OpenApiResponse(description="You see the entry but did not write it."),
            404: NOT_FOUND,
            409: OpenApiResponse(description="Already withheld."),
        },
        examples=[
            OpenApiExample(
                "Health law",
                value={"reason": "Pasient- og brukerrettighetsloven § 3-4 tredje ledd."},
                request_only=True,
            )
        ],
        tags=["cases"],
    )
    def post(self, request: Request, entry_id: int) -> Response:
        user = authenticated_user(request)
        entry = selectors.access_entry(user=user, entry_id=entry_id)
        data = WithholdInputSerializer(data=request.data)
        valid_for_case(data, case=entry.case)
        withholding = services.entry_withhold(
            entry_id=entry_id,
            actor=user,
            reason=data.validated_data["reason"],
        )
        return Response(
            WithholdingOutputSerializer(withholding).data, status=status.HTTP_201_CREATED
        )


class WithheldListApi(APIView):
    @extend_schema(
        summary="What is withheld from me on my case (the young person only)",
        operation_id="v1_case_withheld_list",
        responses={200: page_of(WithholdingOutputSerializer), 404: NOT_FOUND},
        tags=["cases"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case(user=authenticated_user(request), case_id=case_id)
        if case.youth_id != authenticated_user(request).pk:
            raise Http404
        return paginated(
            request, self, selectors.withholdings_active(case=case), WithholdingOutputSerializer
        )


class WithholdingEndApi(APIView):
    @extend_schema(
        summary="End a withholding (who decided, or a case admin on review)",
        request=None,
        responses={
            200: WithholdingOutputSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Already ended."),
        },
        tags=["cases"],
    )
    def post(self, request: Request, withholding_id: int) -> Response:
        withholding = selectors.access_withholding(
            user=authenticated_user(request), withholding_id=withholding_id
        )
        withholding = services.withholding_end(
            withholding=withholding, actor=authenticated_user(request)
        )
        return Response(WithholdingOutputSerializer(withholding).data)


class InvitationListApi(APIView):
    throttle_scope = "invitation"

    @extend_schema(
        summary="Invitations to the case, waiting and answered (the people on the team)",
        operation_id="v1_case_invitations_list",
        responses={200: page_of(InvitationOutputSerializer), 404: NOT_FOUND},
        tags=["cases"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case(user=authenticated_user(request), case_id=case_id)
        return paginated(
            request, self, selectors.invitations_listed(case=case), InvitationOutputSerializer
        )

    @extend_schema(
        summary="Invite someone to the case (a one-time link goes out by e-mail and/or SMS)",
        request=InvitationInputSerializer,
        responses={
            201: InvitationOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "A helper with an account",
                value={
                    "role": "helper",
                    "user": 7,
                    "service": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                },
                request_only=True,
            ),
            OpenApiExample(
                "A new helper",
                value={
                    "role": "helper",
                    "display_name": "Lise Moe",
                    "phone": "+4741234567",
                    "service": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                },
                request_only=True,
            ),
        ],
        tags=["cases"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        actor = authenticated_user(request)
        case = selectors.access_case(user=actor, case_id=case_id)
        data = InvitationInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        values = data.validated_data
        user_id = values.get("user")
        invitation = services.invitation_create(
            case_id=case.pk,
            actor=actor,
            role=values["role"],
            user=_user_or_400(user_id, field="user") if user_id is not None else None,
            person=services.NewPerson(
                display_name=values["display_name"], email=values["email"], phone=values["phone"]
            )
            if user_id is None
            else None,
            service=_service_or_400(values.get("service")),
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationRevokeApi(APIView):
    @extend_schema(
        summary="Withdraw a waiting invitation (who invited, or the youth coordinator)",
        request=None,
        responses={
            200: InvitationOutputSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        tags=["cases"],
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        invitation = services.invitation_revoke(
            invitation_id=invitation_id, actor=authenticated_user(request)
        )
        return Response(InvitationOutputSerializer(invitation).data)


class InvitationAcceptApi(APIView):
    @extend_schema(
        summary="Accept an invitation to me (logged in as exactly the invited account)",
        request=None,
        responses={200: InvitationOutputSerializer, 404: NOT_FOUND, 409: CONFLICT},
        tags=["cases"],
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        invitation = services.invitation_accept(
            invitation_id=invitation_id, user=authenticated_user(request)
        )
        return Response(InvitationOutputSerializer(invitation).data)
