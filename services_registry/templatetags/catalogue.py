from collections.abc import Iterable
from datetime import time

from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..models import Translatable
from ..opening import Day

register = template.Library()


@register.filter
def localized(obj: Translatable, field: str) -> str:
    """{{ service|localized:"name" }}: the English text when English is active and given."""
    return obj.localized(field)


@register.filter
def hours(periods: Iterable[tuple[time, time]]) -> str:
    """{{ today.periods|hours }}: "08:00-16:00, 18:00-20:00" (an en dash in each). One filter
    for the whole day instead of a `time` filter per bound: each of those looks up the active
    language's formats, and the finder shows a day for each of 20 services."""
    return ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in periods)


@register.filter
def today_line(today: Day) -> SafeString:
    """{{ today|today_line }}: the day's line of a result card and of the service page (its
    hours today, or closed and why, and an exception's note), byte for byte as the template it
    replaces wrote it. A filter, because the finder shows it on each of 20 cards, and the
    include of a template (its own render, its own translation lookups) cost more than the
    rest of a card."""
    if today.periods:
        line = format_html("{} {}", gettext("Today:"), hours(today.periods))
    elif today.holiday:
        # As blocktranslate wrote it: the holiday's name escaped, the translation not.
        line = mark_safe(  # noqa: S308
            gettext("Closed today (%(holiday)s)") % {"holiday": conditional_escape(today.holiday)}
        )
    else:
        line = escape(gettext("Closed today"))
    note = today.exception.localized("description") if today.exception else ""
    if note:
        line = format_html("{} – {}", line, note)
    return format_html('<p class="today-hours">{}</p>\n', line)
