"""The notification kinds of meetings (registered in apps.py)."""

from django.utils.translation import gettext_lazy as _

from coordination.notifications import NotificationKind

MEETING_INVITED = NotificationKind(
    "meeting_invited",
    _("Meeting invitation"),
    _("You are invited to a meeting. See Sammen for details."),
)
MEETING_CHANGED = NotificationKind(
    "meeting_changed",
    _("Meeting changed"),
    _("A meeting you are invited to has been changed. See Sammen for details."),
)
MEETING_CANCELLED = NotificationKind(
    "meeting_cancelled",
    _("Meeting cancelled"),
    _("A meeting you were invited to has been cancelled. See Sammen for details."),
)
AGENDA_PUBLISHED = NotificationKind(
    "agenda_published",
    _("Meeting agenda published"),
    _("The agenda for a meeting is ready in Sammen."),
)
MINUTES_FOR_REVIEW = NotificationKind(
    "minutes_for_review",
    _("Minutes to review"),
    _("Minutes from a meeting are ready for you to review in Sammen."),
)
ACTION_ITEM_DUE = NotificationKind(
    "action_item_due",
    _("Task due"),
    _("A task you are responsible for is due soon. See Sammen."),
)

EVALUATION_INVITED = NotificationKind(
    "evaluation_invited",
    _("How was the meeting?"),
    _("A meeting is over. Tell us what you thought in Sammen. You can answer anonymously."),
)
EVALUATION_REMINDED = NotificationKind(
    "evaluation_reminded",
    _("How was the meeting? (reminder)"),
    _("You can still tell us what you thought of a meeting in Sammen. You can answer anonymously."),
)
GUARDIANS_WISH_GIVEN = NotificationKind(
    "guardians_wish_given",
    _("Decide whether you come to a meeting"),
    _("The young person has answered whether they want you at a meeting. Decide in Sammen."),
)
GUARDIANS_DECIDED = NotificationKind(
    "guardians_decided",
    _("Your guardians and the meeting"),
    _("It has been decided whether your guardians come to a meeting. See Sammen."),
)

KINDS = (
    MEETING_INVITED,
    MEETING_CHANGED,
    MEETING_CANCELLED,
    AGENDA_PUBLISHED,
    MINUTES_FOR_REVIEW,
    ACTION_ITEM_DUE,
    EVALUATION_INVITED,
    EVALUATION_REMINDED,
    GUARDIANS_WISH_GIVEN,
    GUARDIANS_DECIDED,
)
