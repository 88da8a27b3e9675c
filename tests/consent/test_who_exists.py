"""Who exists (issue #11 item 8): an id in a request body that is not on the team gets the same
answer whether the account exists or not, on every endpoint that takes people by id."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from meetings.services import meeting_create
from voice.plan import goal_add
from voice.rooms.services import room_create

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

MISSING = 999_999

# (caller, path template, body template with "X" for the person named), every one a 400.
ENDPOINTS = [
    ("helsesykepleier", "/api/v1/entries/{note}/share/", {"recipients": ["X"]}),
    (
        "sara",
        "/api/v1/cases/{sara_case}/sharing-rules/",
        {"category": "health", "recipient_user": "X"},
    ),
    ("sara", "/api/v1/cases/{sara_case}/messages/", {"body": "Hei", "recipients": ["X"]}),
    (
        "ungdomshjelper",
        "/api/v1/cases/{sara_case}/meetings/",
        {"title": "Møte", "starts_at": "{when}", "place": "Rom 1", "attendees": ["X"]},
    ),
    ("ungdomshjelper", "/api/v1/meetings/{meeting}/proposals/", {"users": ["X"]}),
    (
        "sara",
        "/api/v1/meetings/{meeting}/attendance/",
        {"coming": [], "youth_presence": "represented", "representative": "X"},
    ),
    (
        "ungdomshjelper",
        "/api/v1/meetings/{meeting}/action-items/",
        {"description": "ringe skolen", "owner": "X", "due": "{due}"},
    ),
    ("sara", "/api/v1/plan-goals/{goal}/steps/", {"text": "Et steg", "owner": "X"}),
    ("jonas", "/api/v1/cases/{jonas_case}/ungdomshjelper/", {"user": "X"}),
    ("sara", "/api/v1/cases/{sara_case}/rooms/", {"title": "Rom", "members": ["X"]}),
    ("sara", "/api/v1/rooms/{room}/members/", {"user": "X"}),
]  # fmt: skip


def fill(template, ids, person):
    if template == "X":
        return person
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, list):
        return [fill(item, ids, person) for item in template]
    return {key: fill(value, ids, person) for key, value in template.items()}


def test_someone_not_on_the_team_and_no_one_at_all_get_the_same_answer(demo):
    # Given a world where each endpoint would accept a team member
    case = demo.sara_case
    meeting = meeting_create(
        case=case,
        actor=demo["ungdomshjelper"],
        title="Oppfølging",
        starts_at=timezone.now() + timedelta(days=7),
        place="Rom 2",
    )
    ids = {
        "note": write_entry(case, demo["helsesykepleier"]).pk,
        "sara_case": case.pk,
        "jonas_case": demo.jonas_case.pk,
        "meeting": meeting.pk,
        "goal": goal_add(case=case, actor=demo["sara"], text="Sove bedre").pk,
        "room": room_create(
            case_id=case.pk, actor=demo["sara"], title="Rom", members=[demo["laerer"]]
        ).pk,
        "when": (timezone.now() + timedelta(days=3)).isoformat(),
        "due": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    nav = str(demo["nav"].pk).encode()
    for caller, path, body in ENDPOINTS:
        client, url = as_user(demo[caller]), path.format(**ids)
        # When the caller names NAV's adviser (an account, not on the team) and an unknown id
        with transaction.atomic():
            existing = client.post(url, fill(body, ids, demo["nav"].pk), format="json")
            unknown = client.post(url, fill(body, ids, MISSING), format="json")
            transaction.set_rollback(True)
        # Then both are a 400 in the same words (each naming only the id that was sent)
        assert existing.status_code == unknown.status_code == 400, (url, existing.content)
        assert existing.content.replace(nav, b"ID") == unknown.content.replace(b"999999", b"ID"), (
            url
        )


def test_the_share_page_answers_alike_for_an_unknown_id_and_someone_off_the_team(demo, client):
    # Given the nurse's note and her share form (it offers only people on the team)
    note = write_entry(demo.sara_case, demo["helsesykepleier"])
    client.force_login(demo["helsesykepleier"])
    url = reverse("consent:entry-share", args=[demo.sara_case.pk, note.pk])

    def errors_for(person: int) -> str:
        page = client.post(url, {"recipients": [str(person)], "basis": "auto"})
        assert page.status_code == 400
        return str(page.context["form"].errors).replace(str(person), "ID")

    # Then naming NAV's adviser or an id nobody has gives the same error
    assert errors_for(demo["nav"].pk) == errors_for(MISSING)
