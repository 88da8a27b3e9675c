"""consent.selectors.who_knows_what and its API: content, visibility and a constant query count."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AccessEvent, Entry
from cases.services import entry_withhold
from consent.models import Disclosure
from consent.selectors import who_knows_what
from consent.services import consent_request_approve, share, sharing_rule_create

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def build_entries(demo, count: int) -> None:
    """`count` entries on Sara's case, each shared with the teacher (rule or consent) and half of
    them opened by him."""
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    for n in range(count):
        entry = write_entry(
            demo.sara_case, nurse, category="school" if n % 2 else "health", title=f"E{n}"
        )
        result = share(entry=entry, recipients=[teacher], actor=nurse)
        if result.consent_request is not None:
            consent_request_approve(consent_request=result.consent_request, actor=demo["sara"])
        if n % 2:
            AccessEvent.objects.create(entry=entry, user=teacher, via="api")


@pytest.mark.parametrize("count", [1, 50])
def test_who_knows_what_queries_stay_constant_whatever_the_size(
    demo, count, django_assert_max_num_queries
):
    # One world for the selector and the three viewers of the API (the 50 shares are most of
    # the cost); the selector only reads, so the API is read from the world as built.
    # Given a case with `count` shared entries
    build_entries(demo, count)
    # When Sara's overview is built
    with CaptureQueriesContext(connection) as queries:
        people = who_knows_what(case=demo.sara_case, viewer=demo["sara"])
    # Then: participants, entries, disclosures, last opens
    assert len(queries) == 4, [q["sql"] for q in queries.captured_queries]
    assert all(q["sql"].startswith(("SELECT", "EXECUTE")) for q in queries.captured_queries)
    teacher = next(p for p in people if p.user.username == "laerer")
    assert len([k for k in teacher.entries if k.disclosure]) == count
    # And through the API, with a share on Jonas' case beside
    jonas_note = write_entry(demo.jonas_case, demo["barnevern"], category="child_welfare")
    share(entry=jonas_note, recipients=[demo["laerer"]], actor=demo["barnevern"])
    for viewer, budget in [("sara", 5), ("ungdomshjelper", 6), ("far", 7)]:
        case = demo.jonas_case if viewer == "far" else demo.sara_case
        # The case (with youth), [the viewer's membership, [guardian check]], then the four
        # queries of the overview; nothing grows with the number of entries, people or
        # disclosures.
        with django_assert_max_num_queries(budget):
            response = as_user(demo[viewer]).get(f"/api/v1/cases/{case.pk}/who-knows-what/")
        assert response.status_code == 200, viewer


def test_rows_show_basis_since_until_and_opened(demo):
    build_entries(demo, 2)
    people = {
        p["person"]["username"]: p
        for p in as_user(demo["sara"])
        .get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/")
        .json()
    }
    teacher = [k for k in people["laerer"]["entries"] if k["disclosure"]]
    assert [k["basis"] for k in teacher] == ["consent", "agreement"]
    assert teacher[0]["last_opened"] is None and teacher[1]["last_opened"] is not None
    assert all(k["until"] is None and k["since"] for k in teacher)
    # The nurse knows what she wrote; Sara knows everything; mother nothing
    assert {k["basis"] for k in people["helsesykepleier"]["entries"]} == {"author"}
    assert len(people["sara"]["entries"]) == 5  # three seeded entries + the two new ones
    assert people["mor"]["entries"] == []
    assert people["laerer"]["person"]["role"] == "helper"


def test_every_row_of_one_read_is_told_at_the_moment_of_the_read(demo):
    """in_force and end_reason against who_knows_what's moment, the same for all its rows: read
    a second before a share's end, the share is still in force for that read after it."""
    build_entries(demo, 1)
    disclosure = Disclosure.objects.get(recipient=demo["laerer"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        Disclosure.objects.filter(pk=disclosure.pk).update(
            until=timezone.now() + timedelta(seconds=1)
        )
        before = who_knows_what(case=demo.sara_case, viewer=demo["sara"])
        clock.shift(timedelta(seconds=2))
        after = who_knows_what(case=demo.sara_case, viewer=demo["sara"])
        for people, in_force, end_reason in ((before, True, ""), (after, False, "expired")):
            teacher = next(person for person in people if person.user == demo["laerer"])
            (row,) = [row for row in teacher.entries if row.disclosure is not None]
            assert (row.in_force, row.end_reason) == (in_force, end_reason)


@pytest.mark.parametrize(
    ("username", "case_attr", "status"),
    [
        ("sara", "sara_case", 200),
        ("ungdomshjelper", "sara_case", 200),
        ("mor", "sara_case", 404),  # Sara is 16: her mother is not the consent authority
        ("helsesykepleier", "sara_case", 404),
        ("laerer", "sara_case", 404),
        ("nav", "sara_case", 404),
        ("admin", "sara_case", 404),
        ("jonas", "jonas_case", 200),
        ("far", "jonas_case", 200),  # Jonas is 13: his father decides
        ("barnevern", "jonas_case", 404),
        ("sara", "jonas_case", 404),
    ],
)
def test_who_may_see_who_knows_what(demo, username, case_attr, status):
    case = getattr(demo, case_attr)
    response = as_user(demo[username]).get(f"/api/v1/cases/{case.pk}/who-knows-what/")
    assert response.status_code == status


# -- what the viewer may read of each entry (issue #11 items 1 and 2) --------------------------

SECRET = "Hemmelig tittel om Sara"
REASON = "Pasient- og brukerrettighetsloven § 3-4."


def page_of(user, case) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/cases/{case.pk}/who-knows-what/")
    assert response.status_code == 200
    return response.content.decode()


def api_of(user, case) -> dict:
    response = as_user(user).get(f"/api/v1/cases/{case.pk}/who-knows-what/")
    assert response.status_code == 200
    return {p["person"]["username"]: p["entries"] for p in response.json()}


def test_the_youth_sees_a_withheld_entry_only_as_its_placeholder(demo):
    # Given the nurse's health note, shared with the teacher with Sara's consent, then withheld
    nurse, sara = demo["helsesykepleier"], demo["sara"]
    note = write_entry(demo.sara_case, nurse, title=SECRET)
    request = share(entry=note, recipients=[demo["laerer"]], actor=nurse).consent_request
    disclosure = consent_request_approve(consent_request=request, actor=sara).disclosures.get()
    entry_withhold(entry_id=note.pk, actor=nurse, reason=REASON)
    # When Sara reads who knows what about her (page and API)
    page = page_of(sara, demo.sara_case)
    response = as_user(sara).get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/")
    # Then the title is nowhere, the placeholder says who decided, when and why
    assert SECRET not in page and SECRET not in response.content.decode()
    assert REASON in page and "Noe du ikke kan se" in page
    rows = {p["person"]["username"]: p["entries"] for p in response.json()}
    withheld = [k for k in rows["helsesykepleier"] + rows["laerer"] if not k["entry"]["visible"]]
    assert len(withheld) == 2  # the nurse wrote it, the teacher received it
    for row in withheld:
        assert row["entry"] == {
            "id": None, "title": None, "category": "health", "kind": None, "author": None,
            "visible": False,
        }  # fmt: skip
        assert row["withheld"]["reason"] == REASON
        assert row["withheld"]["decided_by"]["username"] == "helsesykepleier"
    # and nothing on the placeholder leads to the entry: no disclosure to act on
    assert [k["disclosure"] for k in rows["laerer"] if not k["entry"]["visible"]] == [None]
    assert f"/disclosures/{disclosure.pk}/" not in page
    withdraw = as_user(sara).post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/")
    assert withdraw.status_code == 404 and SECRET not in withdraw.content.decode()


def test_others_see_titles_only_of_what_they_may_open(demo):
    # Given BUP's note on Sara's case, shared with nobody
    bup = demo["bup"]
    write_entry(demo.sara_case, bup, category="mental_health", title=SECRET)
    # When the ungdomshjelper reads who knows what
    page = page_of(demo["ungdomshjelper"], demo.sara_case)
    rows = api_of(demo["ungdomshjelper"], demo.sara_case)
    # Then BUP's note is only "a note about mental health by ..." in page and API
    assert SECRET not in page and SECRET not in str(rows)
    label = f"om psykisk helse, skrevet av {bup.name} (du kan ikke se det)"
    assert label in page
    hidden = [k["entry"] for k in rows["bup"]]
    assert hidden == [
        {
            "id": None, "title": None, "category": "mental_health", "kind": "note",
            "author": {"id": bup.pk, "username": "bup", "display_name": bup.name},
            "visible": False,
        }
    ]  # fmt: skip
    # and what the ungdomshjelper wrote is shown with its title
    assert "Oppstartsmøte" in page
    assert [k["entry"]["title"] for k in rows["ungdomshjelper"]] == ["Oppstartsmøte"]
    # while Sara sees the title of everything not withheld from her
    assert SECRET in page_of(demo["sara"], demo.sara_case)


def test_a_deciding_guardian_sees_titles_only_of_what_was_shared_with_him(demo):
    # Jonas is 13: his father decides about child welfare, but the visit note is not his to read
    page = page_of(demo["far"], demo.jonas_case)
    rows = api_of(demo["far"], demo.jonas_case)
    assert "Hjemmebesøk" not in page and "Hjemmebesøk" not in str(rows)
    assert f"om barnevern, skrevet av {demo['barnevern'].name} (du kan ikke se det)" in page
    # nor when he ends its sharing with the teacher, which is his to decide
    visit = Entry.objects.get(case=demo.jonas_case, title="Hjemmebesøk")
    asked = share(entry=visit, recipients=[demo["laerer"]], actor=demo["barnevern"])
    approved = consent_request_approve(consent_request=asked.consent_request, actor=demo["far"])
    to_teacher = approved.disclosures.get()
    ended = as_user(demo["far"]).post(f"/api/v1/disclosures/{to_teacher.pk}/withdraw/")
    assert ended.status_code == 200 and "Hjemmebesøk" not in ended.content.decode()
    assert ended.json()["entry"] == {"id": None, "title": None, "category": "child_welfare"}
    # until it is shared with him
    sharing_rule_create(
        case=demo.jonas_case, actor=demo["far"], category="child_welfare", recipient_role="guardian"
    )
    assert share(entry=visit, recipients=[demo["far"]], actor=demo["barnevern"]).status == "shared"
    assert "Hjemmebesøk" in page_of(demo["far"], demo.jonas_case)
