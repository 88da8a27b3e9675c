"""A start meeting on Sara's case next week, proposed by the ungdomshjelper and waiting for
Sara to choose who comes. Idempotent: an existing meeting with the title is left alone."""

from datetime import date, datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from cases.demo import SARA_CASE
from cases.models import Case
from coordination.models import User

from .models import AgendaItem, Meeting
from .services import agenda_item_add, meeting_create

DEMO_TITLE = "Oppstartsmøte med Sara"


@transaction.atomic
def seed_meetings(*, users: dict[str, User], today: date, stdout: TextIO) -> None:
    case = Case.objects.get(title=SARA_CASE, youth=users["sara"])
    if Meeting.objects.filter(case=case, title=DEMO_TITLE).exists():
        return
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=7), time(14, 0)))
    meeting = meeting_create(
        case=case,
        actor=users["ungdomshjelper"],
        title=DEMO_TITLE,
        kind=Meeting.Kind.START,
        starts_at=starts,
        place="Helsestasjonen, møterom 2",
        attendees=[users[name] for name in ("mor", "helsesykepleier", "laerer", "bup")],
    )
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        agenda_item_add(
            meeting=meeting,
            actor=users["ungdomshjelper"],
            title="Hva ønsker Sara hjelp til?",
        )
    stdout.write("Meetings: a start meeting on Sara's case, waiting for Sara to choose who comes")
