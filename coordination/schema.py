"""The OpenAPI schema generator of the API (settings: REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

Kept out of coordination.rest: DRF's settings import that module (for the pagination class) and
drf-spectacular's generator imports DRF's settings, so the generator cannot be imported there.
"""

from typing import Any

from drf_spectacular import openapi

from .rest import PAGE_PARAMETERS, PAGES


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
