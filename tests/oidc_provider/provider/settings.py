"""Settings of one local OpenID provider; OIDC_PROVIDER_FLAVOR picks which one.

- `idporten`: like ID-porten, identifies a person by `pid` and says how strongly they signed in
  (`acr`, idporten-loa-substantial unless the person is in ACR_BY_USER).
- `kommune`: like a municipality's Entra ID, identifies a person by `oid` (and `sub`).

Each process makes its own RSA key and secret key at start (nothing is committed) and keeps its
data in its own PostgreSQL database on the test server. Its cookies have their own names: cookies
are per host, not per port, and Sammen runs on the same loopback host.
"""

import os
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

FLAVOR = os.environ.get("OIDC_PROVIDER_FLAVOR", "idporten")
if FLAVOR not in ("idporten", "kommune"):
    raise SystemExit("OIDC_PROVIDER_FLAVOR must be idporten or kommune")
PORT = os.environ.get("OIDC_PROVIDER_PORT", "9414" if FLAVOR == "idporten" else "9415")
HOST = os.environ.get("OIDC_PROVIDER_HOST", "127.0.0.1")

SECRET_KEY = secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "provider.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
    "provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": f"sammen_oidc_{FLAVOR}",
        "USER": "sammen",
        "PASSWORD": os.environ.get("OIDC_PROVIDER_DB_PASSWORD", "sammen"),
        "HOST": "127.0.0.1",
        "PORT": os.environ.get("SAMMEN_PG_PORT", "54329"),
    }
}
# A test double: its people's passwords and Sammen's client secret (django-oauth-toolkit hashes
# it) are hashed with MD5. The default PBKDF2 costs ~0.5 s of CPU a hash, paid for each person and
# client at every start and at every sign-in and token request of the tests (12 s of the provider's
# CPU for tests/coordination/test_oidc.py alone).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_NAME = f"oidc_{FLAVOR}_session"
CSRF_COOKIE_NAME = f"oidc_{FLAVOR}_csrftoken"
LOGIN_URL = "/accounts/login/"

_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode(),
    "OIDC_ISS_ENDPOINT": f"http://{HOST}:{PORT}/o",
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "profile": "Name"},
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "provider.validator.Validator",
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    # Sammen's tests run on loopback with a port chosen at random (RFC 8252 section 7.3).
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
}

# The level of assurance a person reaches at the ID-porten-like provider; everyone else reaches
# idporten-loa-substantial.
ACR_BY_USER = {"24079400002": "idporten-loa-low", "24079400004": "idporten-loa-high"}
