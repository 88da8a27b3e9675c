"""Feedback with real anonymity: no user, no time finer than the week, hidden below 5 answers."""

import uuid

import pytest
from django.test import Client

from cases.models import Participant
from coordination.models import AuditEvent
from tests.consent.helpers import as_user
from voice.models import Feedback
from voice.services import feedback_give

pytestmark = pytest.mark.django_db


def school(demo):
    return Participant.objects.get(case=demo.jonas_case, user=demo["laerer"], left=None).service


def test_anonymous_feedback_stores_no_person_and_only_the_week(demo):
    audit_before = AuditEvent.objects.count()
    response = as_user(demo["jonas"]).post(
        "/api/v1/feedback/",
        {"service": str(school(demo).pk), "rating": 4, "text": "Bra"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"service", "rating", "text", "week", "anonymous"}
    assert body["anonymous"] is True
    stored = Feedback.objects.get()
    assert stored.author_id is None and stored.created is None
    assert stored.week.weekday() == 0
    assert AuditEvent.objects.count() == audit_before


def test_named_feedback_keeps_the_person(demo):
    feedback = feedback_give(author=demo["jonas"], service=school(demo), rating=5, anonymous=False)
    assert feedback.author == demo["jonas"] and feedback.created is not None


def test_the_order_of_keys_does_not_date_an_anonymous_answer(demo):
    # given anonymous answers given between two signed ones, which carry their time
    answers = []
    for anonymous in (False, True, True, True, True, True, True, False):
        answers.append(
            feedback_give(author=demo["jonas"], service=school(demo), rating=3, anonymous=anonymous)
        )
    # then sorting by key does not put the anonymous ones between the signed ones in the order
    # they came: keys are random, not counting
    by_key = [f.pk for f in Feedback.objects.order_by("pk")]
    assert by_key != [f.pk for f in answers]
    assert all(isinstance(f.pk, uuid.UUID) for f in answers)


def test_helpers_see_nothing_below_five_answers_then_only_the_summary(demo):
    teacher = as_user(demo["laerer"])
    for n in range(4):
        feedback_give(
            author=demo["jonas"], service=school(demo), rating=n + 1, text=f"svar {n}",
            anonymous=True,
        )  # fmt: skip
    summary = next(s for s in teacher.get("/api/v1/feedback/").json() if s["hidden"])
    assert summary == {
        "service": {"id": str(school(demo).pk), "name": school(demo).name},
        "hidden": True,
        "answers": None,
        "average": None,
        "comments": [],
    }
    page = Client()
    page.force_login(demo["laerer"])
    assert "svar 0" not in page.get("/feedback/").content.decode()
    feedback_give(author=demo["jonas"], service=school(demo), rating=5, anonymous=True)
    shown = next(
        s
        for s in teacher.get("/api/v1/feedback/").json()
        if s["service"]["name"] == school(demo).name
    )
    assert (shown["hidden"], shown["answers"], shown["average"]) == (False, 5, 3.0)
    assert shown["comments"] == ["svar 0", "svar 1", "svar 2", "svar 3"]
    assert "svar 0" in page.get("/feedback/").content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 0},
        {"rating": 6},
        {"rating": 3, "text": "x" * 2_001},
        {"rating": 3, "service": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_bad_feedback_is_refused_and_nothing_stored(demo, body):
    payload = {"service": str(school(demo).pk), **body}
    response = as_user(demo["jonas"]).post("/api/v1/feedback/", payload, format="json")
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_only_services_helping_me_now(demo):
    # Sara is not helped by the child welfare service; NAV is on no case
    welfare = Participant.objects.get(case=demo.jonas_case, user=demo["barnevern"]).service
    sara = as_user(demo["sara"])
    refused = sara.post(
        "/api/v1/feedback/", {"service": str(welfare.pk), "rating": 3}, format="json"
    )
    assert refused.status_code == 400
    assert as_user(demo["nav"]).get("/api/v1/feedback/").json() == []
    assert not Feedback.objects.exists()


def test_the_page_takes_feedback_and_html_is_inert(demo, django_assert_max_num_queries):
    client = Client()
    client.force_login(demo["jonas"])
    with django_assert_max_num_queries(12):
        assert client.get("/feedback/").status_code == 200
    response = client.post(
        "/feedback/",
        {
            "service": str(school(demo).pk),
            "rating": "4",
            "text": "<script>x</script>",
            "anonymous": "on",
        },
        follow=True,
    )
    assert "Takk" in response.content.decode()
    assert Feedback.objects.get().text == "<script>x</script>"
    for _n in range(4):
        feedback_give(author=demo["jonas"], service=school(demo), rating=3, anonymous=True)
    teacher = Client()
    teacher.force_login(demo["laerer"])
    page = teacher.get("/feedback/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert client.post("/feedback/", {"service": str(school(demo).pk)}).status_code == 400
