"""A start meeting on Sara's case next week, proposed by the ungdomshjelper and waiting for
Sara to choose who comes; and a meeting on Jonas' case where Jonas (13) has said whether he
wants his father there, for his father to decide. Idempotent: an existing meeting with the
title is left alone."""

from datetime import date, datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from cases.demo import JONAS_CASE, SARA_CASE
from cases.models import Case
from coordination.models import User

from .models import AgendaItem, GuardiansQuestion, Meeting
from .services import agenda_item_add, guardians_wish_give, meeting_create

DEMO_TITLE = "Oppstartsmøte med Sara"
JONAS_TITLE = "Samarbeidsmøte om Jonas"


@transaction.atomic
def seed_meetings(*, users: dict[str, User], today: date, stdout: TextIO) -> None:
    _seed_jonas(users=users, today=today, stdout=stdout)
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


def _seed_jonas(*, users: dict[str, User], today: date, stdout: TextIO) -> None:
    case = Case.objects.get(title=JONAS_CASE, youth=users["jonas"])
    meeting = Meeting.objects.filter(case=case, title=JONAS_TITLE).first()
    if meeting is None:
        meeting = meeting_create(
            case=case,
            actor=users["barnevern"],
            title=JONAS_TITLE,
            kind=Meeting.Kind.FOLLOW_UP,
            starts_at=timezone.make_aware(datetime.combine(today + timedelta(days=9), time(13, 0))),
            place="Skolen, grupperom 1",
            attendees=[users["laerer"], users["helsesykepleier"]],
        )
    if not GuardiansQuestion.objects.filter(meeting=meeting).exists():
        guardians_wish_give(
            meeting=meeting,
            actor=users["jonas"],
            wish=GuardiansQuestion.Wish.NO,
            why="Jeg vil prøve å si det selv først.",
        )
    stdout.write("Meetings: Jonas has said whether he wants his father at a meeting")
