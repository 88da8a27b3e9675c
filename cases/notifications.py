"""The notification kinds of opening a case and bringing people onto it (registered in
apps.py). Texts say what happened, never what the case is about."""

from django.utils.translation import gettext_lazy as _

from coordination.models import Notification
from coordination.notifications import NotificationKind


def _invitation_link(notification: Notification) -> str:
    """The one-time link, derived when the e-mail or SMS is sent (never stored). Once the
    invitation is answered, withdrawn or expired, the message links to the notification page."""
    from .links import invitation_accept
    from .models import Invitation

    invitation = Invitation.objects.pending().filter(notification=notification).first()
    return invitation_accept(invitation) if invitation else notification.target_url


CASE_OPENED = NotificationKind(
    "case_opened",
    _("A case was opened for you"),
    _("A helper has opened a case for you in Sammen, so the people who help you can work "
      "together. You decide a lot about who sees what."),
)  # fmt: skip
INVITED = NotificationKind(
    "invited",
    _("You are invited to a case"),
    _("You are invited to a case in Sammen. The link works once and only for a few days."),
    link=_invitation_link,
)
PARTICIPANT_JOINED = NotificationKind(
    "participant_joined",
    _("Someone joined your team"),
    _("Someone new has joined the team around you in Sammen. See who on the team page."),
)

KINDS = (CASE_OPENED, INVITED, PARTICIPANT_JOINED)
