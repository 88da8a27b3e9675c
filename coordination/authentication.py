"""The API's credentials (settings: REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]).

Kept apart from coordination.rest: DRF's views load the authentication classes from its settings
while being imported, and coordination.rest imports those views.
"""

import binascii
from hmac import compare_digest

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from .models import User
from .statements import CompiledRead, Slot


def tokens_with_key(*, token_key: str) -> "QuerySet[AuthToken]":
    """The tokens a presented token may be (knox finds it by its first characters), each with
    its owner: knox's own read."""
    return AuthToken.objects.filter(token_key=token_key).select_related("user")


# Compiled once a process and prepared once a connection (coordination.statements): every API
# call with a token runs it. The sentinels are no key knox makes (it makes hex digits).
_TOKENS_WITH_KEY = CompiledRead(tokens_with_key, token_key=Slot("", "-"))


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <t>` with django-rest-knox: the token is looked up by its digest,
    and an expired one is deleted and refused (401) like a revoked or unknown one."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        # A header is Latin-1; knox decodes the token as UTF-8 and would answer a 500.
        msg = _("Invalid token.")
        try:
            presented = token.decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(msg) from None
        # knox's loop (knox.auth.TokenAuthentication.authenticate_credentials) over the
        # compiled read instead of a queryset built and compiled on every call.
        for auth_token in _TOKENS_WITH_KEY(token_key=presented[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(presented)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(msg) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(msg)

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """The token presented only: expired, it is deleted and refused. knox would also read
        every other token of its owner on each call, to delete the expired ones among them: a
        query a call, for what api_token_create (at the owner's next login) and the hourly
        beat task (api_tokens_expired_delete) do already."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        auth_token.delete()
        return True
