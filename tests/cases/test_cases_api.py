"""Cases, team and entries over the API: who sees what, the access log, query budgets."""

import pytest

from cases.models import AccessEvent, Entry, Participant
from consent.models import Disclosure
from consent.services import share
from coordination.models import AuditEvent

from ..consent.helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def test_cases_list_holds_only_my_current_cases(demo):
    def titles(who):
        return [c["title"] for c in as_user(demo[who]).get("/api/v1/cases/").json()["results"]]

    assert titles("laerer") == [demo.jonas_case.title, demo.sara_case.title]
    assert titles("sara") == [demo.sara_case.title]
    assert titles("nav") == []
    assert titles("admin") == []  # staff sees no case by being staff
    detail = as_user(demo["mor"]).get(f"/api/v1/cases/{demo.sara_case.pk}/").json()
    assert set(detail) == {
        "id", "title", "status", "youth", "created",
        "closed_at", "closed_by", "summary", "follow_up_on", "reopened_at",
    }  # fmt: skip
    assert detail["youth"]["username"] == "sara"
    assert detail["created"][-6] in "+-"  # ISO 8601 with offset


def test_cases_list_query_count_does_not_grow(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the page, not full: no count (youth joined)
        as_user(demo["laerer"]).get("/api/v1/cases/")


def test_participants_list_shows_the_team_with_services(demo):
    team = as_user(demo["sara"]).get(f"/api/v1/cases/{demo.sara_case.pk}/participants/").json()
    by_name = {p["user"]["username"]: p for p in team}
    assert set(by_name) == {"sara", "mor", "helsesykepleier", "laerer", "bup", "ungdomshjelper"}
    assert (
        by_name["helsesykepleier"]["service"]["name"]
        == "Skolehelsetjenesten, Fjordvik ungdomsskole"
    )
    assert by_name["mor"]["service"] is None and by_name["mor"]["role"] == "guardian"
    assert (
        as_user(demo["nav"]).get(f"/api/v1/cases/{demo.sara_case.pk}/participants/").status_code
        == 404
    )


@pytest.mark.parametrize("count", [1, 30])
def test_entry_list_query_budget_is_constant(demo, count, django_assert_max_num_queries):
    for n in range(count):
        entry = write_entry(
            demo.sara_case, demo["helsesykepleier"], category="school", title=f"S{n}"
        )
        share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    teacher = as_user(demo["laerer"])
    # case access, count, page (permission subquery, author joined)
    with django_assert_max_num_queries(3):
        response = teacher.get(f"/api/v1/cases/{demo.sara_case.pk}/entries/")
    # His own seeded plan plus what was shared with him
    assert response.json()["count"] == count + 1
    assert "body" not in response.json()["results"][0]


def test_entry_list_holds_only_what_i_may_see(demo):
    lists = {
        who: {
            e["title"]
            for e in as_user(demo[who])
            .get(f"/api/v1/cases/{demo.sara_case.pk}/entries/")
            .json()["results"]
        }
        for who in ("sara", "mor", "laerer", "helsesykepleier", "ungdomshjelper")
    }
    assert lists["sara"] == {
        "Samtale om søvn og stress",
        "Tilrettelegging ved prøver",
        "Oppstartsmøte",
    }
    assert lists["mor"] == set()
    assert lists["laerer"] == {"Tilrettelegging ved prøver"}
    assert lists["helsesykepleier"] == {"Samtale om søvn og stress"}
    assert lists["ungdomshjelper"] == {"Oppstartsmøte"}


def test_opening_an_entry_is_logged_and_the_body_is_sanitised(demo):
    nurse = as_user(demo["helsesykepleier"])
    created = nurse.post(
        f"/api/v1/cases/{demo.sara_case.pk}/entries/",
        {
            "kind": "note",
            "category": "health",
            "title": "Test",
            "body": "<script>alert(1)</script>[lenke](javascript:alert(1)) **fet**",
        },
        format="json",
    ).json()
    assert AuditEvent.objects.filter(action="entry.created", object_id=str(created["id"])).exists()
    body = nurse.get(f"/api/v1/entries/{created['id']}/").json()
    assert "<script" not in body["body_html"] and "javascript:" not in body["body_html"]
    assert "<strong>fet</strong>" in body["body_html"]
    assert set(body) >= {"id", "case", "kind", "category", "title", "body", "author", "created"}
    as_user(demo["sara"]).get(f"/api/v1/entries/{created['id']}/")
    assert list(
        AccessEvent.objects.filter(entry_id=created["id"])
        .order_by("at")
        .values_list("user__username", "via")
    ) == [("helsesykepleier", "api"), ("sara", "api")]


def test_superuser_and_staff_see_no_entry(demo):
    entry = Entry.objects.filter(case=demo.sara_case).first()
    assert as_user(demo["admin"]).get(f"/api/v1/entries/{entry.pk}/").status_code == 404


def test_only_the_coordinator_changes_the_team_and_removal_ends_access(demo):
    case = demo.sara_case
    entry = write_entry(case, demo["helsesykepleier"], category="school")
    share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    teacher_participant = Participant.objects.get(case=case, user=demo["laerer"])
    url = f"/api/v1/participants/{teacher_participant.pk}/remove/"
    # Sara's mother and the nurse are on the case but cannot change the team; NAV cannot see it
    assert as_user(demo["mor"]).post(url).status_code == 403
    assert as_user(demo["helsesykepleier"]).post(url).status_code == 403
    assert as_user(demo["nav"]).post(url).status_code == 404
    # The coordinator removes the teacher: his access ends at once, and Sara's history shows it
    response = as_user(demo["ungdomshjelper"]).post(url)
    assert response.status_code == 200 and response.json()["left"] is not None
    assert as_user(demo["laerer"]).get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert as_user(demo["laerer"]).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    disclosure = Disclosure.objects.get(entry=entry, recipient=demo["laerer"])
    assert disclosure.end_reason == "left_case" and disclosure.withdrawn_at is not None
    people = as_user(demo["sara"]).get(f"/api/v1/cases/{case.pk}/who-knows-what/").json()
    teacher = next(p for p in people if p["person"]["username"] == "laerer")
    assert teacher["person"]["left"] is not None
    assert any(k["until"] for k in teacher["entries"])
    # Removing twice is a conflict; the youth cannot be removed
    assert as_user(demo["ungdomshjelper"]).post(url).status_code == 409
    youth = Participant.objects.get(case=case, user=demo["sara"])
    assert (
        as_user(demo["ungdomshjelper"]).post(f"/api/v1/participants/{youth.pk}/remove/").status_code
        == 400
    )
    # Added back, he sees what he wrote again, but not what was shared with him before
    response = as_user(demo["ungdomshjelper"]).post(
        f"/api/v1/cases/{case.pk}/participants/",
        {
            "user": demo["laerer"].pk,
            "role": "helper",
            "service": str(teacher_participant.service_id),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    teacher_titles = {
        e["title"]
        for e in as_user(demo["laerer"]).get(f"/api/v1/cases/{case.pk}/entries/").json()["results"]
    }
    assert teacher_titles == {"Tilrettelegging ved prøver"}


def test_adding_to_the_team_validates(demo):
    coordinator = as_user(demo["ungdomshjelper"])
    url = f"/api/v1/cases/{demo.sara_case.pk}/participants/"
    assert (
        coordinator.post(url, {"user": demo["nav"].pk, "role": "helper"}, format="json").status_code
        == 400
    )
    assert (
        coordinator.post(url, {"user": demo["nav"].pk, "role": "youth"}, format="json").status_code
        == 400
    )
    assert (
        coordinator.post(
            url, {"user": demo["mor"].pk, "role": "guardian"}, format="json"
        ).status_code
        == 409
    )
    assert (
        as_user(demo["laerer"])
        .post(url, {"user": demo["nav"].pk, "role": "guardian"}, format="json")
        .status_code
        == 403
    )


def test_a_case_admin_changes_no_team_and_sees_no_case(demo):
    # Given a municipal case admin who is on no case (the group has cases.manage_case_team)
    from django.contrib.auth.models import Group

    from coordination.demo import MUNICIPAL_ADMINS
    from tests.factories import UserFactory

    case_admin = UserFactory()
    case_admin.groups.add(Group.objects.get(name=MUNICIPAL_ADMINS))
    client = as_user(case_admin)
    team_before = Participant.objects.filter(case=demo.jonas_case).count()
    # When they try to add the coordinator to Jonas' case
    response = client.post(
        f"/api/v1/cases/{demo.jonas_case.pk}/participants/",
        {"user": demo["ungdomshjelper"].pk, "role": "ungdomshjelper"},
        format="json",
    )
    # Then the case does not exist for them (a global permission puts nobody on a case)
    assert response.status_code == 404
    assert Participant.objects.filter(case=demo.jonas_case).count() == team_before
    assert client.get(f"/api/v1/cases/{demo.jonas_case.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{demo.jonas_case.pk}/entries/").status_code == 404
