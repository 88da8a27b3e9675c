from django.http import HttpRequest

from .selectors import unread_notification_count


def notifications(request: HttpRequest) -> dict[str, int]:
    """The unread count in the header (one COUNT query on pages for logged-in people)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_notification_count(user=user)}
