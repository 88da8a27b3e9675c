"""The one place where a request value becomes a number, and where a NUL byte is refused.

Python's own `int()` and `str.isdigit()` accept more than a form or URL should carry ("²" passes
`isdigit()` and then fails `int()`, "١٢" is twelve, a thousand digits is a slow number PostgreSQL
cannot store). Ids and page numbers from a request go through `parse_id` and `parse_page`, which
take only ASCII digits in PostgreSQL's bigint range. PostgreSQL refuses a NUL character in text,
so `RejectNulMiddleware` (coordination.middleware) turns any NUL into a 400 before a view runs.
"""

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import gettext as _

# Every model's id is a BigAutoField (PostgreSQL bigint).
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
# Far beyond any list; Django's paginator shows the last page for a number past the end.
MAX_PAGE = 1_000_000


class InvalidInput(BadRequest):
    """A request value that no correct page or client sends; answered with a 400."""


def parse_id(value: object) -> int | None:
    """`value` as an id (1 to the bigint maximum, ASCII digits only), None for anything else."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def parse_page(value: object) -> int:
    """A `?page=` number; anything that is not one gives the first page."""
    number = parse_id(value)
    return number if number is not None and number <= MAX_PAGE else 1


def posted_id(request: HttpRequest, name: str) -> int:
    """The id a form posted in field `name`; InvalidInput (a 400) when it is not an id."""
    number = parse_id(request.POST.get(name))
    if number is None:
        raise InvalidInput(_("The form sent something that is not a valid choice."))
    return number
