"""Plans about what the helpers will do (issue #19 item 2): helpers who can open the young
person's plan add their own commitments under the youth's goals, the youth comments on them and
evaluates each goal ("did it help?", 1-5, their own words), steps due get one reminder per rule,
and every change keeps the earlier text."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases.models import Participant
from consent.services import case_close, participant_remove, share
from coordination.models import Notification
from tests.consent.helpers import as_user
from tests.factories import page_client
from voice.models import EntryVersion, GoalEvaluation, Step, StepComment, StepReminder
from voice.plan import (
    goal_add,
    goal_evaluate,
    goal_progress,
    goals_of,
    plan_step_reminders_send,
    step_add,
    step_comment_add,
    step_mark,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sara_goal(demo):
    """Sara's goal, her plan shared with the nurse and her mother (not with the teacher)."""
    goal = goal_add(case=demo.sara_case, actor=demo["sara"], text="Sove bedre")
    share(entry=goal.plan, recipients=[demo["helsesykepleier"], demo["mor"]], actor=demo["sara"])
    return goal


def steps_url(goal):
    return f"/api/v1/plan-goals/{goal.pk}/steps/"


def test_the_nurse_adds_what_she_will_do_and_sara_is_told(demo, sara_goal):
    nurse = as_user(demo["helsesykepleier"])
    # when the nurse adds her own commitment under Sara's goal (the §11 field names)
    response = nurse.post(
        steps_url(sara_goal),
        {
            "title": "Ringe Sara etter skolen",
            "owner": demo["helsesykepleier"].pk,
            "due": "2030-01-10",
        },
        format="json",
    )
    # then it is in the plan as hers, added by her, and Sara is told (no content)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["title"], body["text"]) == ("Ringe Sara etter skolen",) * 2
    assert body["owner"]["username"] == body["added_by"]["username"] == "helsesykepleier"
    told = Notification.objects.get(recipient=demo["sara"], kind="plan_step_added")
    assert told.target_url == f"/cases/{demo.sara_case.pk}/plan/"
    assert "Ringe" not in str(told.kind_label) + told.target_url
    # and the plan keeps the earlier text
    plan = sara_goal.plan
    plan.refresh_from_db()
    assert "Ringe Sara etter skolen (Kari Nordmann, 10.01.2030)" in plan.body
    assert EntryVersion.objects.filter(entry=plan).count() == 2
    # and the youth still adds with `text`, for anyone on the team
    own = as_user(demo["sara"]).post(
        steps_url(sara_goal),
        {"text": "Legge bort mobilen", "owner": demo["sara"].pk},
        format="json",
    )
    assert own.status_code == 201 and own.json()["added_by"]["username"] == "sara"


def test_every_denial_of_a_helpers_step(demo, sara_goal):
    nurse, teacher, mother = demo["helsesykepleier"], demo["laerer"], demo["mor"]
    url = steps_url(sara_goal)
    # a helper may not make someone else do something: 400 on owner, nothing written
    other = as_user(nurse).post(url, {"title": "Lærer ringer", "owner": teacher.pk}, format="json")
    assert other.status_code == 400 and "owner" in other.json()
    # no title: 400
    empty = as_user(nurse).post(url, {"owner": nurse.pk}, format="json")
    assert empty.status_code == 400 and "title" in empty.json()
    blank = as_user(nurse).post(url, {"title": "  ", "owner": nurse.pk}, format="json")
    assert blank.status_code == 400 and "text" in blank.json()
    # the teacher, on the team but not shared the plan: 404, as for a missing goal
    hidden = as_user(teacher).post(url, {"title": "x", "owner": teacher.pk}, format="json")
    assert hidden.status_code == 404
    assert (
        hidden.json()
        == as_user(teacher)
        .post(
            "/api/v1/plan-goals/999999/steps/", {"title": "x", "owner": teacher.pk}, format="json"
        )
        .json()
    )
    # the guardian who can read the plan is not a helper: 403
    assert (
        as_user(mother).post(url, {"title": "x", "owner": mother.pk}, format="json").status_code
        == 403
    )
    # someone off the case: 404
    assert (
        as_user(demo["nav"])
        .post(url, {"title": "x", "owner": demo["nav"].pk}, format="json")
        .status_code
        == 404
    )
    assert not Step.objects.exists()
    # and at the service level the same rules hold
    with pytest.raises(ValidationError):
        step_add(goal=sara_goal, actor=nurse, text="x", owner=teacher)
    with pytest.raises(PermissionDenied):
        step_add(goal=sara_goal, actor=mother, text="x", owner=mother)
    with pytest.raises(Http404):
        step_add(goal=sara_goal, actor=teacher, text="x", owner=teacher)


def test_a_helper_who_left_adds_nothing(demo, sara_goal):
    nurse = demo["helsesykepleier"]
    participant_remove(
        participant=Participant.objects.get(case=demo.sara_case, user=nurse), actor=None
    )
    response = as_user(nurse).post(
        steps_url(sara_goal), {"title": "x", "owner": nurse.pk}, format="json"
    )
    assert response.status_code == 404 and not Step.objects.exists()


def test_owner_marks_their_own_step_but_nobody_elses(demo, sara_goal):
    nurse, sara = demo["helsesykepleier"], demo["sara"]
    hers = step_add(goal=sara_goal, actor=nurse, text="Ringe", owner=nurse)
    saras = step_add(goal=sara_goal, actor=sara, text="Sove", owner=sara)
    done = as_user(nurse).patch(f"/api/v1/plan-steps/{hers.pk}/", {"done": True}, format="json")
    assert done.status_code == 200 and done.json()["done"] is True
    refused = as_user(nurse).patch(f"/api/v1/plan-steps/{saras.pk}/", {"done": True}, format="json")
    assert refused.status_code == 403
    saras.refresh_from_db()
    assert saras.done_at is None
    # the guardian who reads the plan marks nothing
    mother = as_user(demo["mor"]).patch(
        f"/api/v1/plan-steps/{hers.pk}/", {"done": False}, format="json"
    )
    assert mother.status_code == 403


def test_sara_comments_on_the_nurses_step_and_the_nurse_is_told(demo, sara_goal):
    nurse = demo["helsesykepleier"]
    step = step_add(goal=sara_goal, actor=nurse, text="Ringe", owner=nurse)
    url = f"/api/v1/plan-steps/{step.pk}/comments/"
    response = as_user(demo["sara"]).post(url, {"text": "Helst etter kl. 15"}, format="json")
    assert response.status_code == 201
    assert response.json()["author"]["username"] == "sara"
    assert response.json()["text"] == "Helst etter kl. 15"
    told = Notification.objects.get(recipient=nurse, kind="plan_step_commented")
    assert told.target_url == f"/cases/{demo.sara_case.pk}/plan/"
    plan = as_user(nurse).get(f"/api/v1/cases/{demo.sara_case.pk}/plan/").json()
    assert plan["goals"][0]["steps"][0]["comments"][0]["text"] == "Helst etter kl. 15"
    # denials: the nurse (who sees it) 403, the teacher (who does not) and outsiders 404,
    # bad text 400; nothing written
    assert as_user(nurse).post(url, {"text": "Ok"}, format="json").status_code == 403
    assert as_user(demo["laerer"]).post(url, {"text": "Ok"}, format="json").status_code == 404
    assert as_user(demo["nav"]).post(url, {"text": "Ok"}, format="json").status_code == 404
    for text in ("", "   ", "x" * 501):
        bad = as_user(demo["sara"]).post(url, {"text": text}, format="json")
        assert bad.status_code == 400 and "text" in bad.json()
    assert StepComment.objects.count() == 1


def test_a_comment_on_a_step_whose_owner_cannot_read_the_plan_tells_nobody(demo, sara_goal):
    step = step_add(goal=sara_goal, actor=demo["sara"], text="Snakke", owner=demo["laerer"])
    step_comment_add(step=step, actor=demo["sara"], text="Når?")
    assert not Notification.objects.filter(kind="plan_step_commented").exists()


def test_sara_evaluates_her_goal_and_sees_progress_over_time(demo, sara_goal):
    sara = as_user(demo["sara"])
    url = f"/api/v1/plan-goals/{sara_goal.pk}/evaluations/"
    first = sara.post(url, {"score": 2, "words": "Litt", "at_meeting": True}, format="json")
    assert first.status_code == 201
    assert {k: first.json()[k] for k in ("score", "words", "at_meeting")} == {
        "score": 2,
        "words": "Litt",
        "at_meeting": True,
    }
    assert sara.post(url, {"score": 5}, format="json").status_code == 201
    plan = sara.get(f"/api/v1/cases/{demo.sara_case.pk}/plan/").json()
    assert [e["score"] for e in plan["goals"][0]["evaluations"]] == [2, 5]
    assert plan["versions"] == 3
    # the chart: oldest on the left, a full bar is 5
    points = goal_progress(goals_of(plan=sara_goal.plan)[0])
    assert [(p.x, p.y, p.height) for p in points] == [(0, 30, 20), (50, 0, 50)]
    # denials
    for body in (
        {"score": 0},
        {"score": 6},
        {"score": "fem"},
        {},
        {"score": 3, "words": "x" * 501},
    ):
        assert sara.post(url, body, format="json").status_code == 400
    assert (
        as_user(demo["helsesykepleier"]).post(url, {"score": 3}, format="json").status_code == 403
    )
    assert as_user(demo["mor"]).post(url, {"score": 3}, format="json").status_code == 403
    assert as_user(demo["laerer"]).post(url, {"score": 3}, format="json").status_code == 404
    assert GoalEvaluation.objects.count() == 2
    with pytest.raises(ValidationError):
        goal_evaluate(goal=sara_goal, actor=demo["sara"], score=True)


def test_reminders_for_steps_due_go_once_per_rule_to_an_owner_who_can_read_the_plan(
    demo, sara_goal
):
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    today = datetime.date(2030, 1, 10)
    hers = step_add(goal=sara_goal, actor=nurse, text="Ringe", owner=nurse, due=today)
    later = step_add(
        goal=sara_goal,
        actor=nurse,
        text="Senere",
        owner=nurse,
        due=today + datetime.timedelta(days=9),
    )
    # the teacher's step: she cannot read Sara's plan, so she is not reminded of it
    step_add(goal=sara_goal, actor=demo["sara"], text="Lekser", owner=teacher, due=today)
    done = step_add(goal=sara_goal, actor=nurse, text="Gjort", owner=nurse, due=today)
    step_mark(step=done, actor=nurse, done=True)
    # due soon: one reminder; run again: nothing more
    assert plan_step_reminders_send(today=today - datetime.timedelta(days=1)) == 1
    assert plan_step_reminders_send(today=today - datetime.timedelta(days=1)) == 0
    # overdue: one more, then nothing
    assert plan_step_reminders_send(today=today + datetime.timedelta(days=1)) == 1
    assert plan_step_reminders_send(today=today + datetime.timedelta(days=1)) == 0
    assert list(
        StepReminder.objects.filter(step=hers).values_list("rule", flat=True).order_by("rule")
    ) == [
        "before",
        "overdue",
    ]
    assert not StepReminder.objects.filter(step=later).exists()
    sent = Notification.objects.filter(kind="plan_step_due")
    assert {n.recipient_id for n in sent} == {nurse.pk} and sent.count() == 2
    assert not Notification.objects.filter(kind="plan_step_due", recipient=teacher).exists()


def test_no_reminders_on_a_closed_case(demo, sara_goal):
    nurse = demo["helsesykepleier"]
    today = datetime.date(2030, 1, 10)
    step_add(goal=sara_goal, actor=nurse, text="Ringe", owner=nurse, due=today)
    case_close(case=demo.sara_case, actor=demo["ungdomshjelper"], summary="Ferdig.")
    assert plan_step_reminders_send(today=today) == 0


def test_the_plan_page_for_the_nurse_and_for_sara(demo, sara_goal):
    nurse_page = page_client(demo["helsesykepleier"])
    url = f"/cases/{demo.sara_case.pk}/plan/"
    # the nurse sees the form for what she will do, not the youth's forms
    page = nurse_page.get(url).content.decode()
    assert "Legg til det jeg skal gjøre" in page and "Legg til målet" not in page
    nurse_page.post(url, {"action": "commit", "goal": sara_goal.pk, "text": "Ringe deg", "due": ""})
    step = Step.objects.get()
    assert (step.owner, step.added_by) == (demo["helsesykepleier"],) * 2
    # a commitment under a goal of another case: 404, nothing written
    jonas_goal = goal_add(case=demo.jonas_case, actor=demo["jonas"], text="Annet")
    foreign = nurse_page.post(url, {"action": "commit", "goal": jonas_goal.pk, "text": "x"})
    assert foreign.status_code == 404
    # the guardian who reads the plan: the refusal is a message, nothing written
    mother = page_client(demo["mor"]).post(
        url, {"action": "commit", "goal": sara_goal.pk, "text": "x"}, follow=True
    )
    assert "Bare den unge og hjelperne" in mother.content.decode()
    assert Step.objects.count() == 1
    # Sara comments and evaluates on the page, and sees the chart and its table
    sara = page_client(demo["sara"])
    sara.post(url, {"action": "comment", "step": step.pk, "text": "Takk!"})
    sara.post(url, {"action": "evaluate", "goal": sara_goal.pk, "score": "4", "words": "Bedre"})
    sara.post(url, {"action": "evaluate", "goal": sara_goal.pk, "score": "9"})
    assert GoalEvaluation.objects.get().score == 4
    page = sara.get(url).content.decode()
    assert "Takk!" in page and "Bedre" in page
    assert 'class="progress"' in page and "<table" in page
    assert "lagt til av Kari Nordmann" in page


def count_plan_page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_plan_page_and_api_queries_do_not_grow_with_steps_comments_and_evaluations(demo):
    sara, nurse = demo["sara"], demo["helsesykepleier"]

    def grow(n):
        goal = goal_add(case=demo.sara_case, actor=sara, text=f"Mål {n}")
        step = step_add(goal=goal, actor=sara, text="Steg", owner=sara)
        step_comment_add(step=step, actor=sara, text="Kommentar")
        goal_evaluate(goal=goal, actor=sara, score=3, words="Ok")
        return goal

    share(entry=grow(0).plan, recipients=[nurse], actor=sara)
    step_add(goal=grow(1), actor=nurse, text="Ringe", owner=nurse)
    page, api = page_client(nurse), as_user(nurse)
    url = f"/cases/{demo.sara_case.pk}/plan/"
    api_url = f"/api/v1/cases/{demo.sara_case.pk}/plan/"
    small = (count_plan_page_queries(page, url), count_plan_page_queries(api, api_url))
    for n in range(2, 8):
        grow(n)
    large = (count_plan_page_queries(page, url), count_plan_page_queries(api, api_url))
    assert small == large
