"""JSON API for the young person's voice (docs/architecture.md §8). Thin: selectors read,
services write."""

from collections.abc import Callable

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import AccessEvent, Case, Entry
from cases.selectors import access_case, team_users
from cases.serializers import ParticipantOutputSerializer
from cases.services import entry_open
from coordination.models import User
from coordination.rest import (
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    page_of,
    paginated,
    users_from_ids,
)
from services_registry.models import Service

from . import plan, selectors, services
from .glossary import terms_matching
from .models import Remark
from .overview import overview_for
from .serializers import (
    AcceptInputSerializer,
    AnswerInputSerializer,
    CaseOverviewSerializer,
    EntryVersionSerializer,
    FeedbackInputSerializer,
    FeedbackOutputSerializer,
    FeedbackSummarySerializer,
    GoalInputSerializer,
    GoalOutputSerializer,
    MessageInputSerializer,
    MessageOutputSerializer,
    PlanOutputSerializer,
    RemarkInputSerializer,
    RemarkOutputSerializer,
    RemarkShowInputSerializer,
    StepInputSerializer,
    StepOutputSerializer,
    StepUpdateSerializer,
    TermSerializer,
    UngdomshjelperChangeSerializer,
    UngdomshjelperChooseInputSerializer,
    UngdomshjelperOutputSerializer,
    UnreadSerializer,
)


class MessageListApi(APIView):
    @extend_schema(
        summary="The conversation of a case: the messages I may read, oldest first",
        description="Every message returned is logged as opened by the caller.",
        operation_id="v1_case_messages_list",
        responses={200: page_of(MessageOutputSerializer), 404: NOT_FOUND},
        tags=["messages"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_case(user=user, case_id=case_id)

        def read(messages: list[Entry]) -> list[Entry]:
            services.messages_read(case=case, user=user, messages=messages, via="api")
            return messages

        messages = selectors.messages_for_case(user=user, case=case).select_related("author")
        return paginated(request, self, messages, MessageOutputSerializer, build=read)

    @extend_schema(
        summary="Send a message",
        description=(
            "The young person names `recipients` (people on the team); each gets it through the "
            "share path with basis `own_choice`. A helper's message goes to the young person and "
            "takes no `recipients`."
        ),
        request=MessageInputSerializer,
        responses={201: MessageOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Jonas to his teacher",
                value={"body": "Kan vi snakke etter timen?", "recipients": [5]},
                request_only=True,
            )
        ],
        tags=["messages"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = access_case(user=authenticated_user(request), case_id=case_id)
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recipients = users_from_ids(
            data.validated_data["recipients"], field="recipients", among=team_users(case=case)
        )
        message = services.message_send(
            case=case,
            author=authenticated_user(request),
            body=data.validated_data["body"],
            recipients=recipients,
        )
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)


class UnreadApi(APIView):
    @extend_schema(
        summary="Unread messages per case (cases with none are left out)",
        responses={200: UnreadSerializer(many=True)},
        tags=["messages"],
    )
    def get(self, request: Request) -> Response:
        counts = selectors.unread_messages(user=authenticated_user(request))
        rows = [{"case": case_id, "unread": n} for case_id, n in sorted(counts.items())]
        return Response(UnreadSerializer(rows, many=True).data)


class UngdomshjelperApi(APIView):
    @extend_schema(
        summary="The ungdomshjelper offer: current, whether offered, and the candidates",
        description=(
            "For the young person and a guardian who decides; everyone else 404. "
            "`change_request` is the open request for another ungdomshjelper (or null); while "
            "it is open, `offered` is true and the candidates leave out the current one."
        ),
        responses={200: UngdomshjelperOutputSerializer, 404: NOT_FOUND},
        tags=["ungdomshjelper"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        body = {
            "offered": selectors.ungdomshjelper_offered(case=case),
            "current": selectors.ungdomshjelper_of(case=case),
            "candidates": selectors.ungdomshjelper_candidates(case=case),
            "change_request": selectors.ungdomshjelper_change_open(case=case),
        }
        return Response(UngdomshjelperOutputSerializer(body).data)

    @extend_schema(
        summary="Choose the ungdomshjelper among the candidates",
        request=UngdomshjelperChooseInputSerializer,
        responses={
            201: ParticipantOutputSerializer,
            400: None,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[OpenApiExample("Choose", value={"user": 10}, request_only=True)],
        tags=["ungdomshjelper"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        data = UngdomshjelperChooseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Looked up among the candidates the caller is shown, so an id outside the list gets
        # one answer whether or not such an account exists.
        wanted = data.validated_data["user"]
        chosen = next(
            (c.user for c in selectors.ungdomshjelper_candidates(case=case) if c.user.pk == wanted),
            None,
        )
        if chosen is None:
            raise serializers.ValidationError(
                {"user": [_("Choose one of the people in the list.")]}
            )
        participant = services.ungdomshjelper_choose(
            case=case, actor=authenticated_user(request), chosen=chosen
        )
        return Response(
            ParticipantOutputSerializer(participant).data, status=status.HTTP_201_CREATED
        )


# Whoever may not choose gets 404; another chooser cancelling someone else's request 403.
CHANGE_REFUSALS = {403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class UngdomshjelperChangeApi(APIView):
    @extend_schema(
        summary="Ask for another ungdomshjelper",
        description=(
            "Opens the offer again (the current ungdomshjelper is left out of the candidates). "
            "The current ungdomshjelper is not told until someone new is chosen with "
            "`POST /cases/{id}/ungdomshjelper/`; then they stay on the team as a helper if they "
            "act for a service, and otherwise leave the case. 409 when the case has no "
            "ungdomshjelper or a request is open already."
        ),
        request=None,
        responses={201: UngdomshjelperChangeSerializer, **CHANGE_REFUSALS},
        tags=["ungdomshjelper"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        change = services.ungdomshjelper_change_ask(case=case, actor=authenticated_user(request))
        return Response(UngdomshjelperChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class UngdomshjelperChangeCancelApi(APIView):
    @extend_schema(
        summary="Cancel my request for another ungdomshjelper (the asker only)",
        request=None,
        responses={200: UngdomshjelperChangeSerializer, **CHANGE_REFUSALS},
        tags=["ungdomshjelper"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.access_case_for_choice(user=authenticated_user(request), case_id=case_id)
        change = services.ungdomshjelper_change_cancel(case=case, actor=authenticated_user(request))
        return Response(UngdomshjelperChangeSerializer(change).data)


class UngdomshjelperCasesApi(APIView):
    @extend_schema(
        summary="My cases as ungdomshjelper: what needs me, and what waits for each young person",
        description=(
            "One result per case where the caller is the ungdomshjelper now (an empty page for "
            "anyone else). Items are counts with a label and a link; kinds with nothing waiting "
            "are left out."
        ),
        operation_id="v1_ungdomshjelper_cases_list",
        responses={200: page_of(CaseOverviewSerializer)},
        examples=[
            OpenApiExample(
                "Sara's case",
                value={
                    "case": {"id": 1, "title": "Sara - samarbeid rundt skole og helse"},
                    "youth": {"id": 1, "username": "sara", "display_name": "Sara Nilsen"},
                    "needs_action": [
                        {
                            "kind": "meetings_upcoming",
                            "count": 1,
                            "label": "1 møte som kommer",
                            "url": "/meetings/case/1/",
                        }
                    ],
                    "youth_pending": [
                        {
                            "kind": "meeting_attendance",
                            "count": 1,
                            "label": "Velge hvem som kommer på 1 møte",
                            "url": "/meetings/3/",
                        }
                    ],
                },
                response_only=True,
            )
        ],
        tags=["ungdomshjelper"],
    )
    def get(self, request: Request) -> Response:
        user = authenticated_user(request)
        return paginated(
            request,
            self,
            selectors.ungdomshjelper_cases(user=user),
            CaseOverviewSerializer,
            build=lambda cases: overview_for(user=user, cases=cases),
        )


class GlossaryApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The glossary (Ordliste), searchable; explanations in the caller's language",
        operation_id="v1_glossary_list",
        parameters=[OpenApiParameter("q", str, required=False)],
        responses={200: page_of(TermSerializer)},
        tags=["glossary"],
    )
    def get(self, request: Request) -> Response:
        terms = terms_matching(request.query_params.get("q", "")[:100])
        return paginated(request, self, terms, TermSerializer)


class FeedbackApi(APIView):
    @extend_schema(
        summary="Feedback on the services I act for (hidden below 5 answers per service)",
        operation_id="v1_feedback_list",
        responses={200: FeedbackSummarySerializer(many=True)},
        tags=["feedback"],
    )
    def get(self, request: Request) -> Response:
        summaries = [
            selectors.feedback_summary(service=service)
            for service in selectors.feedback_services_for_helper(user=authenticated_user(request))
        ]
        return Response(FeedbackSummarySerializer(summaries, many=True).data)

    @extend_schema(
        summary="Give feedback on a service helping me (anonymous unless `anonymous` is false)",
        request=FeedbackInputSerializer,
        responses={201: FeedbackOutputSerializer, 400: None},
        examples=[
            OpenApiExample(
                "Anonymous",
                value={"service": "6f1c0c1e-4a8e-4bb1-9d55-6c1a0c2b7d10", "rating": 4},
                request_only=True,
            )
        ],
        tags=["feedback"],
    )
    def post(self, request: Request) -> Response:
        data = FeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = Service.objects.filter(pk=data.validated_data["service"]).first()
        if service is None:
            raise serializers.ValidationError(
                {"service": [_("Choose a service that helps you now.")]}
            )
        feedback = services.feedback_give(
            author=authenticated_user(request),
            service=service,
            rating=data.validated_data["rating"],
            text=data.validated_data["text"],
            anonymous=data.validated_data["anonymous"],
        )
        return Response(FeedbackOutputSerializer(feedback).data, status=status.HTTP_201_CREATED)


class RemarkListApi(APIView):
    @extend_schema(
        summary="Comments and corrections on an entry",
        description=(
            "The young person and the author see all; anyone else who may open the entry only "
            "the remarks the young person showed them (404 while there are none). Reading them "
            "is logged as an open (via `remarks`)."
        ),
        operation_id="v1_entry_remarks_list",
        responses={200: page_of(RemarkOutputSerializer), 404: NOT_FOUND},
        tags=["corrections"],
    )
    def get(self, request: Request, entry_id: int) -> Response:
        user = authenticated_user(request)
        entry = services.remarks_open(user=user, entry_id=entry_id, via=AccessEvent.Via.REMARKS)
        remarks = selectors.remarks_for_entry(entry=entry, viewer=user)
        return paginated(request, self, remarks, RemarkOutputSerializer)

    @extend_schema(
        summary="The young person comments on an entry or proposes a correction",
        request=RemarkInputSerializer,
        responses={201: RemarkOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Correction",
                value={
                    "kind": "correction",
                    "text": "Det var ikke fire timer, det var to.",
                    "proposed_body": "Jonas har vært borte fra to matematikktimer.",
                },
                request_only=True,
            )
        ],
        tags=["corrections"],
    )
    def post(self, request: Request, entry_id: int) -> Response:
        data = RemarkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        remark = services.remark_create(
            entry_id=entry_id, author=authenticated_user(request), **data.validated_data
        )
        return Response(RemarkOutputSerializer(remark).data, status=status.HTTP_201_CREATED)


REMARK_ANSWER_RESPONSES = {
    200: RemarkOutputSerializer,
    400: None,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


def _answered(
    request: Request,
    remark_id: int,
    service: Callable[..., Remark],
    serializer: type[AnswerInputSerializer] = AnswerInputSerializer,
) -> Response:
    remark = selectors.access_remark(user=authenticated_user(request), remark_id=remark_id)
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    remark = service(remark=remark, actor=authenticated_user(request), **data.validated_data)
    return Response(RemarkOutputSerializer(remark).data)


class CorrectionAcceptApi(APIView):
    @extend_schema(
        summary="The author accepts a correction: the old text is kept as a version",
        description='With `"version"`, the entry\'s text the author read: 409 `{"detail",'
        '"yours","current"}` (nothing written) when it has changed since.',
        request=AcceptInputSerializer,
        responses=REMARK_ANSWER_RESPONSES,
        tags=["corrections"],
    )
    def post(self, request: Request, remark_id: int) -> Response:
        return _answered(request, remark_id, services.correction_accept, AcceptInputSerializer)


class RemarkShowApi(APIView):
    @extend_schema(
        summary="The young person shows a remark to everyone who may open the entry, or hides it",
        description=(
            "Shown: they read the remark, the author's answer and, for an accepted correction, "
            "the text it replaced. Only the young person (403 for the author)."
        ),
        request=RemarkShowInputSerializer,
        responses={200: RemarkOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[OpenApiExample("Show", value={"shown": True}, request_only=True)],
        tags=["corrections"],
    )
    def post(self, request: Request, remark_id: int) -> Response:
        user = authenticated_user(request)
        remark = selectors.access_remark(user=user, remark_id=remark_id)
        data = RemarkShowInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        remark = services.remark_show(remark=remark, actor=user, shown=data.validated_data["shown"])
        return Response(RemarkOutputSerializer(remark).data)


class RemarkAnswerApi(APIView):
    @extend_schema(
        summary="The author answers a comment, or says why a correction is not made",
        request=AnswerInputSerializer,
        responses=REMARK_ANSWER_RESPONSES,
        tags=["corrections"],
    )
    def post(self, request: Request, remark_id: int) -> Response:
        return _answered(request, remark_id, services.remark_answer)


# -- the plan ---------------------------------------------------------------------------------


def _plan_body(*, case: Case, user: User) -> dict[str, object]:
    """The plan as `user` may see it; reading it is logged as an open of the plan entry."""
    entry = plan.plan_of(case=case, viewer=user)
    if entry is None and user.pk != case.youth_id:
        raise Http404
    if entry is not None:
        entry_open(user=user, entry_id=entry.pk, via=AccessEvent.Via.API)
    return {
        "entry": entry,
        "goals": plan.goals_of(plan=entry) if entry else [],
        "versions": selectors.versions_of(entry=entry, viewer=user).count() if entry else 0,
    }


class PlanApi(APIView):
    @extend_schema(
        summary="The young person's plan: goals, steps, who does what by when, progress",
        description=(
            "The young person always gets their plan (empty until the first goal). Anyone "
            "else only once the young person has shared it with them (404 before). Every "
            "read is logged as an open of the plan entry, so who-knows-what shows it."
        ),
        operation_id="v1_case_plan",
        responses={200: PlanOutputSerializer, 404: NOT_FOUND},
        tags=["plan"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_case(user=user, case_id=case_id)
        return Response(PlanOutputSerializer(_plan_body(case=case, user=user)).data)


class PlanGoalApi(APIView):
    @extend_schema(
        summary="The young person adds a goal in their own words",
        description="The first goal creates the plan (an entry of kind `plan`).",
        request=GoalInputSerializer,
        responses={201: GoalOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample("A goal", value={"text": "Komme på skolen hver dag"}, request_only=True)
        ],
        tags=["plan"],
    )
    def post(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = access_case(user=user, case_id=case_id)
        data = GoalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goal = plan.goal_add(case=case, actor=user, text=data.validated_data["text"])
        return Response(GoalOutputSerializer(goal).data, status=status.HTTP_201_CREATED)


class PlanStepApi(APIView):
    @extend_schema(
        summary="The young person adds a small step to a goal: who does it, by when",
        request=StepInputSerializer,
        responses={201: StepOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "A step",
                value={"text": "Snakke med læreren om lekser", "owner": 5, "due": "2026-12-01"},
                request_only=True,
            )
        ],
        tags=["plan"],
    )
    def post(self, request: Request, goal_id: int) -> Response:
        user = authenticated_user(request)
        goal = plan.access_goal(user=user, goal_id=goal_id)
        data = StepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = users_from_ids(
            [data.validated_data["owner"]], field="owner", among=team_users(case=goal.plan.case)
        )[0]
        step = plan.step_add(
            goal=goal,
            actor=user,
            text=data.validated_data["text"],
            owner=owner,
            due=data.validated_data["due"],
        )
        return Response(StepOutputSerializer(step).data, status=status.HTTP_201_CREATED)


class PlanStepDetailApi(APIView):
    @extend_schema(
        summary="The young person marks a step done, or not done after all",
        request=StepUpdateSerializer,
        responses={200: StepOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[OpenApiExample("Done", value={"done": True}, request_only=True)],
        tags=["plan"],
    )
    def patch(self, request: Request, step_id: int) -> Response:
        user = authenticated_user(request)
        step = plan.access_step(user=user, step_id=step_id)
        data = StepUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = plan.step_mark(step=step, actor=user, done=data.validated_data["done"])
        return Response(StepOutputSerializer(step).data)


class EntryVersionListApi(APIView):
    @extend_schema(
        summary="Earlier texts of an entry (corrections, plan changes), oldest first",
        description=(
            "For the young person and the author; anyone else who may open the entry gets only "
            "the texts replaced by corrections the young person showed them (404 while there "
            "are none). Reading them is logged as an open (via `versions`)."
        ),
        operation_id="v1_entry_versions_list",
        responses={200: page_of(EntryVersionSerializer), 404: NOT_FOUND},
        tags=["corrections"],
    )
    def get(self, request: Request, entry_id: int) -> Response:
        user = authenticated_user(request)
        entry = services.remarks_open(user=user, entry_id=entry_id, via=AccessEvent.Via.VERSIONS)
        versions = selectors.versions_of(entry=entry, viewer=user)
        return paginated(request, self, versions, EntryVersionSerializer)
