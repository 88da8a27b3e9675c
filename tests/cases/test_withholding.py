"""Telling the youth when something cannot be told: a withheld entry is a placeholder with the
written legal reason and who decided; audited; reviewable and endable by a case admin."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cases.models import Entry, Withholding
from cases.permissions import view_entry_grant_to_author_and_youth
from cases.services import entry_withhold
from coordination.demo import MUNICIPAL_ADMINS
from coordination.models import AuditEvent
from tests.consent.helpers import as_user, write_entry
from tests.factories import login_with_second_factor

pytestmark = pytest.mark.django_db

REASON = "Pasient- og brukerrettighetsloven § 3-4: det kan skade deg å få vite dette nå."


def client_for(user):
    """Logged in as `user`; staff (`admin`) past the second factor they give after the password."""
    client = Client()
    login_with_second_factor(client, user)
    return client


@pytest.fixture
def absence(demo):
    return Entry.objects.get(case=demo.jonas_case, title="Fravær i matematikk")


def test_withheld_entry_is_a_placeholder_with_reason_and_who_decided(demo, absence):
    teacher = as_user(demo["laerer"])
    response = teacher.post(
        f"/api/v1/entries/{absence.pk}/withhold/", {"reason": REASON}, format="json"
    )
    assert response.status_code == 201
    assert AuditEvent.objects.filter(action="entry.withheld").exists()
    jonas = as_user(demo["jonas"])
    # the entry is gone for Jonas (404), the placeholder is there
    assert jonas.get(f"/api/v1/entries/{absence.pk}/").status_code == 404
    placeholders = jonas.get(f"/api/v1/cases/{demo.jonas_case.pk}/withheld/").json()["results"]
    assert placeholders[0]["reason"] == REASON
    assert placeholders[0]["decided_by"]["username"] == "laerer"
    assert "title" not in placeholders[0]
    page = client_for(demo["jonas"]).get(f"/cases/{demo.jonas_case.pk}/").content.decode()
    assert "Noe du ikke kan se" in page and "Ole Hansen" in page and "§ 3-4" in page
    assert "Fravær i matematikk" not in page
    # the teacher still sees it; nobody else gets the placeholder list
    assert teacher.get(f"/api/v1/entries/{absence.pk}/").status_code == 200
    for user in ("laerer", "far", "sara"):
        assert (
            as_user(demo[user]).get(f"/api/v1/cases/{demo.jonas_case.pk}/withheld/").status_code
            == 404
        )


def test_a_case_admin_reviews_and_ends_it(demo, absence):
    withholding = entry_withhold(entry_id=absence.pk, actor=demo["laerer"], reason=REASON)
    admin = client_for(demo["admin"])
    demo["admin"].groups.add(Group.objects.get(name=MUNICIPAL_ADMINS))
    page = admin.get("/cases/withheld/").content.decode()
    assert REASON in page and "Fravær i matematikk" not in page
    admin.post("/cases/withheld/", {"withholding": withholding.pk})
    withholding.refresh_from_db()
    assert withholding.ended_by == demo["admin"]
    assert as_user(demo["jonas"]).get(f"/api/v1/entries/{absence.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="withholding.ended").exists()
    # ending twice: 409
    again = as_user(demo["admin"]).post(f"/api/v1/withholdings/{withholding.pk}/end/")
    assert again.status_code == 409


def test_who_may_withhold_and_review(demo, absence):
    url = f"/api/v1/entries/{absence.pk}/withhold/"
    # the youth and his father see it but did not write it: 403; others: 404
    assert as_user(demo["jonas"]).post(url, {"reason": REASON}, format="json").status_code == 403
    assert (
        as_user(demo["barnevern"]).post(url, {"reason": REASON}, format="json").status_code == 404
    )
    # a reason is required, nothing stored
    assert as_user(demo["laerer"]).post(url, {"reason": " "}, format="json").status_code == 400
    assert not Withholding.objects.exists()
    withholding = entry_withhold(entry_id=absence.pk, actor=demo["laerer"], reason=REASON)
    assert as_user(demo["laerer"]).post(url, {"reason": REASON}, format="json").status_code == 409
    # only who decided or a case admin may end it; the review page is 404 for others
    assert (
        as_user(demo["jonas"]).post(f"/api/v1/withholdings/{withholding.pk}/end/").status_code
        == 404
    )
    assert client_for(demo["laerer"]).get("/cases/withheld/").status_code == 404


def test_the_youth_cannot_be_kept_from_what_they_wrote(demo):
    own = Entry.objects.create(
        case=demo.jonas_case, author=demo["jonas"], kind="note", category="general", title="Mitt"
    )
    view_entry_grant_to_author_and_youth(own)
    response = as_user(demo["jonas"]).post(
        f"/api/v1/entries/{own.pk}/withhold/", {"reason": REASON}, format="json"
    )
    assert response.status_code == 400
    assert not Withholding.objects.exists()


def test_the_youth_meets_a_withheld_entry_only_as_its_placeholder_everywhere(demo):
    # Given the nurse's note, withheld from Sara (16), then shared: Sara is asked for consent
    nurse, sara = demo["helsesykepleier"], demo["sara"]
    secret = "Hemmelig tittel om Sara"
    note = write_entry(demo.sara_case, nurse, title=secret)
    entry_withhold(entry_id=note.pk, actor=nurse, reason=REASON)
    response = as_user(nurse).post(
        f"/api/v1/entries/{note.pk}/share/",
        {"recipients": [demo["laerer"].pk], "purpose": "Tilrettelegging."},
        format="json",
    )
    request_id = response.json()["consent_request"]["id"]
    # When Sara looks at her home page, her requests, the request and her notifications
    page = client_for(sara)
    request_page = f"/consent/requests/{request_id}/"
    pages = {
        url: page.get(url).content.decode()
        for url in ("/", "/consent/requests/", request_page, "/notifications/")
    }
    api = as_user(sara)
    answers = {
        url: api.get(url).content.decode()
        for url in (
            "/api/v1/consent-requests/",
            f"/api/v1/consent-requests/{request_id}/",
            "/api/v1/notifications/",
        )
    }
    # Then the title is nowhere; the request names it only as something she cannot see
    for where, text in pages.items() | answers.items():
        assert secret not in text, where
    assert "Noe du ikke kan se" in pages[request_page]
    entry = api.get(f"/api/v1/consent-requests/{request_id}/").json()["entry"]
    assert entry == {"id": None, "title": None, "category": "health"}
    # while the nurse who asked still sees what she asked about
    assert (
        as_user(nurse).get(f"/api/v1/consent-requests/{request_id}/").json()["entry"]["title"]
        == secret
    )
