"""JSON API for the share path (docs/architecture.md §8). Thin: selectors read, services write."""

import functools
from collections.abc import Mapping
from typing import Any

import orjson
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from cases.models import Participant
from cases.selectors import (
    access_case,
    access_entry,
    entry_may_open,
    team_users,
    team_users_among,
)
from cases.serializers import (
    CaseCloseInputSerializer,
    CaseOutputSerializer,
    ParticipantOutputSerializer,
    valid_for_case,
)
from coordination.rest import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    page_of,
    paginated,
    users_from_ids,
)
from services_registry.models import Service

from . import selectors, services
from .access_log import (
    access_case_log,
    access_log,
    access_log_people,
    access_log_rows,
    access_log_team,
)
from .forms import AccessLogFilterForm
from .models import ConsentRequest
from .serializers import (
    AccessLogSerializer,
    ApproveInputSerializer,
    BlockInputSerializer,
    BlockOutputSerializer,
    CategoryWatchSerializer,
    ConsentRequestOutputSerializer,
    DeclineInputSerializer,
    DisclosureOutputSerializer,
    EntryWatchSerializer,
    HeldShareOutputSerializer,
    OpinionInputSerializer,
    ParticipantRemoveInputSerializer,
    PersonKnowledgeSerializer,
    ShareInputSerializer,
    ShareOutputSerializer,
    SharingRuleInputSerializer,
    SharingRuleOutputSerializer,
)


class ShareApi(APIView):
    @extend_schema(
        summary="Share an entry (the author only)",
        description=(
            "201 when a standing rule covers every recipient, for `legal_duty` (a justification "
            "the young person sees is required) and for the young person's own entries "
            "(`own_choice`); otherwise 202 and the consent authority is asked. A share under "
            "standing rules of an entry the young person has not read yet, when they chose "
            "reading first: 202 `waiting_for_youth` with `held` (it goes out when they have "
            "read it, say so, or SAMMEN_READ_FIRST_HOURS after it was written). A recipient "
            "blocked on the case: 409 with code `blocked` and nothing shared or asked (a "
            "`legal_duty` share goes through, and the young person is alerted)."
        ),
        request=ShareInputSerializer,
        responses={
            201: ShareOutputSerializer,
            202: ShareOutputSerializer,
            400: None,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Ask for consent",
                value={"recipients": [5], "purpose": "Så skolen kan tilrettelegge prøver."},
                request_only=True,
            ),
            OpenApiExample(
                "Legal duty",
                value={
                    "recipients": [8],
                    "basis": "legal_duty",
                    "justification": "Opplysningsplikt til barnevernet, barnevernsloven § 13-2.",
                    "purpose": "Barnevernet må vurdere situasjonen hjemme.",
                },
                request_only=True,
            ),
        ],
        tags=["sharing"],
    )
    def post(self, request: Request, entry_id: int) -> Response:
        entry = access_entry(user=authenticated_user(request), entry_id=entry_id)
        data = ShareInputSerializer(data=request.data)
        valid_for_case(data, case=entry.case)
        recipients = users_from_ids(
            data.validated_data["recipients"],
            field="recipients",
            among=functools.partial(team_users_among, case=entry.case),
        )
        result = services.share(
            entry=entry,
            recipients=recipients,
            actor=authenticated_user(request),
            basis=data.validated_data["basis"],
            justification=data.validated_data["justification"],
            purpose=data.validated_data["purpose"],
        )
        context = {"request": request}
        if result.held:
            body = {
                "status": result.status,
                "held": HeldShareOutputSerializer(result.held, many=True).data,
            }
            return Response(body, status=status.HTTP_202_ACCEPTED)
        if result.consent_request is not None:
            body = {
                "status": result.status,
                "consent_request": ConsentRequestOutputSerializer(
                    result.consent_request, context=context
                ).data,
            }
            return Response(body, status=status.HTTP_202_ACCEPTED)
        body = {
            "status": result.status,
            "disclosures": DisclosureOutputSerializer(result.disclosures, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ConsentRequestListApi(APIView):
    @extend_schema(
        summary="Consent requests I asked, must answer, or that are about me",
        operation_id="v1_consent_requests_list",
        parameters=[OpenApiParameter("status", enum=ConsentRequest.Status.values, required=False)],
        responses={200: page_of(ConsentRequestOutputSerializer), 400: None},
        tags=["consent"],
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status")
        if wanted is not None and wanted not in ConsentRequest.Status.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        return paginated(
            request,
            self,
            selectors.consent_requests_listed(user=authenticated_user(request), status=wanted),
            ConsentRequestOutputSerializer,
            build=selectors.consent_requests_detailed,
        )


class ConsentRequestDetailApi(APIView):
    @extend_schema(
        responses={200: ConsentRequestOutputSerializer, 404: NOT_FOUND}, tags=["consent"]
    )
    def get(self, request: Request, request_id: int) -> Response:
        return _consent_request_response(request, request_id)


def _consent_request_response(request: Request, request_id: int) -> Response:
    """The request as the caller may see it now (fetched again after a decision)."""
    consent_request = selectors.access_consent_request(
        user=authenticated_user(request), request_id=request_id
    )
    return Response(
        ConsentRequestOutputSerializer(consent_request, context={"request": request}).data
    )


DECISION_RESPONSES = {
    200: ConsentRequestOutputSerializer,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


class ConsentRequestApproveApi(APIView):
    @extend_schema(
        summary="Approve (a decider only): the entry is shared with basis `consent`",
        description=(
            "`until` (optional): the last day it is shared, today up to two years ahead; the "
            "disclosures end by themselves after it (reason `expired`). Another date: 400."
        ),
        request=ApproveInputSerializer,
        responses={**DECISION_RESPONSES, 400: BAD_INPUT},
        examples=[
            OpenApiExample("Until further notice", value={}, request_only=True),
            OpenApiExample("For a month", value={"until": "2027-01-31"}, request_only=True),
        ],
        tags=["consent"],
    )
    def post(self, request: Request, request_id: int) -> Response:
        consent_request = selectors.access_consent_request(
            user=authenticated_user(request), request_id=request_id
        )
        data = ApproveInputSerializer(data=request.data)
        valid_for_case(data, case=consent_request.entry.case)
        services.consent_request_approve(
            consent_request=consent_request,
            actor=authenticated_user(request),
            until=data.validated_data["until"],
        )
        return _consent_request_response(request, request_id)


class ConsentRequestDeclineApi(APIView):
    @extend_schema(
        summary="Decline (a decider only); the asker sees `reason` only if you write one",
        request=DeclineInputSerializer,
        responses=DECISION_RESPONSES,
        examples=[OpenApiExample("No reason", value={}, request_only=True)],
        tags=["consent"],
    )
    def post(self, request: Request, request_id: int) -> Response:
        consent_request = selectors.access_consent_request(
            user=authenticated_user(request), request_id=request_id
        )
        data = DeclineInputSerializer(data=request.data)
        valid_for_case(data, case=consent_request.entry.case)
        services.consent_request_decline(
            consent_request=consent_request,
            actor=authenticated_user(request),
            reason=data.validated_data["reason"],
        )
        return _consent_request_response(request, request_id)


class ConsentRequestOpinionApi(APIView):
    @extend_schema(
        summary="The young person's own view, when their guardians decide",
        request=OpinionInputSerializer,
        responses={**DECISION_RESPONSES, 400: None},
        examples=[
            OpenApiExample(
                "Jonas", value={"opinion": "Greit at læreren får vite det."}, request_only=True
            )
        ],
        tags=["consent"],
    )
    def post(self, request: Request, request_id: int) -> Response:
        consent_request = selectors.access_consent_request(
            user=authenticated_user(request), request_id=request_id
        )
        data = OpinionInputSerializer(data=request.data)
        valid_for_case(data, case=consent_request.entry.case)
        services.consent_request_opinion(
            consent_request=consent_request,
            actor=authenticated_user(request),
            opinion=data.validated_data["opinion"],
        )
        return _consent_request_response(request, request_id)


class SharingRuleListApi(APIView):
    @extend_schema(
        summary="The standing rules of a case (the youth, the consent authority, the coordinator)",
        responses={200: page_of(SharingRuleOutputSerializer), 404: NOT_FOUND},
        tags=["sharing"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_overview(user=authenticated_user(request), case_id=case_id)
        return paginated(
            request, self, selectors.sharing_rules_active(case=case), SharingRuleOutputSerializer
        )

    @extend_schema(
        summary="Add a standing rule (the consent authority for the category)",
        description=(
            "Exactly one of `recipient_user`, `recipient_service`, `recipient_role`. `until` "
            "(optional): the last day the rule is in force, today up to two years ahead; after "
            "it the rule and what it shared end by themselves (reason `expired`). `automatic` "
            "(optional, default false): each new entry of the category is shared with the "
            "rule's recipients by itself when it is saved."
        ),
        request=SharingRuleInputSerializer,
        responses={201: SharingRuleOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "School to every helper",
                value={"category": "school", "recipient_role": "helper"},
                request_only=True,
            ),
            OpenApiExample(
                "General to the coordinator",
                value={"category": "general", "recipient_user": 10},
                request_only=True,
            ),
        ],
        tags=["sharing"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_rules(user=authenticated_user(request), case_id=case_id)
        data = SharingRuleInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        user_id = data.validated_data.get("recipient_user")
        service_id = data.validated_data.get("recipient_service")
        recipient_user = (
            users_from_ids([user_id], field="recipient_user", among=team_users(case=case))[0]
            if user_id
            else None
        )
        recipient_service = Service.objects.filter(pk=service_id).first() if service_id else None
        if service_id and recipient_service is None:
            raise serializers.ValidationError({"recipient_service": [_("Unknown service.")]})
        rule = services.sharing_rule_create(
            case=case,
            actor=authenticated_user(request),
            category=data.validated_data["category"],
            recipient_user=recipient_user,
            recipient_service=recipient_service,
            recipient_role=data.validated_data["recipient_role"],
            until=data.validated_data["until"],
            automatic=data.validated_data["automatic"],
        )
        return Response(SharingRuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)


class SharingRuleDetailApi(APIView):
    @extend_schema(
        summary="End a standing rule: everything shared under it is withdrawn at once",
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        tags=["sharing"],
    )
    def delete(self, request: Request, rule_id: int) -> Response:
        rule = selectors.access_sharing_rule(user=authenticated_user(request), rule_id=rule_id)
        services.sharing_rule_end(rule=rule, actor=authenticated_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WhoKnowsWhatJSONRenderer(JSONRenderer):
    """JSONRenderer's bytes, encoded by orjson: a 500-entry case's answer is ~1 MB, and the
    standard library's encoder was its largest single cost (~12 ms of ~50 ms of CPU). For data of
    str, int, bool, None, dict and list, as this view's (no floats), orjson writes what
    `json.dumps` does with this project's JSONRenderer settings (compact, Unicode); the rest
    (datetimes, lazy texts) goes to DRF's encoder, and an indented answer to JSONRenderer itself.
    tests/consent/test_who_knows_what_json.py compares the two byte for byte."""

    _default = JSONEncoder().default

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        if data is None or indent is not None:
            return super().render(data, accepted_media_type, renderer_context)
        encoded = orjson.dumps(
            data,
            default=self._default,
            option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS,
        )
        # As JSONRenderer: JSON that is a strict JavaScript subset.
        return encoded.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")


class WhoKnowsWhatApi(APIView):
    def get_renderers(self) -> list[BaseRenderer]:
        return [
            WhoKnowsWhatJSONRenderer() if type(each) is JSONRenderer else each
            for each in super().get_renderers()
        ]

    @extend_schema(
        summary="Who knows what about the young person (the youth, the consent authority, "
        "the coordinator)",
        responses={200: PersonKnowledgeSerializer(many=True), 404: NOT_FOUND},
        tags=["sharing"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_overview(user=authenticated_user(request), case_id=case_id)
        people = selectors.who_knows_what(case=case, viewer=authenticated_user(request))
        return Response(PersonKnowledgeSerializer(people, many=True).data)


class AccessLogApi(APIView):
    @extend_schema(
        summary="Every open of an entry on the case (the young person; a deciding guardian "
        "for the categories the guardians decide)",
        operation_id="v1_cases_access_log_list",
        parameters=[
            OpenApiParameter("person", int, required=False, description="a user id on the team"),
            OpenApiParameter("entry", int, required=False),
            OpenApiParameter("since", OpenApiTypes.DATE, required=False, description="first day"),
            OpenApiParameter("until", OpenApiTypes.DATE, required=False, description="last day"),
        ],
        responses={200: page_of(AccessLogSerializer), 400: None, 404: NOT_FOUND},
        tags=["sharing"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case, categories = access_case_log(user=user, case_id=case_id)
        team = access_log_team(case=case)
        form = AccessLogFilterForm(request.query_params, people=access_log_people(team))
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        events = access_log(case=case, categories=categories, viewer=user, narrow=form.narrowed())
        return paginated(
            request,
            self,
            events,
            AccessLogSerializer,
            build=lambda page: access_log_rows(case=case, team=team, viewer=user, events=page),
        )


class BlockListApi(APIView):
    @extend_schema(
        summary="The people blocked on the case (the young person; a deciding guardian)",
        operation_id="v1_cases_blocks_list",
        responses={200: page_of(BlockOutputSerializer), 404: NOT_FOUND},
        tags=["sharing"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = selectors.access_case_blocks(user=user, case_id=case_id)
        return paginated(
            request, self, selectors.blocks_listed(case=case, viewer=user), BlockOutputSerializer
        )

    @extend_schema(
        summary="Block someone on the team: they receive nothing from this case",
        description=(
            "Their disclosures on the case end at once (reason `blocked`), except those a legal "
            "duty made. From then on every share to them answers 409 with code `blocked` (the "
            "reason is never told); a legal-duty share still goes through and the young person "
            "is alerted. Yourself, the young person or someone not on the team: 400."
        ),
        request=BlockInputSerializer,
        responses={
            201: BlockOutputSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample("Block BUP", value={"user": 7, "reason": "Vil ikke"}, request_only=True)
        ],
        tags=["sharing"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = selectors.access_case_blocks(user=user, case_id=case_id)
        data = BlockInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        blocked = users_from_ids(
            [data.validated_data["user"]], field="user", among=team_users(case=case)
        )[0]
        block = services.block_create(
            case_id=case.pk, actor=user, user=blocked, reason=data.validated_data["reason"]
        )
        return Response(BlockOutputSerializer(block).data, status=status.HTTP_201_CREATED)


class BlockDetailApi(APIView):
    @extend_schema(
        summary="Remove a block: they may receive things again from now on; nothing ended "
        "comes back",
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=["sharing"],
    )
    def delete(self, request: Request, block_id: int) -> Response:
        services.block_remove(block_id=block_id, actor=authenticated_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


WATCH_RESPONSES = {403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class EntryWatchApi(APIView):
    """The young person is told (entry_opened) whenever someone else opens the entry."""

    @extend_schema(
        summary="Be told when someone else opens this entry (the young person)",
        request=None,
        responses={201: EntryWatchSerializer, **WATCH_RESPONSES},
        tags=["sharing"],
    )
    def post(self, request: Request, entry_id: int) -> Response:
        services.entry_watch(entry_id=entry_id, actor=authenticated_user(request), watching=True)
        return Response({"entry": entry_id, "watching": True}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Stop being told when this entry is opened",
        request=None,
        responses={204: None, **WATCH_RESPONSES},
        tags=["sharing"],
    )
    def delete(self, request: Request, entry_id: int) -> Response:
        services.entry_watch(entry_id=entry_id, actor=authenticated_user(request), watching=False)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategoryWatchApi(APIView):
    """Like EntryWatchApi, for every entry of one category on the case, now and later."""

    @extend_schema(
        summary="Be told when someone else opens anything in this category (the young person)",
        request=None,
        responses={201: CategoryWatchSerializer, 400: None, **WATCH_RESPONSES},
        tags=["sharing"],
    )
    def post(self, request: Request, case_id: int, category: str) -> Response:
        services.category_watch(
            case_id=case_id, category=category, actor=authenticated_user(request), watching=True
        )
        body = {"case": case_id, "category": category, "watching": True}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Stop being told when this category is opened",
        request=None,
        responses={204: None, 400: None, **WATCH_RESPONSES},
        tags=["sharing"],
    )
    def delete(self, request: Request, case_id: int, category: str) -> Response:
        services.category_watch(
            case_id=case_id, category=category, actor=authenticated_user(request), watching=False
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DisclosureWithdrawApi(APIView):
    @extend_schema(
        summary="Withdraw a disclosure: the recipient loses access at once",
        request=None,
        responses={200: DisclosureOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=["sharing"],
    )
    def post(self, request: Request, disclosure_id: int) -> Response:
        disclosure = selectors.access_disclosure(
            user=authenticated_user(request), disclosure_id=disclosure_id
        )
        user = authenticated_user(request)
        disclosure = services.withdraw(disclosure=disclosure, actor=user)
        visible = entry_may_open(user=user, entry_id=disclosure.entry_id)
        return Response(
            DisclosureOutputSerializer(disclosure, context={"entry_visible": visible}).data
        )


class ParticipantRemoveApi(APIView):
    @extend_schema(
        summary="Leave the team, or (the youth coordinator) take someone off it",
        description=(
            "Anyone but the young person may leave by themself; the youth coordinator may take "
            "anyone but the young person off. Their access ends at once. The young person and "
            "the rest of the team are told who left; `summary` (optional, at most 500 "
            "characters) is shown to them on the case page."
        ),
        request=ParticipantRemoveInputSerializer,
        responses={
            200: ParticipantOutputSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "BUP is done",
                value={"summary": "BUP har avsluttet behandlingen."},
                request_only=True,
            )
        ],
        tags=["cases"],
    )
    def post(self, request: Request, participant_id: int) -> Response:
        user = authenticated_user(request)
        participant = get_object_or_404(Participant, pk=participant_id)
        case = access_case(user=user, case_id=participant.case_id)
        data = ParticipantRemoveInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        participant = services.participant_remove(
            participant=participant, actor=user, summary=data.validated_data["summary"]
        )
        return Response(ParticipantOutputSerializer(participant).data)


class CaseCloseApi(APIView):
    @extend_schema(
        summary="Close a case (its ungdomshjelper or a helper on it)",
        description=(
            "Every disclosure on the case ends (reason `case_closed`), every write on the case "
            "then answers 409, and the young person and the team are told. The young person "
            "keeps reading everything. `follow_up_on` (today or later): the closer is reminded "
            "that day. Closing a closed case: 409."
        ),
        request=CaseCloseInputSerializer,
        responses={
            200: CaseOutputSerializer,
            400: None,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Closing",
                value={
                    "summary": "BUP har avsluttet behandlingen. Oppfølgingssamtale etter jul.",
                    "follow_up_on": "2027-01-15",
                },
                request_only=True,
            )
        ],
        tags=["cases"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(user=authenticated_user(request), case_id=case_id)
        data = CaseCloseInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        case = services.case_close(
            case=case,
            actor=authenticated_user(request),
            summary=data.validated_data["summary"],
            follow_up_on=data.validated_data.get("follow_up_on"),
        )
        return Response(CaseOutputSerializer(case).data)


class CaseReopenApi(APIView):
    @extend_schema(
        summary="Open a closed case again (its ungdomshjelper or a helper on it)",
        description=(
            "Within SAMMEN_REOPEN_WITHIN_DAYS of the closing; the team is as it was and what "
            "ended at the closing stays ended. An open case, or one closed too long ago: 409."
        ),
        request=None,
        responses={200: CaseOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
        tags=["cases"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(user=authenticated_user(request), case_id=case_id)
        case = services.case_reopen(case=case, actor=authenticated_user(request))
        return Response(CaseOutputSerializer(case).data)
