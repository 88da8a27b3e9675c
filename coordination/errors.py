"""Domain errors: what a service refuses, in words of the domain and nothing of HTTP.

Services and selectors raise these (or Django's own PermissionDenied, ValidationError and
ObjectDoesNotExist); `coordination.rest.exception_handler` turns them into an API answer and
`coordination.pages.attempt` into a message on the page.
"""


class StateConflict(Exception):
    """The action is allowed but the object's current state forbids it (e.g. approved twice);
    the API answers 409 with the message."""
