from collections.abc import Iterable
from datetime import time

from django import template

from ..models import Translatable

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
