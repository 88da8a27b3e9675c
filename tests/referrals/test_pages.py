"""The referral pages (issue #15 A4): "Henvis" from the case page, the youth's timeline, one
referral with the intake's answer, the inbox, and the ungdomshjelper's overview."""

import pytest

from cases.models import Entry, Participant
from consent.models import ConsentRequest
from consent.services import consent_request_approve
from referrals.models import Referral
from referrals.services import referral_create, referral_decline
from tests.factories import page_client

from .helpers import BUP, CLINIC

pytestmark = pytest.mark.django_db


def _note(demo):
    return Entry.objects.get(case=demo.sara_case, title="Samtale om søvn og stress")


def _sent(demo, service=CLINIC):
    referral = referral_create(
        case_id=demo.sara_case.pk,
        actor=demo["helsesykepleier"],
        service_id=service,
        purpose="Samtaler om angst",
        entry_ids=[_note(demo).pk],
    )
    consent_request_approve(
        consent_request=ConsentRequest.objects.get(service_id=service, status="pending"),
        actor=demo["sara"],
    )
    return Referral.objects.get(pk=referral.pk)


def test_the_nurse_refers_from_the_case_page(demo):
    nurse = page_client(demo["helsesykepleier"])
    case = demo.sara_case
    assert "/referrals/new/" in nurse.get(f"/cases/{case.pk}/").content.decode()
    page = nurse.get(f"/cases/{case.pk}/referrals/new/?q=helsestasjon")
    assert page.status_code == 200
    assert CLINIC in page.content.decode() and BUP not in page.content.decode()

    response = nurse.post(
        f"/cases/{case.pk}/referrals/new/",
        {"service": CLINIC, "purpose": "Samtaler", "entries": [str(_note(demo).pk)]},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.status == "awaiting_consent"


def test_a_bad_referral_form_is_a_400_and_saves_nothing(demo):
    nurse = page_client(demo["helsesykepleier"])
    url = f"/cases/{demo.sara_case.pk}/referrals/new/"
    for body in (
        {"service": CLINIC, "purpose": ""},
        {"service": "nope", "purpose": "x"},
        {"service": CLINIC, "purpose": "x", "entries": ["999999"]},
    ):
        assert nurse.post(url, body).status_code == 400, body
    assert not Referral.objects.exists()


def test_only_helpers_on_the_case_get_the_referral_form(demo):
    for username in ("sara", "mor", "nav"):
        assert (
            page_client(demo[username])
            .get(f"/cases/{demo.sara_case.pk}/referrals/new/")
            .status_code
            == 404
        ), username
    page = page_client(demo["sara"]).get(f"/cases/{demo.sara_case.pk}/").content.decode()
    assert "/referrals/new/" not in page


def test_sara_reads_the_no_its_reason_and_where_else_to_go(demo):
    referral = _sent(demo, BUP)
    referral_decline(
        referral_id=referral.pk,
        actor=demo["bup"],
        reason="Du er for frisk for oss nå.",
        suggested_service_ids=[CLINIC],
    )
    sara = page_client(demo["sara"])
    timeline = sara.get(f"/cases/{demo.sara_case.pk}/referrals/").content.decode()
    assert "Du er for frisk for oss nå." in timeline
    assert f'href="/services/{CLINIC}/"' in timeline
    assert "De som tar imot henvisninger hos" in timeline
    detail = sara.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Du er for frisk for oss nå." in detail
    assert "Svar nei" not in detail and "Trekk tilbake" not in detail


def test_the_intake_answers_from_the_inbox(demo):
    referral = _sent(demo)
    clinic = page_client(demo["helsestasjon"])
    assert "/referrals/inbox/" in clinic.get("/").content.decode()
    inbox = clinic.get("/referrals/inbox/").content.decode()
    assert f"/referrals/{referral.pk}/" in inbox
    detail = clinic.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Samtale om søvn og stress" in detail and "Tilrettelegging" not in detail
    response = clinic.post(
        f"/referrals/{referral.pk}/accept/", {"helper": str(demo["helsestasjon"].pk)}
    )
    assert response.status_code == 302
    assert (
        Participant.objects.active()
        .filter(case=demo.sara_case, user=demo["helsestasjon"], service_id=CLINIC)
        .exists()
    )


def test_a_decline_without_a_reason_is_a_400(demo):
    referral = _sent(demo)
    clinic = page_client(demo["helsestasjon"])
    assert clinic.post(f"/referrals/{referral.pk}/decline/", {"reason": ""}).status_code == 400
    assert Referral.objects.get().status == "sent"


def test_others_see_no_referral_page(demo):
    referral = _sent(demo)
    for username in ("mor", "laerer", "barnevern", "bup"):
        client = page_client(demo[username])
        assert client.get(f"/referrals/{referral.pk}/").status_code == 404, username
        assert client.post(f"/referrals/{referral.pk}/withdraw/").status_code == 404, username
    assert (
        'href="/referrals/'
        not in page_client(demo["nav"]).get("/referrals/inbox/").content.decode()
    )


def test_the_ungdomshjelper_overview_counts_what_waits(demo):
    _sent(demo)
    page = page_client(demo["ungdomshjelper"]).get("/ungdomshjelper/").content.decode()
    assert "1 henvisning venter på svar" in page
    # Counts only: the service is not named
    assert "Helsestasjon" not in page


def test_the_intake_declines_on_the_page_and_suggests_another_service(demo):
    # The form sends the suggested services as text: they must count like the API's uuids.
    referral = _sent(demo, BUP)
    response = page_client(demo["bup"]).post(
        f"/referrals/{referral.pk}/decline/",
        {"reason": "Ikke nå.", "suggested_services": [CLINIC]},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert [str(s.pk) for s in referral.suggested_services.all()] == [CLINIC]
