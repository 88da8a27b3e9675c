import uuid

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    # A claim not named here is silently dropped from the ID token.
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "pid": "openid",
        "acr": "openid",
        "oid": "openid",
        "name": "profile",
    }

    def get_additional_claims(self, request):
        user = request.user
        if settings.FLAVOR == "idporten":
            return {
                "pid": user.username,
                "acr": settings.ACR_BY_USER.get(user.username, "idporten-loa-substantial"),
            }
        return {
            "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"kommune:{user.username}")),
            "name": user.get_full_name(),
        }
