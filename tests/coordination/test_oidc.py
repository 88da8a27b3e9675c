"""Sign-in with OpenID Connect against the real local providers (scripts/oidc_providers.sh):
the whole code flow over HTTP, every refusal, the identity kept only as a keyed hash, the
session contract with two-factor, the audit, and the logout that ends the provider's session."""

import io
import json
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import requests
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from joserfc.errors import InvalidClaimError

from coordination.demo import HELPERS
from coordination.models import AuditEvent, Identity, User
from coordination.oidc import (
    CLOCK_LEEWAY_SECONDS,
    STRONG_AUTH_SESSION_KEY,
    _client,
    id_token_rules,
    provider_for,
)
from coordination.services import identity_hash, identity_link
from tests.factories import PASSWORD, UserFactory

from .oidc_providers import (
    HELPER_KARI,
    IDPORTEN_URL,
    PID_HIGH,
    PID_IDA,
    PID_LOW,
    PID_UNKNOWN,
    SECRET,
    kommune_oid,
    log_in_at_provider,
    path_and_query,
    provider_settings,
    query,
)

pytestmark = pytest.mark.django_db
ID_TOKEN_LIFETIME = 300  # the test provider's ID_TOKEN_EXPIRE_SECONDS


@pytest.fixture
def oidc(settings):
    settings.SAMMEN_OIDC_PROVIDERS = provider_settings()
    return settings


@pytest.fixture
def youth():
    user = UserFactory(username="ida", birth_date=timezone.localdate() - timedelta(days=16 * 366))
    identity_link(user=user, provider="idporten", subject=PID_IDA)
    return user


@pytest.fixture
def helper():
    user = UserFactory(username="kari")
    user.groups.add(Group.objects.get_or_create(name=HELPERS)[0])
    identity_link(user=user, provider="kommune", subject=kommune_oid(HELPER_KARI))
    return user


def begin(client, key="idporten", params=""):
    response = client.post(f"/accounts/oidc/{key}/login/{params}")
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, username, key="idporten"):
    callback, browser = log_in_at_provider(begin(client, key), username)
    return client.get(path_and_query(callback)), browser


def refusals(reason):
    return AuditEvent.objects.filter(action="sign_in.failed", data__reason=reason)


def everything_stored():
    """Every place Sammen keeps something about a sign-in: audit, identities, sessions."""
    audit = json.dumps(list(AuditEvent.objects.values("action", "object_id", "data")))
    identities = json.dumps(list(Identity.objects.values("provider", "subject_hash")))
    sessions = json.dumps([session.get_decoded() for session in Session.objects.all()])
    return audit + identities + sessions


def test_a_linked_youth_signs_in_with_id_porten_and_counts_as_strongly_authenticated(
    client, oidc, youth
):
    # When Ida signs in at the ID-porten-like provider
    response, _browser = sign_in(client, PID_IDA)
    # Then she lands on her home, signed in, with the second factor satisfied for two-factor
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(youth.pk)
    assert client.session[STRONG_AUTH_SESSION_KEY] == {
        "method": "oidc",
        "provider": "idporten",
        "acr": "idporten-loa-substantial",
    }
    home = client.get("/")
    assert home.status_code == 200
    # And the sign-in is audited: method, provider, acr, success; the pid nowhere in clear
    event = AuditEvent.objects.get(action="sign_in.succeeded")
    assert event.actor == youth
    assert event.data == {
        "method": "oidc",
        "success": True,
        "provider": "idporten",
        "acr": "idporten-loa-substantial",
    }
    assert PID_IDA not in everything_stored()


def test_a_higher_level_is_accepted_too(client, oidc):
    user = UserFactory(birth_date=timezone.localdate() - timedelta(days=17 * 366))
    identity_link(user=user, provider="idporten", subject=PID_HIGH)
    response, _browser = sign_in(client, PID_HIGH)
    assert response["Location"] == "/"
    assert client.session[STRONG_AUTH_SESSION_KEY]["acr"] == "idporten-loa-high"


def test_a_helper_signs_in_with_the_municipality_account(client, oidc, helper):
    response, _browser = sign_in(client, HELPER_KARI, key="kommune")
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(helper.pk)
    # The municipal provider asserts no acr here: two-factor still asks (no strong-auth mark)
    assert STRONG_AUTH_SESSION_KEY not in client.session
    assert kommune_oid(HELPER_KARI) not in everything_stored()


def test_the_authorization_request_is_pinned_by_the_server(client, oidc):
    # Given a browser that adds its own acr_values, scope and parameters to the button's post
    location = begin(
        client, params="?acr_values=idporten-loa-low&scope=openid&auth_params=acr_values%3Dlow"
    )
    sent = query(location)
    # Then the provider is asked for what the settings say, with PKCE (S256), state and nonce
    assert location.startswith(f"{IDPORTEN_URL}/o/authorize/")
    assert sent["acr_values"] == "idporten-loa-substantial"
    assert sent["scope"] == "openid profile"
    assert sent["code_challenge_method"] == "S256"
    assert sent["code_challenge"] and sent["state"] and sent["nonce"]
    assert "auth_params" not in sent
    assert location.count("acr_values") == 1


def test_wrong_state_is_refused(client, oidc, youth):
    callback, _browser = log_in_at_provider(begin(client), PID_IDA)
    tampered = callback.replace(f"state={query(callback)['state']}", "state=not-the-one-we-sent")
    response = client.get(path_and_query(tampered))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals("state").count() == 1


def test_a_callback_without_anything_is_refused_and_never_a_500(client, oidc):
    for params in ("", "?code=x", "?state=x&code=y", "?error=access_denied&state=z", "?state=%00"):
        response = client.get(f"/accounts/oidc/idporten/callback/{params}")
        assert response.status_code in (400, 403), params
    assert "_auth_user_id" not in client.session


def _with_nonce(url, nonce):
    parts = urlsplit(url)
    params = {k: v for k, v in query(url).items() if k != "nonce"}
    if nonce is not None:
        params["nonce"] = nonce
    return urlunsplit(parts._replace(query=urlencode(params)))


@pytest.mark.parametrize("nonce", ["not-the-nonce-we-sent", None], ids=["wrong", "missing"])
def test_an_id_token_with_a_wrong_or_missing_nonce_is_refused(client, oidc, youth, nonce):
    # Given an authorization request whose nonce was changed or removed on the way
    authorize = _with_nonce(begin(client), nonce)
    callback, _browser = log_in_at_provider(authorize, PID_IDA)
    # When the provider's answer comes back with the right state
    response = client.get(path_and_query(callback))
    # Then the ID token does not carry our nonce and the sign-in is refused
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals("nonce").count() == 1


def test_a_code_used_twice_is_refused(client, oidc, youth):
    # Given a code that signed Ida in once
    callback, _browser = log_in_at_provider(begin(client), PID_IDA)
    assert client.get(path_and_query(callback))["Location"] == "/"
    client.logout()
    # When it is sent again with a fresh state of this browser
    fresh = query(begin(client))["state"]
    replayed = callback.replace(f"state={query(callback)['state']}", f"state={fresh}")
    response = client.get(path_and_query(replayed))
    # Then the provider refuses it and so do we
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals("provider_error").count() == 1


def test_an_expired_id_token_is_refused(client, oidc, youth):
    callback, _browser = log_in_at_provider(begin(client), PID_IDA)
    later = timezone.now() + timedelta(seconds=ID_TOKEN_LIFETIME + CLOCK_LEEWAY_SECONDS + 30)
    with time_machine.travel(later, tick=True):
        response = client.get(path_and_query(callback))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals("expired").count() == 1


def test_an_id_token_from_another_issuer_is_refused(client, oidc, youth):
    # Given settings that name another issuer than the one that signs the tokens
    oidc.SAMMEN_OIDC_PROVIDERS = provider_settings(issuer=f"{IDPORTEN_URL}/someone-else")
    callback, _browser = log_in_at_provider(begin(client), PID_IDA)
    response = client.get(path_and_query(callback))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals("issuer").count() == 1


def test_an_id_token_for_another_client_is_refused(oidc):
    # Given a real ID token the provider issued to another service ("annen-tjeneste")
    browser = requests.Session()
    verifier = "v" * 50
    authorize = f"{IDPORTEN_URL}/o/authorize/?" + urlencode(
        {
            "client_id": "annen-tjeneste",
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": "http://testserver/accounts/oidc/idporten/callback/",
            "state": "s",
            "nonce": "n",
            "code_challenge": verifier,
            "code_challenge_method": "plain",
        }
    )
    callback, browser = log_in_at_provider(authorize, PID_IDA, browser)
    token = browser.post(
        f"{IDPORTEN_URL}/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": query(callback)["code"],
            "redirect_uri": "http://testserver/accounts/oidc/idporten/callback/",
            "code_verifier": verifier,
        },
        auth=("annen-tjeneste", SECRET),
    ).json()
    provider = provider_for("idporten")
    # When Sammen checks it with its own rules, then it is refused for its audience
    with pytest.raises(InvalidClaimError) as refused:
        _client(provider).parse_id_token(
            token, nonce="n", claims_options=id_token_rules(provider), leeway=60
        )
    assert refused.value.claim in ("aud", "azp")


def test_too_low_an_acr_is_refused(client, oidc):
    user = UserFactory(birth_date=timezone.localdate() - timedelta(days=16 * 366))
    identity_link(user=user, provider="idporten", subject=PID_LOW)
    response, _browser = sign_in(client, PID_LOW)
    assert response.status_code == 403
    assert "tryggere måte å logge inn" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = refusals("acr").get()
    assert event.data["acr"] == "idporten-loa-low"


def test_a_role_can_require_a_higher_level(client, oidc, youth):
    # Given ID-porten settings where young people must sign in at idporten-loa-high
    oidc.SAMMEN_OIDC_PROVIDERS = provider_settings(acr_by_role={"youth": ["idporten-loa-high"]})
    # When Ida signs in at substantial, then she is refused for her level
    response, _browser = sign_in(client, PID_IDA)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals("acr").get().object_id == str(youth.pk)
    # And someone at high is let in
    other = UserFactory(birth_date=timezone.localdate() - timedelta(days=17 * 366))
    identity_link(user=other, provider="idporten", subject=PID_HIGH)
    response, _browser = sign_in(client, PID_HIGH)
    assert response["Location"] == "/"


def test_an_unknown_person_is_refused_with_a_clear_page_and_nothing_created(client, oidc, youth):
    users, identities = User.objects.count(), Identity.objects.count()
    response, _browser = sign_in(client, PID_UNKNOWN)
    assert response.status_code == 403
    assert "inviterer deg" in response.content.decode()
    assert (User.objects.count(), Identity.objects.count()) == (users, identities)
    assert "_auth_user_id" not in client.session
    assert refusals("unknown").count() == 1
    assert PID_UNKNOWN not in everything_stored()


def test_an_invitation_hook_can_bring_in_a_new_person(client, oidc, monkeypatch):
    # Given an app whose hook knows the person (as an invitation being accepted would)
    invited = UserFactory(birth_date=timezone.localdate() - timedelta(days=15 * 366))
    seen = []

    def oidc_new_identity(request, provider, claims):
        seen.append((provider, claims["pid"]))
        return invited

    monkeypatch.setattr(
        apps.get_app_config("cases"), "oidc_new_identity", oidc_new_identity, raising=False
    )
    # When that person signs in
    response, _browser = sign_in(client, PID_UNKNOWN)
    # Then they are linked and signed in, and the next sign-in needs no hook
    assert response["Location"] == "/"
    assert seen == [("idporten", PID_UNKNOWN)]
    identity = Identity.objects.get(user=invited)
    assert identity.subject_hash == identity_hash(provider="idporten", subject=PID_UNKNOWN)
    assert AuditEvent.objects.filter(action="identity.linked", object_id=str(identity.pk)).exists()


def test_a_hook_account_of_the_wrong_role_is_refused_and_rolled_back(client, oidc, monkeypatch):
    # Given a hook that makes an account without a role ID-porten is opened to
    def oidc_new_identity(request, provider, claims):
        return UserFactory(username="made-by-hook")

    monkeypatch.setattr(
        apps.get_app_config("cases"), "oidc_new_identity", oidc_new_identity, raising=False
    )
    response, _browser = sign_in(client, PID_UNKNOWN)
    assert response.status_code == 403
    assert not User.objects.filter(username="made-by-hook").exists()
    assert not Identity.objects.exists()
    assert refusals("role").count() == 1


def test_a_provider_is_only_for_its_roles(client, oidc):
    # Given a helper (no youth, no guardian) linked to an ID-porten identity
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=HELPERS)[0])
    identity_link(user=user, provider="idporten", subject=PID_IDA)
    response, _browser = sign_in(client, PID_IDA)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals("role").get().object_id == str(user.pk)


def test_a_deactivated_account_cannot_sign_in(client, oidc, youth):
    youth.is_active = False
    youth.save()
    response, _browser = sign_in(client, PID_IDA)
    assert response.status_code == 403
    assert refusals("unknown").count() == 1


def test_a_hook_for_an_identity_of_a_deactivated_account_is_refused(
    client, oidc, youth, monkeypatch
):
    # Given Ida's account deactivated and a hook that offers another account for her pid
    youth.is_active = False
    youth.save()
    monkeypatch.setattr(
        apps.get_app_config("cases"),
        "oidc_new_identity",
        lambda request, provider, claims: UserFactory(username="other"),
        raising=False,
    )
    response, _browser = sign_in(client, PID_IDA)
    # Then the identity stays with the deactivated account, and nothing is created
    assert response.status_code == 403
    assert not User.objects.filter(username="other").exists()
    assert Identity.objects.get().user == youth


def test_logout_ends_the_provider_session_too(client, oidc, youth):
    # Given Ida signed in through ID-porten
    _response, browser = sign_in(client, PID_IDA)
    # When she logs out of Sammen
    response = client.post("/accounts/logout/")
    # Then she is sent to the provider's end-session endpoint with the hint, and back to login
    location = response["Location"]
    assert location.startswith(f"{IDPORTEN_URL}/o/logout/")
    assert query(location)["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    ended = browser.get(location, allow_redirects=False)
    assert ended.status_code == 302
    assert ended.headers["Location"] == "http://testserver/accounts/login/"
    assert "_auth_user_id" not in client.session
    # And signing in again asks for the provider's login (its session is over)
    again = browser.get(begin(client), allow_redirects=False)
    assert "/accounts/login/" in again.headers["Location"]


def test_a_password_logout_goes_to_the_login_page(client, oidc):
    user = UserFactory()
    client.force_login(user)
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


def test_the_login_page_offers_only_configured_providers(client, settings):
    settings.SAMMEN_OIDC_PROVIDERS = {}
    page = client.get("/accounts/login/").content.decode()
    assert "ID-porten" not in page
    settings.SAMMEN_OIDC_PROVIDERS = provider_settings()
    page = client.get("/accounts/login/").content.decode()
    assert "Logg inn med ID-porten" in page
    assert "Logg inn med kommunens konto" in page
    assert 'name="username"' in page and 'name="password"' in page


def test_an_unknown_provider_is_404_and_the_button_only_posts(client, oidc):
    assert client.post("/accounts/oidc/nowhere/login/").status_code == 404
    assert client.get("/accounts/oidc/nowhere/callback/").status_code == 404
    assert client.get("/accounts/oidc/idporten/login/").status_code == 405


def test_a_provider_that_does_not_answer_gives_a_clear_page(client, settings):
    settings.SAMMEN_OIDC_PROVIDERS = provider_settings(
        discovery_url="http://127.0.0.1:9/o/.well-known/openid-configuration"
    )
    response = client.post("/accounts/oidc/idporten/login/")
    assert response.status_code == 403
    assert refusals("provider_unreachable").count() == 1


def test_an_identity_belongs_to_one_account(youth):
    with pytest.raises(ValidationError):
        identity_link(user=UserFactory(), provider="idporten", subject=PID_IDA)
    # Linking the same again is harmless
    assert identity_link(user=youth, provider="idporten", subject=PID_IDA).user == youth
    stored = Identity.objects.get()
    assert stored.subject_hash != PID_IDA and len(stored.subject_hash) == 64
    assert stored.subject_hash != identity_hash(provider="kommune", subject=PID_IDA)


def test_password_sign_ins_are_audited_without_secrets(client):
    user = UserFactory(username="per")
    # A wrong password, then the right one
    client.post("/accounts/login/", {"username": "per", "password": "wrong-secret"})
    failed = AuditEvent.objects.get(action="sign_in.failed")
    assert failed.actor is None
    assert failed.object_id == str(user.pk)
    assert failed.data == {"method": "password", "success": False}
    client.post("/accounts/login/", {"username": "per", "password": PASSWORD})
    succeeded = AuditEvent.objects.get(action="sign_in.succeeded")
    assert succeeded.actor == user
    assert succeeded.data == {"method": "password", "success": True}
    # A password sign-in is not a second factor
    assert STRONG_AUTH_SESSION_KEY not in client.session
    stored = everything_stored()
    assert "wrong-secret" not in stored and PASSWORD not in stored


def test_a_failed_password_for_nobody_is_audited_without_the_typed_name(client):
    client.post("/accounts/login/", {"username": "my-password-by-mistake", "password": "x"})
    failed = AuditEvent.objects.get(action="sign_in.failed")
    assert failed.object_id == ""
    assert "my-password-by-mistake" not in json.dumps(failed.data)


def test_staff_link_an_existing_account_from_standard_input(oidc, monkeypatch):
    # Given Kari's account and her oid typed on standard input (not on the command line)
    kari = UserFactory(username="kari")
    monkeypatch.setattr("sys.stdin", io.StringIO(kommune_oid(HELPER_KARI) + "\n"))
    out = io.StringIO()
    call_command("link_identity", "--user", "kari", "--provider", "kommune", stdout=out)
    assert Identity.objects.get().user == kari
    assert kommune_oid(HELPER_KARI) not in out.getvalue() + everything_stored()
    # An identity already linked, an unknown provider or account: refused
    for args, stdin in [
        (["--user", "other", "--provider", "kommune"], kommune_oid(HELPER_KARI)),
        (["--user", "kari", "--provider", "nowhere"], "x"),
        (["--user", "nobody", "--provider", "kommune"], "x"),
        (["--user", "kari", "--provider", "kommune"], ""),
    ]:
        UserFactory(username="other")
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
        with pytest.raises(CommandError):
            call_command("link_identity", *args, stdout=io.StringIO())
    assert Identity.objects.count() == 1
