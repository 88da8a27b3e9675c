"""The local OpenID providers of scripts/oidc_providers.sh (tests/oidc_provider/), as Sammen's
settings name them, and a person signing in at one of them over plain HTTP."""

import os
import uuid
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

IDPORTEN_URL = f"http://127.0.0.1:{os.environ.get('SAMMEN_OIDC_IDPORTEN_PORT', '9414')}"
KOMMUNE_URL = f"http://127.0.0.1:{os.environ.get('SAMMEN_OIDC_KOMMUNE_PORT', '9415')}"
PASSWORD = "test-passord"
SECRET = os.environ.get("OIDC_CLIENT_SECRET", "sammen-test-secret")
# The test people (tests/oidc_provider/provider/management/commands/provider_seed.py).
PID_IDA = "24079400001"
PID_LOW = "24079400002"
PID_UNKNOWN = "24079400003"
PID_HIGH = "24079400004"
HELPER_KARI = "kari.bup"


def kommune_oid(username: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kommune:{username}"))


def provider_settings(**idporten: object) -> dict:
    """SAMMEN_OIDC_PROVIDERS for both test providers; keyword arguments change ID-porten's."""
    return {
        "idporten": {
            "key": "idporten",
            "label": "",
            "issuer": f"{IDPORTEN_URL}/o",
            "discovery_url": f"{IDPORTEN_URL}/o/.well-known/openid-configuration",
            "client_id": "sammen",
            "client_secret": SECRET,
            "token_auth_method": "client_secret_basic",
            "scopes": "openid profile",
            "claim": "pid",
            "roles": ["youth", "guardian"],
            "acr_values": ["idporten-loa-substantial", "idporten-loa-high"],
            "acr_by_role": {},
            **idporten,
        },
        "kommune": {
            "key": "kommune",
            "label": "",
            "issuer": f"{KOMMUNE_URL}/o",
            "discovery_url": f"{KOMMUNE_URL}/o/.well-known/openid-configuration",
            "client_id": "sammen",
            "client_secret": SECRET,
            "token_auth_method": "client_secret_post",
            "scopes": "openid profile",
            "claim": "oid",
            "roles": ["helper", "staff"],
            "acr_values": [],
            "acr_by_role": {},
        },
    }


def log_in_at_provider(
    authorize_url: str, username: str, browser: requests.Session | None = None
) -> tuple[str, requests.Session]:
    """What a person's browser does at the provider: follows Sammen's redirect, logs in on the
    provider's own page when asked, and comes back. Returns the callback URL (code and state)
    and the provider-side browser session."""
    browser = browser or requests.Session()
    response = browser.get(authorize_url, allow_redirects=False)
    if "/accounts/login/" in response.headers.get("Location", ""):
        login_url = urljoin(authorize_url, response.headers["Location"])
        browser.get(login_url)
        csrf = next(value for name, value in browser.cookies.items() if "csrftoken" in name)
        response = browser.post(
            login_url,
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
        back = urljoin(login_url, response.headers["Location"])
        response = browser.get(back, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"], browser


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
