"""The young person's plan: goals, steps and progress."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import AccessEvent, Case
from cases.selectors import access_case, team_users
from cases.serializers import valid_for_case
from cases.services import entry_open
from coordination.models import User
from coordination.rest import (
    FORBIDDEN,
    NOT_FOUND,
    authenticated_user,
    users_from_ids,
)

from .. import plan, selectors
from ..serializers import (
    GoalEvaluationInputSerializer,
    GoalEvaluationOutputSerializer,
    GoalInputSerializer,
    GoalOutputSerializer,
    PlanOutputSerializer,
    StepCommentInputSerializer,
    StepCommentOutputSerializer,
    StepInputSerializer,
    StepOutputSerializer,
    StepUpdateSerializer,
)


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
        valid_for_case(data, case=case)
        goal = plan.goal_add(case=case, actor=user, text=data.validated_data["text"])
        return Response(GoalOutputSerializer(goal).data, status=status.HTTP_201_CREATED)


class PlanStepApi(APIView):
    @extend_schema(
        summary="A step under a goal: who does it, by when",
        description=(
            "The young person adds a step for anyone on the team. A helper or the "
            "ungdomshjelper who can open the plan adds what they themself will do (`owner` is "
            "their own id, else 400), and the young person is told. Guardians: 403. Anyone "
            "who cannot open the plan: 404."
        ),
        request=StepInputSerializer,
        responses={201: StepOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "A step",
                value={"title": "Snakke med læreren om lekser", "owner": 5, "due": "2026-12-01"},
                request_only=True,
            )
        ],
        tags=["plan"],
    )
    def post(self, request: Request, goal_id: int) -> Response:
        user = authenticated_user(request)
        goal = plan.access_goal(user=user, goal_id=goal_id)
        data = StepInputSerializer(data=request.data)
        valid_for_case(data, case=goal.plan.case)
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
        summary="A step marked done, or not done after all",
        description="The young person marks any step; a helper the steps they own.",
        request=StepUpdateSerializer,
        responses={200: StepOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[OpenApiExample("Done", value={"done": True}, request_only=True)],
        tags=["plan"],
    )
    def patch(self, request: Request, step_id: int) -> Response:
        user = authenticated_user(request)
        step = plan.access_step(user=user, step_id=step_id)
        data = StepUpdateSerializer(data=request.data)
        valid_for_case(data, case=step.goal.plan.case)
        step = plan.step_mark(step=step, actor=user, done=data.validated_data["done"])
        return Response(StepOutputSerializer(step).data)


class PlanStepCommentApi(APIView):
    @extend_schema(
        summary="The young person comments on a step of their plan",
        description=(
            "The step's owner is told (without the text) when they can open the plan. Only the "
            "young person comments (403 for others who can open the plan)."
        ),
        request=StepCommentInputSerializer,
        responses={201: StepCommentOutputSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "A comment", value={"text": "Kan vi ta det på tirsdag?"}, request_only=True
            )
        ],
        tags=["plan"],
    )
    def post(self, request: Request, step_id: int) -> Response:
        user = authenticated_user(request)
        step = plan.access_step(user=user, step_id=step_id)
        data = StepCommentInputSerializer(data=request.data)
        valid_for_case(data, case=step.goal.plan.case)
        comment = plan.step_comment_add(step=step, actor=user, text=data.validated_data["text"])
        return Response(StepCommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)


class PlanGoalEvaluationApi(APIView):
    @extend_schema(
        summary="The young person says whether the work on a goal helped",
        description=(
            "A score from 1 (not at all) to 5 (a lot), their own words if they like, and "
            "whether it was said at a meeting. The goal's evaluations over time are its "
            "progress (in `goals[].evaluations` of the plan). Only the young person (403 for "
            "others who can open the plan)."
        ),
        request=GoalEvaluationInputSerializer,
        responses={
            201: GoalEvaluationOutputSerializer,
            400: None,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "An evaluation",
                value={"score": 4, "words": "Det hjelper å ha en fast dag", "at_meeting": False},
                request_only=True,
            )
        ],
        tags=["plan"],
    )
    def post(self, request: Request, goal_id: int) -> Response:
        user = authenticated_user(request)
        goal = plan.access_goal(user=user, goal_id=goal_id)
        data = GoalEvaluationInputSerializer(data=request.data)
        valid_for_case(data, case=goal.plan.case)
        evaluation = plan.goal_evaluate(goal=goal, actor=user, **data.validated_data)
        return Response(
            GoalEvaluationOutputSerializer(evaluation).data, status=status.HTTP_201_CREATED
        )
