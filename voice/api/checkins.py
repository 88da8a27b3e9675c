"""The ungdomshjelper's check-in rhythm with the young person, and marking a check-in done."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.serializers import valid_for_case
from coordination.rest import FORBIDDEN, NOT_FOUND, authenticated_user

from .. import checkins


class CheckInRhythmSerializer(serializers.Serializer):
    """`weekday` 0 is Monday; `time` local (Europe/Oslo). All null until a rhythm is set."""

    every_days = serializers.IntegerField(
        allow_null=True, help_text="7, 14, 21 or 28: every week, or every 2, 3 or 4 weeks."
    )
    weekday = serializers.IntegerField(allow_null=True, min_value=0, max_value=6)
    time = serializers.TimeField(allow_null=True, format="%H:%M")


class CheckInRhythmInputSerializer(serializers.Serializer):
    every_days = serializers.IntegerField(help_text="7, 14, 21 or 28.")
    weekday = serializers.IntegerField(help_text="0 (Monday) to 6 (Sunday).")
    time = serializers.TimeField(help_text="Local time, e.g. 15:00.")


class CheckInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    kind = serializers.ChoiceField(choices=["first_contact", "rhythm"])
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)


def _rhythm_body(rhythm: object) -> dict[str, object]:
    return {
        "every_days": getattr(rhythm, "every_days", None),
        "weekday": getattr(rhythm, "weekday", None),
        "time": getattr(rhythm, "time", None),
    }


class CheckInRhythmApi(APIView):
    @extend_schema(
        summary="How often the ungdomshjelper gets in touch with the young person",
        description=(
            "The young person and their ungdomshjelper read it (all null until it is set); "
            "anyone else gets 404."
        ),
        operation_id="v1_case_check_ins",
        responses={200: CheckInRhythmSerializer, 404: NOT_FOUND},
        tags=["check-ins"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = checkins.access_check_ins(user=user, case_id=case_id)
        return Response(CheckInRhythmSerializer(_rhythm_body(checkins.rhythm_of(case=case))).data)

    @extend_schema(
        summary="The ungdomshjelper sets the rhythm agreed with the young person",
        description=(
            "Creates a check-in task and a reminder for the ungdomshjelper on each such day "
            "(beat), and a note on the young person's home page. The young person: 403; anyone "
            "else: 404."
        ),
        operation_id="v1_case_check_ins_set",
        request=CheckInRhythmInputSerializer,
        responses={200: CheckInRhythmSerializer, 400: None, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Every other Thursday at 15",
                value={"every_days": 14, "weekday": 3, "time": "15:00"},
                request_only=True,
            )
        ],
        tags=["check-ins"],
    )
    def put(self, request: Request, case_id: int) -> Response:
        user = authenticated_user(request)
        case = checkins.access_check_ins(user=user, case_id=case_id)
        data = CheckInRhythmInputSerializer(data=request.data)
        valid_for_case(data, case=case)
        rhythm = checkins.check_in_rhythm_set(
            case=case,
            actor=user,
            every_days=data.validated_data["every_days"],
            weekday=data.validated_data["weekday"],
            at=data.validated_data["time"],
        )
        return Response(CheckInRhythmSerializer(_rhythm_body(rhythm)).data)


class CheckInDoneApi(APIView):
    @extend_schema(
        summary="The ungdomshjelper was in touch: the check-in is done",
        description="Only the ungdomshjelper whose check-in it is (404 for anyone else).",
        request=None,
        responses={200: CheckInSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        tags=["check-ins"],
    )
    def post(self, request: Request, check_in_id: int) -> Response:
        user = authenticated_user(request)
        check_in = checkins.access_check_in(user=user, check_in_id=check_in_id)
        check_in = checkins.check_in_done(check_in=check_in, actor=user)
        return Response(CheckInSerializer(check_in).data)
