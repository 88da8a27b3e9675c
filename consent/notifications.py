"""The notification kinds of sharing, consent and guardianship (registered in apps.py)."""

from django.utils.translation import gettext_lazy as _

from coordination.notifications import NotificationKind

ENTRY_SHARED = NotificationKind(
    "entry_shared",
    _("Something about you was shared"),
    _("Something about you was shared with a helper. See who knows what in Sammen."),
)
ENTRY_RECEIVED = NotificationKind(
    "entry_received",
    _("You received information"),
    _("You have received new information in Sammen."),
)
MESSAGE_RECEIVED = NotificationKind(
    "message_received",
    _("New message"),
    _("You have a new message in Sammen."),
)
CONSENT_REQUESTED = NotificationKind(
    "consent_requested",
    _("A request needs your answer"),
    _("A request to share information needs your answer in Sammen."),
)
CONSENT_DECIDED = NotificationKind(
    "consent_decided",
    _("A request was answered"),
    _("A request you made has been answered in Sammen."),
)
DISCLOSURE_WITHDRAWN = NotificationKind(
    "disclosure_withdrawn",
    _("Access was ended"),
    _("Access to some information has ended. See Sammen for details."),
)
DISCLOSURE_EXPIRED = NotificationKind(
    "disclosure_expired",
    _("Sharing ended by itself"),
    _(
        "Something was shared for a set time, and that time has run out. It can no longer be "
        "seen. See Sammen for details."
    ),
)
GUARDIANSHIP_ENDED = NotificationKind(
    "guardianship_ended",
    _("A guardianship was ended"),
    _("Someone is no longer registered as your guardian in Sammen. See your home page."),
)
GUARDIAN_LEFT_YOUTH_DECIDES = NotificationKind(
    "guardian_left_youth_decides",
    _("A guardian left your team: you decide"),
    _("A guardian has left your team in Sammen. You decide yourself who may see what."),
)
GUARDIAN_LEFT_GUARDIANS_DECIDE = NotificationKind(
    "guardian_left_guardians_decide",
    _("A guardian left your team: your other guardians decide"),
    _(
        "A guardian has left your team in Sammen. The guardians still on your team decide "
        "about sharing where you are too young to decide. See who on your home page."
    ),
)
GUARDIAN_LEFT_NOBODY_DECIDES = NotificationKind(
    "guardian_left_nobody_decides",
    _("A guardian left your team: nobody can approve sharing now"),
    _(
        "A guardian has left your team in Sammen. Nobody can approve sharing now where you "
        "are too young to decide, until a guardian is on your team again."
    ),
)
CASE_CLOSED = NotificationKind(
    "case_closed",
    _("A case was closed"),
    _(
        "A case you are on was closed in Sammen. Helpers can no longer see what was shared "
        "with them. See the case page for the summary."
    ),
)
CASE_REOPENED = NotificationKind(
    "case_reopened",
    _("A case was opened again"),
    _("A closed case you are on was opened again in Sammen. See the case page."),
)
FOLLOW_UP_DUE = NotificationKind(
    "follow_up_due",
    _("Time for a follow-up"),
    _("Today is the follow-up date you set when you closed a case in Sammen."),
)

PARTICIPANT_LEFT = NotificationKind(
    "participant_left",
    _("Someone left the team"),
    _("Someone has left the team on a case in Sammen. See who on the case page."),
)
# What turning 18 changes, for the young person themself, in plain words.
YOUTH_ADULT_YOU = NotificationKind(
    "youth_adult_you",
    _("You are 18 now"),
    _(
        "You are 18 now. Your parents or guardians are no longer part of your case and can "
        "no longer see anything in it. You decide yourself what is shared, and with whom."
    ),
)
YOUTH_ADULT = NotificationKind(
    "youth_adult",
    _("The young person has turned 18"),
    _(
        "The young person on a case you are part of has turned 18. Guardians are no longer "
        "part of the case and can no longer see anything in it."
    ),
)

ENTRY_OPENED = NotificationKind(
    "entry_opened",
    _("Someone opened something you watch"),
    _("Someone opened something about you that you asked to hear about. See who in Sammen."),
)

SHARE_WAITING = NotificationKind(
    "share_waiting",
    _("Something waits for you to read it"),
    _(
        "A helper wants to share something about you under your sharing rules. It waits until "
        "you have read it. See Sammen."
    ),
)
HELD_SHARE_WITHDRAWN = NotificationKind(
    "held_share_withdrawn",
    _("A waiting share was stopped"),
    _("Something you shared was waiting to be read first and will not be shared. See Sammen."),
)
# A legal duty overrides a block: the young person is told at once; who, what and the written
# justification are on who-knows-what, not in the message.
BLOCKED_SHARE_LEGAL_DUTY = NotificationKind(
    "blocked_share_legal_duty",
    _("Something was shared with someone you blocked"),
    _(
        "A helper shared something about you with a person you blocked, because the law "
        "requires it. See who, what and why in Sammen."
    ),
)


KINDS = (
    SHARE_WAITING,
    HELD_SHARE_WITHDRAWN,
    BLOCKED_SHARE_LEGAL_DUTY,
    ENTRY_OPENED,
    PARTICIPANT_LEFT,
    YOUTH_ADULT_YOU,
    YOUTH_ADULT,
    ENTRY_SHARED,
    ENTRY_RECEIVED,
    MESSAGE_RECEIVED,
    CONSENT_REQUESTED,
    CONSENT_DECIDED,
    DISCLOSURE_WITHDRAWN,
    DISCLOSURE_EXPIRED,
    GUARDIANSHIP_ENDED,
    GUARDIAN_LEFT_YOUTH_DECIDES,
    GUARDIAN_LEFT_GUARDIANS_DECIDE,
    GUARDIAN_LEFT_NOBODY_DECIDES,
    CASE_CLOSED,
    CASE_REOPENED,
    FOLLOW_UP_DUE,
)
