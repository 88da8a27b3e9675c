"""Answering an invitation by signing in at ID-porten (#14 item 1 with #13's invitations): a new
young person (or guardian) follows the link, signs in at the real local provider instead of
choosing a password, and joins as the invited account, which is then linked to that identity.
Nothing else links an identity to an account."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Invitation, Participant
from cases.services import NewPerson, case_open, invitation_create, invitation_revoke
from cases.tokens import token_for
from coordination.models import Identity
from coordination.services import identity_hash
from tests.coordination.oidc_providers import (
    PID_UNKNOWN,
    log_in_at_provider,
    path_and_query,
    provider_settings,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc(settings):
    settings.SAMMEN_OIDC_PROVIDERS = provider_settings()


def new_youth_case(demo):
    nurse = demo["helsesykepleier"]
    service = Participant.objects.get(case=demo.sara_case, user=nurse).service
    birth = timezone.localdate() - timedelta(days=15 * 366)
    case = case_open(
        actor=nurse,
        title="Ali",
        service=service,
        new_youth=NewPerson(
            display_name="Ali Hassan", email="ali@example.org", phone="", birth_date=birth
        ),
    )
    return case, Invitation.objects.get(case=case)


def link(invitation):
    return f"/invite/{token_for(invitation.nonce)}/"


def test_a_new_youth_joins_by_signing_in_with_id_porten(client, demo, oidc):
    case, invitation = new_youth_case(demo)
    # The invitation's page offers ID-porten besides making an account
    page = client.get(link(invitation)).content.decode()
    assert "Logg inn med ID-porten" in page and "Logg inn med kommunens konto" not in page
    # When Ali chooses it and signs in at the provider
    response = client.post(link(invitation) + "sign-in/idporten/")
    assert response.status_code == 302
    callback, _browser = log_in_at_provider(response["Location"], PID_UNKNOWN)
    response = client.get(path_and_query(callback))
    # Then he is signed in as the invited account, has joined, and his pid is linked (hashed)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session["_auth_user_id"] == str(case.youth_id)
    assert Invitation.objects.get(pk=invitation.pk).status == "accepted"
    identity = Identity.objects.get(user=case.youth)
    assert identity.subject_hash == identity_hash(provider="idporten", subject=PID_UNKNOWN)
    # The session never held the link itself, and the link is used up
    assert token_for(invitation.nonce) not in str(dict(client.session))
    client.logout()
    assert client.get(link(invitation)).status_code == 404


def test_an_invitation_withdrawn_meanwhile_links_nothing(client, demo, oidc):
    _case, invitation = new_youth_case(demo)
    response = client.post(link(invitation) + "sign-in/idporten/")
    invitation_revoke(invitation_id=invitation.pk, actor=demo["helsesykepleier"])
    callback, _browser = log_in_at_provider(response["Location"], PID_UNKNOWN)
    response = client.get(path_and_query(callback))
    assert response.status_code == 403  # "we do not know you yet"
    assert "_auth_user_id" not in client.session
    assert not Identity.objects.exists()
    assert Invitation.objects.get(pk=invitation.pk).status == "revoked"


def test_only_new_youth_and_guardians_may_join_this_way(client, demo, oidc):
    nurse = demo["helsesykepleier"]
    service = Participant.objects.get(case=demo.sara_case, user=nurse).service
    # A new helper is invited: no provider is offered, and asking anyway is the unusable link
    helper = invitation_create(
        case_id=demo.sara_case.pk,
        actor=nurse,
        role="helper",
        person=NewPerson(display_name="Lise Moe", email="lise@example.org", phone=""),
        service=service,
    )
    assert "Logg inn med" not in client.get(link(helper)).content.decode()
    assert client.post(link(helper) + "sign-in/kommune/").status_code == 404
    assert client.post(link(helper) + "sign-in/idporten/").status_code == 404
    # An unknown provider, a wrong token, a GET: nothing starts
    _case, invitation = new_youth_case(demo)
    assert client.post(link(invitation) + "sign-in/nope/").status_code == 404
    assert client.post("/invite/feil/sign-in/idporten/").status_code == 404
    assert client.get(link(invitation) + "sign-in/idporten/").status_code == 405
    # Someone logged in already (as anyone) does not start a sign-in from the link
    client.force_login(demo["sara"])
    assert client.post(link(invitation) + "sign-in/idporten/").status_code == 404
    assert not Identity.objects.exists()
