"""iCalendar (RFC 5545) for one meeting or a person's feed. Only what a calendar needs: title,
time, place or video link and a link back; no agenda, minutes or case content, because calendar
programs copy events to servers outside Sammen."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from . import links
from .models import Meeting


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@sammen")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    url = settings.SAMMEN_BASE_URL.rstrip("/") + links.meeting(meeting)
    event.add("url", url)
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    description = "\n".join(filter(None, [meeting.video_link, url]))
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    return event


def calendar_bytes(meetings: Iterable[Meeting], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Sammen//meetings//NB")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    return calendar.to_ical()
