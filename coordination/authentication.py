"""The API's credentials (settings: REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]).

Kept apart from coordination.rest: DRF's views load the authentication classes from its settings
while being imported, and coordination.rest imports those views.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from .models import User


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <t>` with django-rest-knox: the token is looked up by its digest,
    and an expired one is deleted and refused (401) like a revoked or unknown one."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        # A header is Latin-1; knox decodes the token as UTF-8 and would answer a 500.
        try:
            token.decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """The token presented only: expired, it is deleted and refused. knox would also read
        every other token of its owner on each call, to delete the expired ones among them: a
        query a call, for what api_token_create (at the owner's next login) and the hourly
        beat task (api_tokens_expired_delete) do already."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        auth_token.delete()
        return True
