"""The notification kinds of the young person's voice (registered in apps.py)."""

from django.utils.translation import gettext_lazy as _

from coordination.notifications import NotificationKind

UNGDOMSHJELPER_CHOSEN = NotificationKind(
    "ungdomshjelper_chosen",
    _("Chosen as youth coordinator"),
    _("A young person has chosen you as their youth coordinator in Sammen."),
)
UNGDOMSHJELPER_CHANGED = NotificationKind(
    "ungdomshjelper_changed",
    _("No longer youth coordinator"),
    _("A young person has chosen a new youth coordinator: you are no longer theirs. See Sammen."),
)
REMARK_MADE = NotificationKind(
    "remark_made",
    _("A comment on something you wrote"),
    _("The young person commented on something you wrote in Sammen."),
)
REMARK_ANSWERED = NotificationKind(
    "remark_answered",
    _("Your comment was answered"),
    _("Your comment has been answered in Sammen."),
)
ENTRY_CORRECTED = NotificationKind(
    "entry_corrected",
    _("Information was corrected"),
    _("Information you can see has been corrected in Sammen."),
)

ROOM_MESSAGE = NotificationKind(
    "room_message",
    _("A new message in a room"),
    _("There is a new message for you in a room in Sammen."),
)
ROOM_ADDED = NotificationKind(
    "room_added",
    _("You were added to a room"),
    _("A young person has added you to a room in Sammen."),
)
ROOM_REMOVED = NotificationKind(
    "room_removed",
    _("You are no longer in a room"),
    _("A young person has taken you out of a room in Sammen."),
)
ROOM_LEFT = NotificationKind(
    "room_left",
    _("Someone left a room"),
    _("Someone has left one of your rooms in Sammen."),
)
PLAN_STEP_ADDED = NotificationKind(
    "plan_step_added",
    _("A helper added a step to your plan"),
    _("One of your helpers wrote in your plan what they will do. See Sammen."),
)
PLAN_STEP_COMMENTED = NotificationKind(
    "plan_step_commented",
    _("A comment on a step you own"),
    _("The young person commented on a step in their plan that you do. See Sammen."),
)
PLAN_STEP_DUE = NotificationKind(
    "plan_step_due",
    _("A step in a plan is due"),
    _("A step you do in a young person's plan is due soon or overdue. See Sammen."),
)

CHECK_IN_DUE = NotificationKind(
    "check_in_due",
    _("Time to get in touch"),
    _("Today you get in touch with a young person, as you agreed. See Sammen."),
)

KINDS = (
    UNGDOMSHJELPER_CHOSEN,
    UNGDOMSHJELPER_CHANGED,
    REMARK_MADE,
    REMARK_ANSWERED,
    ENTRY_CORRECTED,
    ROOM_MESSAGE,
    ROOM_ADDED,
    ROOM_REMOVED,
    ROOM_LEFT,
    PLAN_STEP_ADDED,
    PLAN_STEP_COMMENTED,
    PLAN_STEP_DUE,
    CHECK_IN_DUE,
)
