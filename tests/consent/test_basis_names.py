"""Who-knows-what names who decided (#16 item 7): "du sa ja" only to the person who said it;
everyone else reads the decider's name ("Mor said yes"), and a rule share names whose rule it
is and when it was set. Page and API read one property, Knowledge.basis_text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from consent.services import consent_request_approve, share

from .helpers import as_user, write_entry
from .test_pages import client_for

pytestmark = pytest.mark.django_db


def _rows(demo, viewer, case, recipient):
    with translation.override("en"):
        people = as_user(viewer).get(
            f"/api/v1/cases/{case.pk}/who-knows-what/", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert people.status_code == 200
    person = next(p for p in people.json() if p["person"]["username"] == recipient)
    return [row for row in person["entries"] if row["disclosure"] is not None]


def _jonas_health_note_approved_by_his_father(demo):
    entry = write_entry(demo.jonas_case, demo["helsesykepleier"], category="health")
    result = share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    assert result.consent_request is not None
    consent_request_approve(consent_request=result.consent_request, actor=demo["far"])
    return entry


def test_the_youth_reads_his_father_s_name_never_you_said_yes(demo, settings):
    settings.LANGUAGE_CODE = "en"
    _jonas_health_note_approved_by_his_father(demo)
    jonas_sees = _rows(demo, demo["jonas"], demo.jonas_case, "laerer")
    father_sees = _rows(demo, demo["far"], demo.jonas_case, "laerer")
    assert len(jonas_sees) == len(father_sees) == 1
    father = demo["far"].name
    assert jonas_sees[0]["basis"] == "consent"
    assert jonas_sees[0]["basis_text"].startswith(f"{father} said yes ")
    assert "you said yes" not in jonas_sees[0]["basis_text"]
    assert father_sees[0]["basis_text"].startswith("you said yes ")


def test_the_page_says_du_sa_ja_only_to_who_said_it(demo):
    _jonas_health_note_approved_by_his_father(demo)
    url = f"/cases/{demo.jonas_case.pk}/who-knows-what/"
    jonas_page = client_for(demo["jonas"]).get(url).content.decode()
    father_page = client_for(demo["far"]).get(url).content.decode()
    assert f"{demo['far'].name} sa ja" in jonas_page
    assert "du sa ja" not in jonas_page
    assert "du sa ja" in father_page


def test_a_rule_share_names_whose_rule_it_is(demo, settings):
    settings.LANGUAGE_CODE = "en"
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    sara_sees = _rows(demo, demo["sara"], demo.sara_case, "laerer")
    coordinator_sees = _rows(demo, demo["ungdomshjelper"], demo.sara_case, "laerer")
    assert sara_sees[0]["basis_text"].startswith("your rule: school → all helpers, set ")
    assert coordinator_sees[0]["basis_text"].startswith(f"a standing rule {demo['sara'].name} set ")
    assert coordinator_sees[0]["basis_text"].endswith(": school → all helpers")


def test_own_choice_names_the_young_person_to_others(demo, settings):
    settings.LANGUAGE_CODE = "en"
    message = write_entry(demo.sara_case, demo["sara"], category="general", kind="message")
    share(entry=message, recipients=[demo["laerer"]], actor=demo["sara"])
    assert _rows(demo, demo["sara"], demo.sara_case, "laerer")[0]["basis_text"] == (
        "you chose to share it"
    )
    coordinator_sees = _rows(demo, demo["ungdomshjelper"], demo.sara_case, "laerer")
    assert coordinator_sees[0]["basis_text"] == f"{demo['sara'].name} chose to share it"


def test_naming_the_deciders_costs_no_query_per_row(demo):
    """The API's queries are the same with 1 and with 12 shares of each kind (rule, consent)."""
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    client = as_user(demo["ungdomshjelper"])
    url = f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/"

    def add(count: int) -> None:
        for n in range(count):
            for category in ("school", "health"):
                entry = write_entry(demo.sara_case, nurse, category=category, title=f"{n}")
                result = share(entry=entry, recipients=[teacher], actor=nurse)
                if result.consent_request is not None:
                    consent_request_approve(
                        consent_request=result.consent_request, actor=demo["sara"]
                    )

    def queries() -> int:
        client.get(url)  # warm: sessions, content types
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(1)
    small = queries()
    add(11)
    assert queries() == small
