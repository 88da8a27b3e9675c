"""The notification kinds of referrals (registered in apps.py). What happened, never to whom
or what about: a referral to BUP says something about the young person's health."""

from django.utils.translation import gettext_lazy as _

from coordination.notifications import NotificationKind

REFERRAL_SENT = NotificationKind(
    "referral_sent",
    _("A referral was sent"),
    _("A referral has been sent in Sammen. See Sammen for details."),
)
REFERRAL_ACCEPTED = NotificationKind(
    "referral_accepted",
    _("A referral was accepted"),
    _("A referral has been accepted in Sammen. See Sammen for details."),
)
REFERRAL_DECLINED = NotificationKind(
    "referral_declined",
    _("A referral was answered no"),
    _("A referral has been answered no in Sammen. See Sammen for the reason and other help."),
)
REFERRAL_WITHDRAWN = NotificationKind(
    "referral_withdrawn",
    _("A referral was withdrawn"),
    _("A referral has been withdrawn in Sammen. See Sammen for details."),
)
REFERRAL_OVERDUE = NotificationKind(
    "referral_overdue",
    _("A referral has had no answer"),
    _("A referral has not been answered within the service's waiting time. See Sammen."),
)

KINDS = (
    REFERRAL_SENT,
    REFERRAL_ACCEPTED,
    REFERRAL_DECLINED,
    REFERRAL_WITHDRAWN,
    REFERRAL_OVERDUE,
)
