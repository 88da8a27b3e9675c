"""Invitation tokens. The token is Django's salted_hmac (keyed by SECRET_KEY) of a random nonce
stored on the invitation; only its SHA-256 is stored beside it, for the lookup. So the outbox
can derive the link when it sends, and the database alone opens nothing."""

import hashlib
import secrets

from django.utils.crypto import salted_hmac

SALT = "sammen.cases.invitation"
NONCE_BYTES = 32


def nonce_new() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


def token_for(nonce: str) -> str:
    return salted_hmac(SALT, nonce, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
