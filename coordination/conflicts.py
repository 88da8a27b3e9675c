"""No silent last-write-wins: a writer names the version they started from (the youth the
version of the minutes they read), and a write on top of a version they did not see is refused
with both versions, writing nothing. The API answers 409 `{"detail", "yours", "current"}`
(coordination.rest); pages show the message."""

from .rest import StateConflict


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
