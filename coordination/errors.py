"""Domain errors: what a service refuses, in words of the domain and nothing of HTTP.

Services and selectors raise these (or Django's own PermissionDenied, ValidationError and
ObjectDoesNotExist); `coordination.rest.exception_handler` turns them into an API answer and
`coordination.pages.attempt` into a message on the page.
"""


class StateConflict(Exception):
    """The action is allowed but the object's current state forbids it (e.g. approved twice);
    the API answers 409 with the message, and with `code` when a subclass names one a client
    can act on (consent's "blocked")."""

    code: str | None = None


# No silent last-write-wins: a writer names the version they started from (the youth the version
# of the minutes they read), and a write on top of a version they did not see is refused with
# both versions, writing nothing. The API answers 409 {"detail", "yours", "current"}; pages show
# the message.
class VersionConflict(StateConflict):
    def __init__(self, message: str, *, yours: int, current: int) -> None:
        super().__init__(message)
        self.yours = yours
        self.current = current


def require_version(*, yours: int | None, current: int, message: str) -> None:
    """`message` may use %(yours)d and %(current)d. A writer who names no version (an API
    client from before versions were carried) writes as before; the pages always name one."""
    if yours is not None and yours != current:
        raise VersionConflict(
            message % {"yours": yours, "current": current}, yours=yours, current=current
        )
