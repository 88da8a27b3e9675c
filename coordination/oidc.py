"""Sign-in with OpenID Connect (docs/architecture.md "Sign-in").

Authlib's Django client does the protocol: authorization code flow with PKCE (S256), `state` and
`nonce` kept in the session and checked, the ID token's signature verified against the provider's
JWKS, and `iss`, `aud` and `exp` checked against what we configured (not against what the token
or the discovery document say). What Sammen adds is policy: `acr_values` come from the settings
only (nothing from the browser reaches the authorization request), the returned `acr` must be one
the provider's settings accept, the person must be known (or be accepting an invitation through
the `oidc_new_identity` hook) and must have a role the provider is opened to.
"""

import base64
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError

from .models import User
from .selectors import identity_user, user_sign_in_roles
from .services import identity_link, sign_in_record

# What the two-factor check reads: this session's sign-in already proved a second factor.
STRONG_AUTH_SESSION_KEY = "sammen_strong_auth"
# Which provider this session signed in at, for the logout that ends the provider's session too.
# The ID token (it carries the pid) is kept only encrypted, as the logout's id_token_hint.
LOGOUT_SESSION_KEY = "sammen_oidc_logout"
# An ID token may be this many seconds past its `exp` (clocks differ a little).
CLOCK_LEEWAY_SECONDS = 60
PROVIDER_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    issuer: str
    discovery_url: str
    client_id: str
    client_secret: str
    token_auth_method: str
    scopes: str
    claim: str
    roles: tuple[str, ...]
    acr_values: tuple[str, ...]
    # A stricter list for some roles: (role, accepted values) pairs.
    acr_by_role: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def acr_accepted(self, acr: str, roles: set[str]) -> bool:
        """Whether `acr` is good enough for a person with these of the provider's roles: in
        the provider's list, and in the list of each of their roles that has its own."""
        if self.acr_values and acr not in self.acr_values:
            return False
        return all(acr in accepted for role, accepted in self.acr_by_role if role in roles)

    @property
    def asserts_level(self) -> bool:
        return bool(self.acr_values or self.acr_by_role)

    @property
    def button(self) -> str | Promise:
        if self.label:
            return self.label
        if self.key == "idporten":
            return _("Log in with ID-porten")
        return _("Log in with your municipality account")


def providers() -> list[Provider]:
    """The configured providers, in the order of SAMMEN_OIDC_PROVIDERS."""
    found = []
    for config in settings.SAMMEN_OIDC_PROVIDERS.values():
        scopes = config["scopes"].split()
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        found.append(
            Provider(
                **{
                    **config,
                    "scopes": " ".join(scopes),
                    "roles": tuple(config["roles"]),
                    "acr_values": tuple(config["acr_values"]),
                    "acr_by_role": tuple(
                        (role, tuple(values))
                        for role, values in config.get("acr_by_role", {}).items()
                    ),
                }
            )
        )
    return found


def provider_for(key: str) -> Provider | None:
    return next((provider for provider in providers() if provider.key == key), None)


_clients: dict[Provider, DjangoOAuth2App] = {}


def _client(provider: Provider) -> DjangoOAuth2App:
    """Authlib's client for this configuration; it keeps the discovery document and the keys."""
    client = _clients.get(provider)
    if client is None:
        client = OAuth().register(
            name=f"sammen_{provider.key}",
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={
                "scope": provider.scopes,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": provider.token_auth_method,
                "default_timeout": PROVIDER_TIMEOUT_SECONDS,
            },
        )
        _clients[provider] = client
    return client


_unreachable_since: dict[Provider, float] = {}
RETRY_SECONDS = 60


def provider_origins() -> list[str]:
    """Where the browser goes to sign in and out at the configured providers (the issuer's
    origin and, from the discovery document, the authorization and end-session endpoints')."""
    origins: set[str] = set()
    for provider in providers():
        urls = [provider.issuer]
        metadata = {}
        # A provider that did not answer is not asked again for a while: every page needs this.
        if time.monotonic() - _unreachable_since.get(provider, -RETRY_SECONDS) >= RETRY_SECONDS:
            try:
                metadata = _client(provider).load_server_metadata()
                _unreachable_since.pop(provider, None)
            except (requests.RequestException, ValueError):
                _unreachable_since[provider] = time.monotonic()
        urls += [
            str(metadata.get("authorization_endpoint") or ""),
            str(metadata.get("end_session_endpoint") or ""),
        ]
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


class SignInRefused(Exception):
    """The sign-in ends here. `reason` goes to the audit chain and picks the page's words."""

    def __init__(self, reason: str, *, acr: str = "", user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.acr = acr
        self.user = user


def callback_url(request: HttpRequest, provider: Provider) -> str:
    return request.build_absolute_uri(reverse("oidc-callback", kwargs={"provider": provider.key}))


def sign_in_begin(request: HttpRequest, provider: Provider) -> HttpResponse:
    """Sends the browser to the provider. The acr_values are the server's, never the browser's."""
    extra = {"acr_values": provider.acr_values[0]} if provider.acr_values else {}
    try:
        return _client(provider).authorize_redirect(
            request, redirect_uri=callback_url(request, provider), **extra
        )
    except (requests.RequestException, ValueError, RuntimeError) as error:
        # Not answering, not JSON, or a discovery document without an authorization endpoint.
        raise SignInRefused("provider_unreachable") from error


def _claim_reason(error: JoseError) -> str:
    if isinstance(error, ExpiredTokenError):
        return "expired"
    if isinstance(error, BadSignatureError):
        return "signature"
    if isinstance(error, ClaimError):
        return {"iss": "issuer", "aud": "audience", "azp": "audience", "nonce": "nonce"}.get(
            error.claim, "token"
        )
    return "token"


def id_token_rules(provider: Provider) -> dict:
    """What an ID token must say: our issuer and our client id as configured (not as the
    discovery document or the token say), and an expiry."""
    return {
        "iss": {"essential": True, "values": [provider.issuer]},
        "aud": {"essential": True, "values": [provider.client_id]},
        "exp": {"essential": True},
    }


def id_token_claims(request: HttpRequest, provider: Provider) -> tuple[dict[str, Any], str]:
    """Exchanges the code in the callback for tokens and returns the checked ID token's claims
    and the ID token itself. Refuses a wrong or missing state, an error from the provider (a
    cancelled sign-in, a code used twice), and an ID token that is unsigned or signed by another
    key, for another client, from another issuer, expired, or without the nonce we sent."""
    try:
        token = _client(provider).authorize_access_token(
            request,
            claims_options=id_token_rules(provider),
            leeway=CLOCK_LEEWAY_SECONDS,
        )
    except MismatchingStateError as error:
        raise SignInRefused("state") from error
    except OAuthError as error:
        raise SignInRefused("provider_error") from error
    except JoseError as error:
        raise SignInRefused(_claim_reason(error)) from error
    except (requests.RequestException, ValueError, RuntimeError) as error:
        raise SignInRefused("provider_unreachable") from error
    if not token.get("userinfo") or not token.get("id_token"):
        raise SignInRefused("token")
    return dict(token["userinfo"]), token["id_token"]


def _new_identity_user(
    request: HttpRequest, provider: Provider, claims: dict[str, Any]
) -> User | None:
    """Asks each app that defines `oidc_new_identity(request, provider, claims) -> User | None`
    on its AppConfig (an invitation being accepted) for the account of a person we do not know
    yet. The claims hold the person's identity in clear: a hook must not store them."""
    for config in apps.get_app_configs():
        hook = getattr(config, "oidc_new_identity", None)
        if hook is not None:
            user = hook(request, provider.key, claims)
            if user is not None:
                return user
    return None


def _account_for(
    request: HttpRequest, provider: Provider, claims: dict[str, Any], subject: str, acr: str
) -> User:
    """The account this person signs in to, inside the caller's transaction: a linked identity,
    or one an app makes for an invitation (then linked). Refused: nobody, or a role the provider
    is not opened to (the transaction is then rolled back, so nothing is created)."""
    user = identity_user(provider=provider.key, subject=subject)
    if user is None:
        user = _new_identity_user(request, provider, claims)
        if user is None:
            raise SignInRefused("unknown", acr=acr)
        try:
            identity_link(user=user, provider=provider.key, subject=subject)
        except ValidationError as error:
            # Linked already, to an account that is no longer active.
            raise SignInRefused("unknown", acr=acr) from error
    roles = user_sign_in_roles(user=user) & set(provider.roles)
    if not roles:
        raise SignInRefused("role", acr=acr, user=user)
    if not provider.acr_accepted(acr, roles):
        raise SignInRefused("acr", acr=acr, user=user)
    return user


def _logout_key() -> bytes:
    digest = salted_hmac("coordination.oidc.logout", "", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def sign_in_complete(request: HttpRequest, provider: Provider) -> User:
    """The callback: checks everything, signs the person in and audits it. Raises SignInRefused
    (the caller audits that) with nothing created."""
    claims, id_token = id_token_claims(request, provider)
    acr = str(claims.get("acr") or "")
    subject = claims.get(provider.claim)
    if not isinstance(subject, str) or not subject:
        raise SignInRefused("claim", acr=acr)
    if not provider.acr_accepted(acr, set()):
        raise SignInRefused("acr", acr=acr)
    with transaction.atomic():
        user = _account_for(request, provider, claims, subject, acr)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if provider.asserts_level:
        request.session[STRONG_AUTH_SESSION_KEY] = {
            "method": "oidc",
            "provider": provider.key,
            "acr": acr,
        }
    request.session[LOGOUT_SESSION_KEY] = {
        "provider": provider.key,
        "hint": Fernet(_logout_key()).encrypt(id_token.encode()).decode(),
    }
    sign_in_record(user=user, method="oidc", success=True, provider=provider.key, acr=acr)
    return user


def provider_logout_url(request: HttpRequest, signed_in: dict | None) -> str | None:
    """Where the browser ends the provider's session too (OpenID Connect RP-Initiated Logout),
    for a session that signed in at a provider that offers it; None otherwise. Read before the
    session is flushed."""
    if not isinstance(signed_in, dict):
        return None
    provider = provider_for(str(signed_in.get("provider", "")))
    if provider is None:
        return None
    try:
        endpoint = _client(provider).load_server_metadata().get("end_session_endpoint")
        hint = Fernet(_logout_key()).decrypt(str(signed_in.get("hint", "")).encode()).decode()
    except (requests.RequestException, ValueError, InvalidToken):
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": hint,
            "client_id": provider.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{endpoint}?{query}"
