"""The plan: the youth's goals in their words, steps with owner and date, progress the youth
marks, versions kept, shared only through the share path."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cases.models import AccessEvent, Entry
from consent.services import share
from voice.models import EntryVersion, Goal, Step
from voice.plan import goal_add, step_add, step_mark

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def plan_url(case):
    return f"/cases/{case.pk}/plan/"


def test_jonas_writes_his_plan_marks_progress_and_versions_are_kept(demo):
    jonas = client_for(demo["jonas"])
    # given Jonas writes a goal and a step on the page
    jonas.post(plan_url(demo.jonas_case), {"action": "goal", "text": "Komme på skolen hver dag"})
    goal = Goal.objects.get()
    jonas.post(
        plan_url(demo.jonas_case),
        {
            "action": "step",
            "goal": goal.pk,
            "text": "Snakke med læreren om matte",
            "owner": demo["laerer"].pk,
            "due": "2030-01-15",
        },
    )
    step = Step.objects.get()
    assert (step.owner, step.due) == (demo["laerer"], datetime.date(2030, 1, 15))
    # when he marks it done
    jonas.post(plan_url(demo.jonas_case), {"action": "done", "step": step.pk})
    # then the plan entry shows it, in his words, and every earlier text is kept
    plan = Entry.objects.get(kind=Entry.Kind.PLAN, case=demo.jonas_case)
    assert plan.author == demo["jonas"]
    assert "## Komme på skolen hver dag" in plan.body
    assert "- [x] Snakke med læreren om matte (Ole Hansen, 15.01.2030)" in plan.body
    assert EntryVersion.objects.filter(entry=plan).count() == 3
    page = jonas.get(plan_url(demo.jonas_case)).content.decode()
    assert "Ikke ferdig likevel" in page
    assert "innen 15. januar 2030" in page  # a due date shows its year, as the portal's dates do


def test_helpers_see_the_plan_only_once_shared(demo):
    goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text="Mer fritid")
    teacher = client_for(demo["laerer"])
    assert teacher.get(plan_url(demo.jonas_case)).status_code == 404
    share(entry=goal.plan, recipients=[demo["laerer"]], actor=demo["jonas"])
    page = teacher.get(plan_url(demo.jonas_case))
    assert page.status_code == 200 and "Mer fritid" in page.content.decode()
    # and her reading it is logged, so Jonas sees that she opened it
    assert AccessEvent.objects.filter(entry=goal.plan, user=demo["laerer"], via="page").exists()
    # only Jonas changes it: the refusal is a message on the plan page, nothing is written
    refused = teacher.post(plan_url(demo.jonas_case), {"action": "goal", "text": "x"}, follow=True)
    assert "Bare den unge endrer planen sin." in refused.content.decode()
    assert list(Goal.objects.values_list("text", flat=True)) == ["Mer fritid"]
    with pytest.raises(PermissionDenied):
        goal_add(case=demo.jonas_case, actor=demo["laerer"], text="x")


def test_bad_plan_input_stores_nothing_and_html_is_inert(demo):
    jonas = client_for(demo["jonas"])
    jonas.post(plan_url(demo.jonas_case), {"action": "goal", "text": "   "})
    jonas.post(plan_url(demo.jonas_case), {"action": "goal", "text": "x" * 301})
    assert not Goal.objects.exists()
    goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text="<script>alert(1)</script>")
    with pytest.raises(ValidationError):
        step_add(goal=goal, actor=demo["jonas"], text="Steg", owner=demo["nav"])
    assert not Step.objects.exists()
    page = jonas.get(plan_url(demo.jonas_case)).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    # someone else's case: 404
    assert client_for(demo["sara"]).get(plan_url(demo.jonas_case)).status_code == 404
    other_step = step_add(goal=goal, actor=demo["jonas"], text="Steg", owner=demo["far"])
    response = client_for(demo["sara"]).post(
        plan_url(demo.sara_case), {"action": "done", "step": other_step.pk}
    )
    assert response.status_code == 404
    step_mark(step=other_step, actor=demo["jonas"], done=True)


def test_plan_page_queries_do_not_grow(demo, django_assert_max_num_queries):
    for n in range(5):
        goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text=f"Mål {n}")
        step_add(goal=goal, actor=demo["jonas"], text="Steg", owner=demo["far"])
    jonas = client_for(demo["jonas"])
    # 18 with the check whether Jonas needs a second factor (his groups); goals, steps,
    # comments and evaluations are five prefetches however many there are
    with django_assert_max_num_queries(18):
        assert jonas.get(plan_url(demo.jonas_case)).status_code == 200
