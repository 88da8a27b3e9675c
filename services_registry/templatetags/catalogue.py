from collections.abc import Iterable
from datetime import time
from typing import Any

from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop

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


# A result card's badges after "open now" or "closed now": the service's flag and its word.
BADGES = (
    ("drop_in", gettext_noop("Drop in")),
    ("free", gettext_noop("Free")),
    ("anonymous", gettext_noop("Anonymous")),
    ("referral_required", gettext_noop("Needs a referral")),
)


@register.filter
def result_cards(results: Iterable[Any]) -> SafeString:
    """{{ results|result_cards }}: the finder's result cards (views.Result), byte for byte as
    the template loop they replace wrote them (tests/services_registry/test_result_cards.py
    compares the two). Written by Python: Django's template engine spent ~16 % of a result
    page's CPU on the 20 cards' tags, filters and variable lookups (benchmarks/README.md)."""
    facts = conditional_escape(gettext("Facts"))
    open_text = conditional_escape(gettext("Open now"))
    open_now = f'<li class="service-badge service-badge-open">{open_text}</li>'
    closed_now = f'<li class="service-badge">{conditional_escape(gettext("Closed now"))}</li>'
    badges = [
        (flag, f'<li class="service-badge">{conditional_escape(gettext(text))}</li>')
        for flag, text in BADGES
    ]
    cards = []
    for result in results:
        service = result.service
        lines = [open_now if result.open_now else closed_now]
        lines += [badge if getattr(service, flag) else "" for flag, badge in badges]
        description = Truncator(service.localized("description")).words(30, truncate=" …")
        cards.append(
            '\n  <li class="card service-card">\n'
            f'    <h3><a href="{conditional_escape(result.url)}">'
            f"{conditional_escape(service.localized('name'))}</a></h3>\n"
            '    <p class="service-org">'
            f"{conditional_escape(service.organization.localized('name'))}</p>\n"
            f'    <ul class="service-badges" aria-label="{facts}">\n'
            + "".join(f"      {line}\n" for line in lines)
            + "    </ul>\n"
            f"    <p>{conditional_escape(description)}</p>\n"
            f"    {today_line(result.today)}\n"
            "  </li>\n  "
        )
    # Every value above is escaped; the rest is this function's own markup.
    return mark_safe("".join(cards))  # noqa: S308
