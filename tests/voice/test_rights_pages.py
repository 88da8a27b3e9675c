"""Rectification and objection routes (issue #17 item 4): the profile links to the young person's
own comments and corrections and to the "jeg vil klage" page, which says in plain words how to
complain to the municipality and to Datatilsynet."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Entry
from cases.services import entry_withhold
from voice.services import remark_answer, remark_create

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def absence(demo):
    """The teacher's seeded note on Jonas' case, which Jonas can read."""
    return Entry.objects.get(case=demo.jonas_case, title="Fravær i matematikk")


def test_the_complaint_page_is_open_to_everyone_and_names_who_to_write_to(settings):
    # Given a municipality with its own privacy contact
    settings.SAMMEN_CONTROLLER_NAME = "Eksempel kommune"
    settings.SAMMEN_PRIVACY_CONTACT_EMAIL = "personvernombud@eksempel.kommune.no"

    # When someone not logged in opens the page
    response = client_for().get("/complain/")

    # Then it tells, in bokmål, where to complain: the municipality first, then Datatilsynet
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Jeg vil klage</h1>" in page
    assert "Eksempel kommune er ansvarlig for opplysningene om deg" in page
    assert 'href="mailto:personvernombud@eksempel.kommune.no"' in page
    assert "Klag til Datatilsynet" in page and "Postboks 458 Sentrum" in page
    # and does not link to a page that needs a login
    assert "/my-comments/" not in page


def test_the_complaint_page_in_english(demo):
    sara = demo["sara"]
    sara.preferred_language = "en"
    sara.save(update_fields=["preferred_language"])
    page = client_for(sara).get("/complain/").content.decode()
    assert "<h1>I want to complain</h1>" in page
    assert "Complain to Datatilsynet" in page
    assert 'href="/my-comments/"' in page


def test_the_profile_links_a_young_person_to_their_comments_and_the_complaint_page(demo):
    page = client_for(demo["jonas"]).get("/accounts/profile/").content.decode()
    assert "Rettighetene dine" in page
    assert 'href="/my-comments/"' in page
    assert 'href="/complain/"' in page


def test_a_helper_is_shown_the_complaint_page_but_no_comments_of_their_own(demo):
    page = client_for(demo["laerer"]).get("/accounts/profile/").content.decode()
    assert 'href="/complain/"' in page
    assert 'href="/my-comments/"' not in page


def test_the_young_person_sees_their_own_comments_with_the_answers(demo, absence):
    # Given Jonas commented on the teacher's note and the teacher answered
    remark = remark_create(
        entry_id=absence.pk, author=demo["jonas"], kind="comment", text="Jeg var syk to av dagene."
    )
    remark_answer(remark=remark, actor=demo["laerer"], answer="Takk, det er notert.")

    # When Jonas opens his comments
    response = client_for(demo["jonas"]).get("/my-comments/")

    # Then he sees the comment, the answer and the way to the entry's comments
    page = response.content.decode()
    assert response.status_code == 200
    assert "Jeg var syk to av dagene." in page and "Takk, det er notert." in page
    assert f'href="/cases/{demo.jonas_case.pk}/entries/{absence.pk}/remarks/"' in page


def test_nobody_else_sees_the_young_persons_comments_there(demo, absence):
    remark_create(
        entry_id=absence.pk, author=demo["jonas"], kind="comment", text="Jeg var syk to av dagene."
    )
    for username in ("laerer", "far", "sara", "helsesykepleier"):
        page = client_for(demo[username]).get("/my-comments/").content.decode()
        assert "Jeg var syk" not in page, username
        assert "Du har ikke kommentert noe ennå." in page


def test_a_comment_on_an_entry_withheld_since_is_not_listed(demo, absence):
    # Given Jonas commented, then the teacher withheld the note from him under a legal reason
    remark_create(
        entry_id=absence.pk, author=demo["jonas"], kind="comment", text="Jeg var syk to av dagene."
    )
    entry_withhold(entry_id=absence.pk, actor=demo["laerer"], reason="Offentleglova § 13.")

    # Then the list no longer names the entry (its title is kept from him now)
    page = client_for(demo["jonas"]).get("/my-comments/").content.decode()
    assert "Fravær i matematikk" not in page
    assert "Jeg var syk" not in page


def test_my_comments_needs_a_login():
    response = client_for().get("/my-comments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _queries_for_my_comments(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/my-comments/").status_code == 200
    return len(queries)


def test_my_comments_costs_the_same_queries_for_1_and_10_comments(demo, absence):
    jonas = demo["jonas"]
    client = client_for(jonas)
    remark_create(entry_id=absence.pk, author=jonas, kind="comment", text="Kommentar 0")
    one = _queries_for_my_comments(client)
    for n in range(1, 10):
        remark_create(entry_id=absence.pk, author=jonas, kind="comment", text=f"Kommentar {n}")
    # session, user, the middleware's checks, count, one page of remarks with entry and case
    assert _queries_for_my_comments(client) == one
