"""The OpenAPI schema generator of the API (settings: REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

Kept out of coordination.rest: DRF's settings import that module (for the pagination class) and
drf-spectacular's generator imports DRF's settings, so the generator cannot be imported there.
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .authentication import TokenAuthentication
from .rest import PAGE_PARAMETERS, PAGES


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema names coordination.authentication.TokenAuthentication."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An expiring token from /api/v1/auth/token/, sent as "Token <token>".',
        }


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, plus `page` and `page_size` on every operation whose 200 is declared
    with page_of (drf-spectacular adds them only to generic list views)."""

    def get_override_parameters(self) -> list[Any]:
        parameters = super().get_override_parameters()
        responses = self.get_response_serializers()
        ok = responses.get(200) if isinstance(responses, dict) else responses
        if self.method == "GET" and ok in PAGES:
            # First, so that a view's own declaration of them (the finder's) wins.
            return [*PAGE_PARAMETERS, *parameters]
        return parameters
