"""The young person's access log (issue #16 item 5): every open on the case, with its basis, for
the youth and the guardians who decide (their categories only); filters; bad input; queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AccessEvent
from cases.services import attachment_add, entry_open, entry_withhold
from consent.access_log import access_log, access_log_categories
from consent.models import Disclosure
from consent.services import consent_request_approve, share, withdraw
from tests.dates import born_for_age
from tests.factories import login_with_second_factor

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def log(user, case, query=""):
    return as_user(user).get(f"/api/v1/cases/{case.pk}/access-log/{query}")


def school_note_opened_by_teacher(demo, title="Tilrettelegging ved prøver"):
    """A school note by the nurse, shared with the teacher under Sara's school rule, opened
    by him on the page."""
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse, category="school", title=title)
    assert share(entry=note, recipients=[teacher], actor=nurse).status == "shared"
    entry_open(user=teacher, entry_id=note.pk, via="page")
    return note


def test_the_youth_sees_every_open_with_who_when_how_and_on_what_basis(demo):
    # Given a school note shared by rule and a health note shared by Sara's consent
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    school = school_note_opened_by_teacher(demo)
    health = write_entry(demo.sara_case, nurse, category="health", title="Helse")
    request = share(entry=health, recipients=[teacher], actor=nurse).consent_request
    consent_request_approve(consent_request=request, actor=sara)
    # When the teacher reads the health note over the API, the nurse her own note, Sara hers
    entry_open(user=teacher, entry_id=health.pk, via="api")
    entry_open(user=nurse, entry_id=health.pk, via="page")
    entry_open(user=sara, entry_id=school.pk, via="page")
    # Then Sara's log has every open, newest first, each with its basis
    response = log(sara, demo.sara_case)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    rows = [
        (r["person"]["username"], r["entry"]["title"], r["via"], r["basis"])
        for r in body["results"]
    ]
    assert rows == [
        ("sara", "Tilrettelegging ved prøver", "page", "youth"),
        ("helsesykepleier", "Helse", "page", "author"),
        ("laerer", "Helse", "api", "consent"),
        ("laerer", "Tilrettelegging ved prøver", "page", "agreement"),
    ]
    teacher_row = body["results"][3]
    assert teacher_row["person"]["role"] == "helper"
    assert teacher_row["person"]["service"]["name"]
    assert teacher_row["entry"]["id"] == school.pk and teacher_row["entry"]["category"] == "school"
    assert teacher_row["at"]


def test_the_basis_is_the_one_the_person_had_when_they_opened_it(demo):
    # Given the teacher opened a note under the rule, and the disclosure was then withdrawn
    note = school_note_opened_by_teacher(demo)
    disclosure = Disclosure.objects.get(entry=note, recipient=demo["laerer"])
    withdraw(disclosure=disclosure, actor=demo["sara"])
    # Then the open still says why he could open it then
    assert [r["basis"] for r in log(demo["sara"], demo.sara_case).json()["results"]] == [
        "agreement"
    ]


def test_attachment_downloads_are_in_the_log(demo, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import attachment_open

    settings.MEDIA_ROOT = tmp_path
    nurse = demo["helsesykepleier"]
    note = write_entry(demo.sara_case, nurse, category="school")
    attachment = attachment_add(
        entry=note,
        uploaded_by=nurse,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    share(entry=note, recipients=[demo["laerer"]], actor=nurse)
    attachment_open(user=demo["laerer"], attachment_id=attachment.pk)
    (row,) = log(demo["sara"], demo.sara_case).json()["results"]
    assert (row["via"], row["basis"]) == ("attachment", "agreement")


def test_filters_by_person_entry_and_period(demo):
    sara, teacher, nurse = demo["sara"], demo["laerer"], demo["helsesykepleier"]
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        old = school_note_opened_by_teacher(demo, title="Gammel")
    new = school_note_opened_by_teacher(demo, title="Ny")
    entry_open(user=nurse, entry_id=new.pk, via="page")

    def titles(query):
        response = log(sara, demo.sara_case, query)
        assert response.status_code == 200, response.content
        return sorted(
            r["entry"]["title"] + "/" + r["person"]["username"] for r in response.json()["results"]
        )

    assert titles(f"?person={teacher.pk}") == ["Gammel/laerer", "Ny/laerer"]
    assert titles(f"?entry={old.pk}") == ["Gammel/laerer"]
    today = timezone.localdate()
    assert titles(f"?since={today.isoformat()}") == ["Ny/helsesykepleier", "Ny/laerer"]
    assert titles(f"?until={(today - timedelta(days=1)).isoformat()}") == ["Gammel/laerer"]
    both = f"?person={nurse.pk}&since={today.isoformat()}&until={today.isoformat()}"
    assert titles(both) == ["Ny/helsesykepleier"]


@pytest.mark.parametrize(
    "query",
    [
        "?person=abc",
        "?person=999999999999999999999999",
        "?entry=0",
        "?entry=99999999999999999999999999",
        "?since=2026-13-01",
        "?since=2026-03-10&until=2026-03-01",
        "?until=9999-12-31",
        "?since=0001-01-01",
    ],
)
def test_bad_filters_are_a_400_by_field(demo, query):
    response = log(demo["sara"], demo.sara_case, query)
    assert response.status_code == 400
    assert set(response.json()) <= {"person", "entry", "since", "until"}


def test_a_person_never_on_the_team_is_a_400_like_any_unknown_id(demo):
    # nav exists but is on no case: the answer is the same as for an id nobody has
    for person in (demo["nav"].pk, 10**9):
        response = log(demo["sara"], demo.sara_case, f"?person={person}")
        assert response.status_code == 400 and "person" in response.json()


@pytest.mark.parametrize(
    "persona",
    ["mor", "ungdomshjelper", "laerer", "helsesykepleier", "bup", "nav", "jonas", "admin"],
)
def test_everyone_but_the_youth_and_deciding_guardians_gets_404(demo, persona):
    school_note_opened_by_teacher(demo)
    assert log(demo[persona], demo.sara_case).status_code == 404
    client = Client()
    login_with_second_factor(client, demo[persona])
    assert client.get(f"/cases/{demo.sara_case.pk}/access-log/").status_code == 404


def test_an_unknown_case_is_404(demo):
    assert as_user(demo["sara"]).get("/api/v1/cases/999999/access-log/").status_code == 404


def test_a_deciding_guardian_sees_only_the_categories_the_guardians_decide(demo):
    # Given Jonas at 15: he decides about child welfare himself, his father about health
    jonas, father, worker = demo["jonas"], demo["far"], demo["barnevern"]
    jonas.birth_date = born_for_age(15, on=timezone.localdate(), birthday_days_ago=30)
    jonas.save(update_fields=["birth_date"])
    welfare = write_entry(demo.jonas_case, worker, category="child_welfare", title="Barnevern")
    health = write_entry(demo.jonas_case, worker, category="health", title="Helse")
    entry_open(user=worker, entry_id=welfare.pk, via="page")
    entry_open(user=worker, entry_id=health.pk, via="page")
    # Then the father's log has the health open only; Jonas' has both
    father_rows = log(father, demo.jonas_case).json()["results"]
    assert [r["entry"]["category"] for r in father_rows] == ["health"]
    # He may not open the note itself: he reads what it is, not its title
    assert father_rows[0]["entry"]["id"] is None and father_rows[0]["entry"]["title"] is None
    assert {r["entry"]["title"] for r in log(jonas, demo.jonas_case).json()["results"]} == {
        "Barnevern",
        "Helse",
    }
    # And filtering him to the other category's entry finds nothing
    assert log(father, demo.jonas_case, f"?entry={welfare.pk}").json()["count"] == 0


def test_a_note_withheld_from_the_youth_is_only_a_placeholder_in_her_log(demo):
    nurse = demo["helsesykepleier"]
    note = write_entry(demo.sara_case, nurse, title="Hemmelig")
    entry_withhold(entry_id=note.pk, actor=nurse, reason="Lovpålagt taushet.")
    entry_open(user=nurse, entry_id=note.pk, via="page")
    (row,) = log(demo["sara"], demo.sara_case).json()["results"]
    assert row["entry"]["id"] is None and row["entry"]["title"] is None
    assert row["entry"]["visible"] is False and row["entry"]["kind"] is None
    client = Client()
    client.force_login(demo["sara"])
    page = client.get(f"/cases/{demo.sara_case.pk}/access-log/").content.decode()
    assert "Hemmelig" not in page


def build_events(demo, count):
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    notes = [
        write_entry(demo.sara_case, nurse, category="school", title=f"N{n}") for n in range(count)
    ]
    for note in notes:
        share(entry=note, recipients=[teacher], actor=nurse)
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(entry=note, user=user, via="api")
            for note in notes
            for user in (teacher, nurse)
        ]
    )


@pytest.mark.parametrize(("count", "statements"), [(1, 3), (40, 4)])
def test_the_api_s_queries_do_not_grow_with_the_log(
    demo, count, statements, django_assert_num_queries
):
    build_events(demo, count)
    # The case, the youth's check needs none; the team, the page; a full first page is counted
    with django_assert_num_queries(statements):
        response = log(demo["sara"], demo.sara_case)
    assert response.json()["count"] == 2 * count


def test_the_page_makes_the_same_queries_whatever_the_size(demo):
    client = Client()
    client.force_login(demo["sara"])
    path = f"/cases/{demo.sara_case.pk}/access-log/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    build_events(demo, 1)
    small = queries()
    build_events(demo, 40)
    assert queries() == small


def test_the_page_says_it_in_plain_words_and_keeps_filters_across_pages(demo):
    note = school_note_opened_by_teacher(demo)
    client = Client()
    client.force_login(demo["sara"])
    page = client.get(f"/cases/{demo.sara_case.pk}/access-log/").content.decode()
    teacher = demo["laerer"]
    assert teacher.name in page
    assert "åpnet «Tilrettelegging ved prøver»" in page
    assert "fordi" in page
    assert f"?entry={note.pk}" in page
    # A wrong filter is a message on the page, not an error page
    bad = client.get(f"/cases/{demo.sara_case.pk}/access-log/?since=2026-03-10&until=2026-03-01")
    assert bad.status_code == 400
    assert "Slutten på perioden er før starten." in bad.content.decode()


def test_who_knows_what_links_to_the_log_for_those_who_may_read_it(demo):
    path = f"/cases/{demo.sara_case.pk}/who-knows-what/"
    link = f"/cases/{demo.sara_case.pk}/access-log/"
    sara = Client()
    sara.force_login(demo["sara"])
    assert link in sara.get(path).content.decode()
    coordinator = Client()
    login_with_second_factor(coordinator, demo["ungdomshjelper"])
    page = coordinator.get(path)
    assert page.status_code == 200 and link not in page.content.decode()


def test_a_deep_page_is_the_same_rows_with_the_same_basis_as_the_whole_log(demo):
    # Given 80 opens (the teacher's by sharing, the nurse's as author) at equal times
    build_events(demo, 40)
    sara, case = demo["sara"], demo.sara_case
    whole = [
        (event.pk, event.basis)
        for event in access_log(
            case=case, categories=access_log_categories(user=sara, case=case), viewer=sara
        )
    ]
    # When the API's second and fourth pages are read (the basis is computed per page)
    second = log(sara, case, "?page=2").json()["results"]
    fourth = log(sara, case, "?page=4").json()["results"]
    # Then they are exactly those slices of the whole log, in its order, basis included
    events = AccessEvent.objects.in_bulk([pk for pk, _ in whole])
    expected = [(events[pk].user_id, basis) for pk, basis in whole]
    assert [(r["person"]["id"], r["basis"]) for r in second] == expected[25:50]
    assert [(r["person"]["id"], r["basis"]) for r in fourth] == expected[75:80]
    times = [events[pk].at for pk, _ in whole]
    assert times == sorted(times, reverse=True)
    assert {basis for _, basis in whole} == {"author", "agreement"}
