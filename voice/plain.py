"""Standing rules in plain words, for a 13-year-old ("Skolen kan se det som handler om skole")."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Entry, Participant
from consent.models import SharingRule

TOPICS = {
    Entry.Category.HEALTH: gettext_lazy("your health"),
    Entry.Category.MENTAL_HEALTH: gettext_lazy("how you feel inside (mental health)"),
    Entry.Category.SCHOOL: gettext_lazy("school"),
    Entry.Category.CHILD_WELFARE: gettext_lazy("child welfare"),
    Entry.Category.POLICE: gettext_lazy("the police"),
    Entry.Category.NAV: gettext_lazy("NAV and work"),
    Entry.Category.FAMILY: gettext_lazy("your family"),
    Entry.Category.GENERAL: gettext_lazy("general things on your case"),
}


def rule_who(rule: SharingRule) -> str:
    if rule.recipient_user is not None:
        return rule.recipient_user.name
    if rule.recipient_service is not None:
        return _("Everyone at %(service)s") % {"service": rule.recipient_service.name}
    if rule.recipient_role == Participant.Role.GUARDIAN:
        return _("Your parents or guardians")
    return _("All your helpers")


def rule_text(rule: SharingRule) -> str:
    text = _("%(who)s can see what is about %(topic)s.") % {
        "who": rule_who(rule),
        "topic": TOPICS[Entry.Category(rule.category)],
    }
    parts = [text]
    if rule.automatic:
        parts.append(_("New things are shared with them automatically."))
    if rule.until is not None:
        parts.append(_("Until %(date)s.") % {"date": formats.date_format(rule.until, "j. F Y")})
    return " ".join(parts)
