"""The plan over the API: the young person writes goals and steps and marks progress; others
read it only once it is shared with them, and every read is logged as an open."""

import pytest

from cases.models import AccessEvent, Entry
from consent.selectors import who_knows_what
from consent.services import share
from tests.consent.helpers import as_user
from voice.models import EntryVersion, Goal, Step
from voice.plan import goal_add, step_add

pytestmark = pytest.mark.django_db


def plan_url(case):
    return f"/api/v1/cases/{case.pk}/plan/"


def test_jonas_builds_his_plan_over_the_api(demo):
    jonas = as_user(demo["jonas"])
    # given an empty plan
    empty = jonas.get(plan_url(demo.jonas_case))
    assert empty.status_code == 200
    assert empty.json() == {"entry": None, "goals": [], "versions": 0}
    # when Jonas adds a goal, a step for his teacher and marks it done
    goal = jonas.post(
        plan_url(demo.jonas_case) + "goals/", {"text": "Komme på skolen hver dag"}, format="json"
    )
    assert goal.status_code == 201 and goal.json()["steps"] == []
    step = jonas.post(
        f"/api/v1/plan-goals/{goal.json()['id']}/steps/",
        {"text": "Snakke med læreren", "owner": demo["laerer"].pk, "due": "2030-01-15"},
        format="json",
    )
    assert step.status_code == 201
    assert step.json()["owner"]["username"] == "laerer"
    assert (step.json()["due"], step.json()["done"]) == ("2030-01-15", False)
    done = jonas.patch(f"/api/v1/plan-steps/{step.json()['id']}/", {"done": True}, format="json")
    assert done.status_code == 200 and done.json()["done"] is True
    assert done.json()["done_at"] is not None
    # then the plan shows it, with the earlier texts kept
    plan = jonas.get(plan_url(demo.jonas_case)).json()
    assert plan["entry"]["title"] == "Min plan"
    assert [g["text"] for g in plan["goals"]] == ["Komme på skolen hver dag"]
    assert plan["goals"][0]["steps"][0]["done"] is True
    assert plan["versions"] == 3
    versions = jonas.get(f"/api/v1/entries/{plan['entry']['id']}/versions/").json()
    assert versions["count"] == 3 and versions["results"][0]["body"] == ""
    assert versions["results"][0]["corrected_by_remark"] is None


def test_helpers_read_the_plan_only_once_shared_and_the_read_is_logged(demo):
    goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text="Mer fritid")
    teacher = as_user(demo["laerer"])
    # before Jonas shares it: the same 404 as for a case without a plan
    assert teacher.get(plan_url(demo.jonas_case)).status_code == 404
    assert teacher.get(f"/api/v1/plan-goals/{goal.pk}/steps/").status_code == 405
    assert (
        teacher.post(
            f"/api/v1/plan-goals/{goal.pk}/steps/",
            {"text": "x", "owner": demo["laerer"].pk},
            format="json",
        ).status_code
        == 404
    )
    # when Jonas shares it through the share path
    share(entry=goal.plan, recipients=[demo["laerer"]], actor=demo["jonas"])
    response = teacher.get(plan_url(demo.jonas_case))
    # then the teacher reads it, and who-knows-what shows that she opened it
    assert response.status_code == 200
    assert [g["text"] for g in response.json()["goals"]] == ["Mer fritid"]
    assert AccessEvent.objects.filter(entry=goal.plan, user=demo["laerer"], via="api").exists()
    teacher_row = next(p for p in who_knows_what(case=demo.jonas_case) if p.user == demo["laerer"])
    assert any(k.entry == goal.plan and k.last_opened for k in teacher_row.entries)
    # but only Jonas changes it: 403 for her, who can see it
    assert (
        teacher.post(plan_url(demo.jonas_case) + "goals/", {"text": "x"}, format="json").status_code
        == 403
    )
    step = step_add(goal=goal, actor=demo["jonas"], text="Trene", owner=demo["jonas"])
    denied = teacher.patch(f"/api/v1/plan-steps/{step.pk}/", {"done": True}, format="json")
    assert denied.status_code == 403
    step.refresh_from_db()
    assert step.done_at is None


def test_someone_elses_plan_is_a_404_everywhere(demo):
    goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text="Mål")
    step = step_add(goal=goal, actor=demo["jonas"], text="Steg", owner=demo["jonas"])
    sara = as_user(demo["sara"])
    assert sara.get(plan_url(demo.jonas_case)).status_code == 404
    assert (
        sara.post(plan_url(demo.jonas_case) + "goals/", {"text": "x"}, format="json").status_code
        == 404
    )
    assert (
        sara.post(
            f"/api/v1/plan-goals/{goal.pk}/steps/",
            {"text": "x", "owner": demo["sara"].pk},
            format="json",
        ).status_code
        == 404
    )
    assert (
        sara.patch(f"/api/v1/plan-steps/{step.pk}/", {"done": True}, format="json").status_code
        == 404
    )
    assert sara.get(f"/api/v1/entries/{goal.plan_id}/versions/").status_code == 404
    missing = sara.patch("/api/v1/plan-steps/999999/", {"done": True}, format="json")
    assert missing.status_code == 404
    assert missing.json() == sara.get(plan_url(demo.jonas_case)).json()


def test_bad_plan_input_is_a_clear_400_and_stores_nothing(demo):
    jonas = as_user(demo["jonas"])
    for text in ("", "   ", "x" * 301):
        response = jonas.post(plan_url(demo.jonas_case) + "goals/", {"text": text}, format="json")
        assert response.status_code == 400 and "text" in response.json()
    assert not Entry.objects.filter(kind=Entry.Kind.PLAN, author=demo["jonas"]).exists()
    goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text="<b>Mål</b>")
    steps = f"/api/v1/plan-goals/{goal.pk}/steps/"
    for body, field in (
        ({"text": "Steg", "owner": demo["sara"].pk}, "owner"),  # not on Jonas's team
        ({"text": "Steg", "owner": 999999}, "owner"),
        ({"text": "Steg"}, "owner"),
        ({"text": "Steg", "owner": demo["far"].pk, "due": "neste uke"}, "due"),
        ({"text": "", "owner": demo["far"].pk}, "text"),
    ):
        response = jonas.post(steps, body, format="json")
        assert response.status_code == 400 and field in response.json(), body
    assert not Step.objects.exists()
    assert EntryVersion.objects.count() == 1  # only the first goal changed the text
    step = step_add(goal=goal, actor=demo["jonas"], text="Steg", owner=demo["far"])
    assert (
        jonas.patch(
            f"/api/v1/plan-steps/{step.pk}/", {"done": "kanskje"}, format="json"
        ).status_code
        == 400
    )
    # what the young person writes is returned as text, never turned into markup here
    assert jonas.get(plan_url(demo.jonas_case)).json()["goals"][0]["text"] == "<b>Mål</b>"
    assert Goal.objects.count() == 1


def test_plan_api_queries_do_not_grow(demo, django_assert_max_num_queries):
    jonas = as_user(demo["jonas"])
    for n in range(5):
        goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text=f"Mål {n}")
        step_add(goal=goal, actor=demo["jonas"], text="Steg", owner=demo["far"])
    with django_assert_max_num_queries(12):
        assert jonas.get(plan_url(demo.jonas_case)).status_code == 200
