"""access_case runs cases_for_user's statement for one case compiled once a process, the person,
the case and the day bound per call (coordination.statements): for every persona and every case
of the demo, a case that does not exist and an id past any column's range, at several moments,
it answers exactly what cases_for_user's queryset answers (the case or 404, its fields and the
young person and who closed it, fetched with it). The moments move the clock after the statement
was compiled: a case closed in between, someone who left, and Sara turning 18, after which her
mother takes part no more."""

from datetime import datetime, time

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Participant
from cases.selectors import access_case, cases_for_user
from coordination.ages import adult_since
from coordination.parsing import MAX_ID
from tests.consent.test_permission_matrix import PERSONAS

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {k: v for k, v in vars(instance).items() if k != "_state"}


def through_the_orm(user, case_id: int) -> Case | None:
    try:
        return cases_for_user(user=user).get(pk=case_id)
    except Case.DoesNotExist:
        return None


def answers(demo) -> dict[tuple[str, int], bool]:
    """Per persona and case: whether access_case lets them in, checked against the ORM's."""
    result = {}
    case_ids = [*Case.objects.values_list("pk", flat=True), 10**9, MAX_ID, MAX_ID + 1]
    for persona in PERSONAS:
        user = demo[persona]
        for case_id in case_ids:
            expected = through_the_orm(user, case_id)
            try:
                case = access_case(user=user, case_id=case_id)
            except Http404:
                case = None
            assert (case is None) == (expected is None), (persona, case_id)
            if case is not None and expected is not None:
                assert fields(case) == fields(expected), (persona, case_id)
                assert fields(case.youth) == fields(expected.youth), (persona, case_id)
                assert (case.closed_by is None) == (expected.closed_by is None)
                if case.closed_by is not None:
                    assert fields(case.closed_by) == fields(expected.closed_by)
            result[persona, case_id] = case is not None
    return result


def test_access_case_answers_what_cases_for_user_does_as_the_clock_moves(demo):
    sara_case, jonas_case = demo.sara_case.pk, demo.jonas_case.pk
    now = answers(demo)
    assert now["sara", sara_case] and now["mor", sara_case] and now["laerer", sara_case]
    assert not now["sara", jonas_case] and not now["bup", jonas_case]
    assert not any(seen for (_, case_id), seen in now.items() if case_id > jonas_case)

    # Closed by the youth coordinator (the case and who closed it come with one statement);
    # the teacher leaves.
    Case.objects.filter(pk=sara_case).update(
        closed_at=timezone.now(), closed_by=demo["ungdomshjelper"]
    )
    Participant.objects.filter(case_id=sara_case, user=demo["laerer"]).update(left=timezone.now())
    later = answers(demo)
    assert later["sara", sara_case] and not later["laerer", sara_case]
    assert access_case(user=demo["sara"], case_id=sara_case).closed_by == demo["ungdomshjelper"]

    birthday = adult_since(demo["sara"].birth_date)
    morning = timezone.make_aware(datetime.combine(birthday, time(9)))
    with time_machine.travel(morning, tick=False):
        of_age = answers(demo)
    assert not of_age["mor", sara_case]
    assert of_age["sara", sara_case]
