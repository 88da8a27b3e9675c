"""The team page (issue #13 item 3): everyone now and before with role, service, since when
and who invited them; waiting invitations; invite, withdraw and remove forms; constant queries
as the team grows, on the team page and the case list."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Invitation, Participant
from cases.services import NewPerson, invitation_create
from consent.services import participant_remove
from coordination.models import User
from tests.factories import (
    CaseFactory,
    ParticipantFactory,
    ServiceFactory,
    page_client,
)

pytestmark = pytest.mark.django_db


def _bup_service(demo):
    return Participant.objects.get(case=demo.sara_case, user=demo["bup"]).service


def test_the_team_page_shows_who_invited_whom_and_what_waits(demo):
    # Given the nurse invited bup to Jonas' case and he joined, and a new person waits
    nurse, jonas_case = demo["helsesykepleier"], demo.jonas_case
    bup_invitation = invitation_create(
        case_id=jonas_case.pk, actor=nurse, role="helper", user=demo["bup"],
        service=_bup_service(demo),
    )  # fmt: skip
    page_client(demo["bup"]).post(f"/invitations/{bup_invitation.pk}/")
    invitation_create(
        case_id=jonas_case.pk, actor=nurse, role="helper",
        person=NewPerson("Lise Moe", email="lise@example.org"), service=_bup_service(demo),
    )  # fmt: skip
    # When Jonas opens his team page
    page = page_client(demo["jonas"]).get(f"/cases/{jonas_case.pk}/team/")
    html = page.content.decode()
    # Then he sees the team with who invited bup, and who waits, but no forms (he is 13)
    assert page.status_code == 200
    assert "Ahmed Khan" in html and "invitert av Kari Nordmann" in html
    assert "Lise Moe" in html and "Invitert, ikke med ennå" in html
    assert 'name="action" value="invite"' not in html
    assert "Trekk tilbake" not in html
    # The nurse sees the invite form and can withdraw what she sent
    nurse_html = page_client(nurse).get(f"/cases/{jonas_case.pk}/team/").content.decode()
    assert 'name="action" value="invite"' in nurse_html
    assert "Trekk tilbake invitasjonen til Lise Moe" in nurse_html
    # and the case page links to the team page
    case_page = page_client(demo["jonas"]).get(f"/cases/{jonas_case.pk}/").content.decode()
    assert f"/cases/{jonas_case.pk}/team/" in case_page


def test_outsiders_get_404(demo):
    for persona in ["nav", "mor", "admin"]:
        assert (
            page_client(demo[persona]).get(f"/cases/{demo.jonas_case.pk}/team/").status_code == 404
        )
        response = page_client(demo[persona]).post(
            f"/cases/{demo.jonas_case.pk}/team/", {"action": "invite", "role": "helper"}
        )
        assert response.status_code == 404


def test_inviting_and_withdrawing_from_the_page(demo):
    nurse = page_client(demo["helsesykepleier"])
    path = f"/cases/{demo.jonas_case.pk}/team/"
    response = nurse.post(
        path,
        {
            "action": "invite",
            "role": "helper",
            "username": "bup",
            "service": str(_bup_service(demo).pk),
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(invitee=demo["bup"])
    # A bad one: 400 with the reason by the field, nothing written
    before = Invitation.objects.count(), User.objects.count()
    bad = nurse.post(
        path, {"action": "invite", "role": "helper", "display_name": "Lise", "phone": "12"}
    )
    assert bad.status_code == 400
    assert "Skriv et telefonnummer som kan nås" in bad.content.decode()
    assert "Velg hvilken tjeneste hjelperen representerer." in bad.content.decode()
    unknown = nurse.post(path, {"action": "invite", "role": "helper", "username": "nobody"})
    assert unknown.status_code == 400
    guardian = nurse.post(path, {"action": "invite", "role": "guardian", "username": "mor"})
    assert guardian.status_code == 400 and "registrert" in guardian.content.decode()
    assert (Invitation.objects.count(), User.objects.count()) == before
    # A guardian posting the form: refused, nothing written
    far = page_client(demo["far"]).post(
        path, {"action": "invite", "role": "helper", "username": "nav"}
    )
    assert far.status_code == 400 and Invitation.objects.count() == before[0]
    # Another helper cannot withdraw the nurse's invitation; the nurse can
    page_client(demo["laerer"]).post(path, {"action": "revoke", "invitation": invitation.pk})
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"
    nurse.post(path, {"action": "revoke", "invitation": invitation.pk})
    assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
    # Hostile values are 400, never 500
    assert nurse.post(path, {"action": "revoke", "invitation": "x"}).status_code == 400
    assert nurse.post(path, {"action": "nonsense"}).status_code == 302


def test_the_team_page_links_leaving_and_removal_to_the_removal_page(demo):
    case = demo.sara_case
    bup = Participant.objects.get(case=case, user=demo["bup"])
    nurse = Participant.objects.get(case=case, user=demo["helsesykepleier"])
    youth = Participant.objects.get(case=case, user=demo["sara"])

    def links(persona):
        html = page_client(demo[persona]).get(f"/cases/{case.pk}/team/").content.decode()
        return {p.pk for p in (bup, nurse, youth) if f"/participants/{p.pk}/remove/" in html}

    # The ungdomshjelper may take anyone but the youth off; a helper only leaves himself;
    # the youth is never removable (the rule of cases.services.participants_removable)
    assert links("ungdomshjelper") == {bup.pk, nurse.pk}
    assert links("bup") == {bup.pk}
    assert links("sara") == set()
    # The page behind the link takes the summary and ends the participation
    response = page_client(demo["ungdomshjelper"]).post(
        f"/cases/{case.pk}/participants/{bup.pk}/remove/",
        {"summary": "BUP har avsluttet behandlingen"},
    )
    assert response.status_code == 302
    assert Participant.objects.get(pk=bup.pk).left_summary == "BUP har avsluttet behandlingen"
    html = page_client(demo["sara"]).get(f"/cases/{case.pk}/team/").content.decode()
    assert "Tidligere" in html and "Ahmed Khan" in html


def _team_of(size: int):
    case = CaseFactory()
    helper = ParticipantFactory(case=case)
    for _ in range(size - 1):
        joined = ParticipantFactory(case=case)
        joined.invited_by = helper.user
        joined.save(update_fields=["invited_by"])
    for n in range(size):
        invitation_create(
            case_id=case.pk, actor=helper.user, role="helper",
            person=NewPerson(f"Ny {n}", email=f"ny{n}@example.org"), service=ServiceFactory(),
        )  # fmt: skip
    left = ParticipantFactory(case=case)
    participant_remove(participant=left, actor=None)
    return case, helper.user


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_team_page_and_the_case_list_keep_their_queries_as_the_team_grows(db):
    small_case, small_helper = _team_of(1)
    big_case, big_helper = _team_of(20)
    small, big = page_client(small_helper), page_client(big_helper)
    assert _queries(small, f"/cases/{small_case.pk}/team/") == _queries(
        big, f"/cases/{big_case.pk}/team/"
    )
    assert _queries(small, "/cases/") == _queries(big, "/cases/")
