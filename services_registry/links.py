"""Links to the catalogue's public pages."""

from collections.abc import Callable
from uuid import UUID

from django.urls import reverse

_MARKER = UUID(int=0)


def service_page_url() -> Callable[[UUID], str]:
    """`reverse("services_registry:service-detail", args=[service_id])` for a page of results at
    the price of one `reverse` (20 of them were ~5 % of a finder page's CPU): the path is a fixed
    start and end around the id, a UUID, which has nothing to quote. Made per request, as
    `reverse` reads the request's script prefix."""
    start, end = reverse("services_registry:service-detail", args=[_MARKER]).split(str(_MARKER))
    return lambda service_id: f"{start}{service_id}{end}"
