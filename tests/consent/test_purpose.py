"""A purpose on every share a standing rule does not cover (issue #16 item 2): the sharer writes
why, the decider reads it in the request, who-knows-what shows it beside the basis, and a rule
share names the rule. Who-knows-what stays constant in queries with purposes, rules and blocks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AccessEvent
from cases.services import entry_withhold
from consent.models import ConsentRequest, Disclosure
from consent.selectors import who_knows_what
from consent.services import block_create, consent_request_approve, share, sharing_rule_create
from tests.factories import page_client

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

WHY = "Så skolen kan tilrettelegge prøver."


def share_api(user, entry, body):
    return as_user(user).post(f"/api/v1/entries/{entry.pk}/share/", body, format="json")


def rows_for(demo, viewer, case, username, entry=None):
    """The who-knows-what item of `username` as `viewer` gets it; with `entry`, only its rows."""
    response = as_user(viewer).get(f"/api/v1/cases/{case.pk}/who-knows-what/")
    assert response.status_code == 200
    (person,) = [p for p in response.json() if p["person"]["username"] == username]
    if entry is not None:
        person["entries"] = [row for row in person["entries"] if row["entry"]["id"] == entry.pk]
    return person


def test_a_share_that_asks_needs_a_purpose_and_the_decider_reads_it(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse, title="Prøveangst")
    # Without a purpose (missing or blank): 400 on `purpose`, nothing asked
    for body in ({"recipients": [teacher.pk]}, {"recipients": [teacher.pk], "purpose": "  "}):
        response = share_api(nurse, note, body)
        assert response.status_code == 400 and "purpose" in response.json()
    assert not ConsentRequest.objects.filter(entry=note).exists()
    # With one: Sara is asked, and reads why on the request (API and page)
    response = share_api(nurse, note, {"recipients": [teacher.pk], "purpose": f" {WHY} "})
    assert response.status_code == 202
    request_id = response.json()["consent_request"]["id"]
    assert response.json()["consent_request"]["purpose"] == WHY
    assert as_user(sara).get(f"/api/v1/consent-requests/{request_id}/").json()["purpose"] == WHY
    page = page_client(sara).get(f"/consent/requests/{request_id}/").content.decode()
    assert "Hvorfor de spør" in page and WHY in page
    # When she says yes, the disclosure carries it, and who-knows-what shows it by the basis
    consent_request_approve(consent_request=ConsentRequest.objects.get(pk=request_id), actor=sara)
    assert Disclosure.objects.get(entry=note, recipient=teacher).purpose == WHY
    (row,) = rows_for(demo, sara, demo.sara_case, "laerer", note)["entries"]
    assert row["purpose"] == WHY and row["basis"] == "consent"
    page = page_client(sara).get(f"/cases/{demo.sara_case.pk}/who-knows-what/").content.decode()
    assert f"Hvorfor: «{WHY}»" in page


def test_a_rule_share_needs_no_purpose_and_names_the_rule(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    # Sara's seeded rule: school -> every helper
    note = write_entry(demo.sara_case, nurse, category="school")
    response = share_api(nurse, note, {"recipients": [teacher.pk]})
    assert response.status_code == 201
    assert response.json()["disclosures"][0]["purpose"] == ""
    (row,) = rows_for(demo, sara, demo.sara_case, "laerer", note)["entries"]
    assert row["basis_text"].startswith("din regel: skole → alle hjelpere, satt ")
    # The coordinator cannot open the note (no title, no id), but reads whose rule it was
    texts = [
        row["basis_text"]
        for row in rows_for(demo, demo["ungdomshjelper"], demo.sara_case, "laerer")["entries"]
        if row["basis"] == "agreement"
    ]
    assert texts and all(
        text.startswith(f"en fast regel {sara.name} satte ")
        and text.endswith(": skole → alle hjelpere")
        for text in texts
    )
    # A purpose given anyway is kept
    other = write_entry(demo.sara_case, nurse, category="school", title="To")
    response = share_api(nurse, other, {"recipients": [teacher.pk], "purpose": WHY})
    assert response.json()["disclosures"][0]["purpose"] == WHY
    # A rule for one person names them
    sharing_rule_create(case=demo.sara_case, actor=sara, category="health", recipient_user=teacher)
    health = write_entry(demo.sara_case, nurse, title="Helse")
    assert share_api(nurse, health, {"recipients": [teacher.pk]}).status_code == 201
    (row,) = rows_for(demo, sara, demo.sara_case, "laerer", health)["entries"]
    assert row["basis_text"].startswith(f"din regel: helse → {teacher.name}, satt ")


def test_a_rule_that_covers_only_some_recipients_needs_a_purpose(demo):
    nurse, teacher, mother = demo["helsesykepleier"], demo["laerer"], demo["mor"]
    note = write_entry(demo.sara_case, nurse, category="school")
    # The school rule covers the teacher, not Sara's mother (a guardian)
    response = share_api(nurse, note, {"recipients": [teacher.pk, mother.pk]})
    assert response.status_code == 400 and "purpose" in response.json()


def test_a_legal_duty_needs_a_purpose_too_and_a_long_one_is_refused(demo):
    nurse, bup = demo["helsesykepleier"], demo["bup"]
    note = write_entry(demo.sara_case, nurse)
    body = {"recipients": [bup.pk], "basis": "legal_duty", "justification": "Bvl. § 13-2."}
    response = share_api(nurse, note, body)
    assert response.status_code == 400 and "purpose" in response.json()
    response = share_api(nurse, note, body | {"purpose": "x" * 501})
    assert response.status_code == 400 and "purpose" in response.json()
    assert not Disclosure.objects.filter(entry=note).exists()
    assert share_api(nurse, note, body | {"purpose": "x" * 500}).status_code == 201


def test_the_youth_shares_her_own_entry_without_a_purpose(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    note = write_entry(demo.sara_case, sara, category="general")
    assert share_api(sara, note, {"recipients": [teacher.pk]}).status_code == 201


def test_workflows_that_name_no_purpose_keep_working(demo):
    """Service callers (minutes, messages, referrals) pass no purpose: nothing is required."""
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse)
    result = share(entry=note, recipients=[teacher], actor=nurse)
    assert result.status == "consent_requested" and result.consent_request.purpose == ""


def test_the_youth_reads_no_purpose_of_a_request_about_what_is_withheld_from_her(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse)
    entry_withhold(entry_id=note.pk, actor=nurse, reason="Pbrl. § 3-4.")
    request_id = share_api(nurse, note, {"recipients": [teacher.pk], "purpose": WHY}).json()[
        "consent_request"
    ]["id"]
    assert as_user(sara).get(f"/api/v1/consent-requests/{request_id}/").json()["purpose"] == ""
    page = page_client(sara).get(f"/consent/requests/{request_id}/").content.decode()
    assert WHY not in page


def test_the_share_form_asks_why_and_refuses_an_empty_purpose(demo):
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse)
    url = f"/cases/{demo.sara_case.pk}/entries/{note.pk}/"
    client = page_client(nurse)
    assert "Hvorfor deler du dette?" in client.get(url).content.decode()
    response = client.post(url + "share/", {"recipients": [teacher.pk], "basis": "auto"})
    assert not ConsentRequest.objects.filter(entry=note).exists()
    assert "Skriv hvorfor du deler dette" in client.get(response.url).content.decode()
    client.post(url + "share/", {"recipients": [teacher.pk], "basis": "auto", "purpose": WHY})
    assert ConsentRequest.objects.get(entry=note).purpose == WHY


def build(demo, count: int) -> None:
    """`count` entries shared with the teacher: by rule, or by consent with a purpose; half of
    them opened; BUP blocked and a rule for a person and one for a service."""
    nurse, teacher, sara = demo["helsesykepleier"], demo["laerer"], demo["sara"]
    for n in range(count):
        entry = write_entry(
            demo.sara_case, nurse, category="health" if n % 2 else "school", title=f"E{n}"
        )
        result = share(entry=entry, recipients=[teacher], actor=nurse, purpose=f"{WHY} {n}")
        if result.consent_request is not None:
            consent_request_approve(consent_request=result.consent_request, actor=sara)
        if n % 2:
            AccessEvent.objects.create(entry=entry, user=teacher, via="api")


@pytest.mark.parametrize("count", [1, 40])
def test_who_knows_what_stays_four_queries_with_purposes_rules_and_blocks(demo, count):
    sara = demo["sara"]
    sharing_rule_create(
        case=demo.sara_case, actor=sara, category="family", recipient_user=demo["laerer"]
    )
    block_create(case_id=demo.sara_case.pk, actor=sara, user=demo["bup"])
    build(demo, count)
    with CaptureQueriesContext(connection) as queries:
        people = who_knows_what(case=demo.sara_case, viewer=sara)
        texts = [(row.basis_text, row.purpose) for p in people for row in p.entries]
    assert len(queries) == 4, [q["sql"] for q in queries.captured_queries]
    assert {p.user.username for p in people if p.blocked} == {"bup"}
    assert any(purpose.startswith(WHY) for _text, purpose in texts)
    assert any(text.startswith("din regel: skole → alle hjelpere") for text, _ in texts)


def test_who_knows_what_api_and_page_cost_the_same_for_1_and_40_entries(demo):
    sara = demo["sara"]
    block_create(case_id=demo.sara_case.pk, actor=sara, user=demo["bup"])
    client = page_client(sara)
    api, page = [], []
    for count in (1, 39):
        build(demo, count)
        with CaptureQueriesContext(connection) as queries:
            response = as_user(sara).get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/")
        api.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/cases/{demo.sara_case.pk}/who-knows-what/")
        page.append(len(queries))
    assert api[0] == api[1] <= 5 and page[0] == page[1], (api, page)
    blocked = {p["person"]["username"]: p["blocked"] for p in response.json()}
    assert blocked["bup"] is True and blocked["laerer"] is False
    assert "blokkert" in html.content.decode()


def test_a_blocked_person_is_not_told_on_their_own_row(demo):
    # Jonas blocks his father (who decides, so sees who-knows-what): his own row says nothing
    block_create(case_id=demo.jonas_case.pk, actor=demo["jonas"], user=demo["far"])
    people = as_user(demo["far"]).get(f"/api/v1/cases/{demo.jonas_case.pk}/who-knows-what/")
    assert {p["person"]["username"]: p["blocked"] for p in people.json()}["far"] is False
    people = as_user(demo["jonas"]).get(f"/api/v1/cases/{demo.jonas_case.pk}/who-knows-what/")
    assert {p["person"]["username"]: p["blocked"] for p in people.json()}["far"] is True
