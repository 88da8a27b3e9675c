"""When a referral should have its answer: the service's stated waiting time, read from the
catalogue's free text ("2-4 uker", with a hyphen or a dash, "3 weeks", "14 dager"), the longest
figure it names; or settings.SAMMEN_REFERRAL_ANSWER_DAYS when the text names no time ("Samme
dag eller noen dager", empty). A pure function, so the page, the API and the sweep agree."""

import re
from datetime import datetime, timedelta

from django.conf import settings

from services_registry.models import Service

# Units a catalogue writes in bokmål, nynorsk or English, in days.
UNITS = {
    "dag": 1,
    "dager": 1,
    "døgn": 1,
    "day": 1,
    "days": 1,
    "uke": 7,
    "uker": 7,
    "veke": 7,
    "veker": 7,
    "week": 7,
    "weeks": 7,
    "måned": 30,
    "måneder": 30,
    "månad": 30,
    "månader": 30,
    "month": 30,
    "months": 30,
}
# A number, or a range with a hyphen or an en dash, and then a unit.
FIGURE = re.compile(r"(\d{1,3})(?:\s*[-\u2013]\s*(\d{1,3}))?\s*([a-zæøå]+)", re.IGNORECASE)
# Longer than this is a typing error, not a waiting time.
MAX_DAYS = 730


def wait_days(text: str) -> int | None:
    """The longest waiting time `text` names, in days; None if it names none."""
    longest = None
    for low, high, unit in FIGURE.findall(text or ""):
        days_each = UNITS.get(unit.lower())
        if days_each is None:
            continue
        days = int(high or low) * days_each
        if 0 < days <= MAX_DAYS:
            longest = max(longest or 0, days)
    return longest


def answer_due(*, service: Service, sent_at: datetime) -> datetime:
    days = wait_days(service.wait_time) or wait_days(service.wait_time_en)
    return sent_at + timedelta(days=days or settings.SAMMEN_REFERRAL_ANSWER_DAYS)
