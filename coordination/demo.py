"""The demo personas of docs/architecture.md §10. Ages are computed from today's date."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .ages import born_by
from .models import Guardianship, User
from .services import guardianship_set

CATALOGUE_EDITORS = "Katalogredaktører"
MUNICIPAL_ADMINS = "Kommuneadministratorer"
# Helpers who may open cases (cases.open_case); two-factor applies to them outside DEBUG.
HELPERS = "Hjelpere"
# (guardian, youth): the parents the municipality has registered (docs/architecture.md §10).
GUARDIANSHIPS = [("mor", "sara"), ("far", "jonas")]
GUARDIANSHIP_REASON = "Foreldreansvar etter Folkeregisteret (demodata)."


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    age: int | None = None
    email_domain: str = "sammen.localhost"
    # What a young person choosing an ungdomshjelper reads about this person.
    presentation: str = ""


PERSONAS = [
    Persona("sara", "Sara Nilsen", age=16),
    Persona("jonas", "Jonas Berg", age=13),
    Persona("mor", "Hilde Nilsen"),
    Persona("far", "Per Berg"),
    Persona(
        "laerer",
        "Ole Hansen",
        presentation="Jeg er kontaktlærer på ungdomsskolen og har vært lærer i tolv år. "
        "Jeg spiller fotball på fritiden. Du kan snakke med meg etter timen eller skrive til meg.",
    ),
    Persona(
        "helsesykepleier",
        "Kari Nordmann",
        presentation="Jeg er helsesykepleier på skolen. Du kan komme innom kontoret mitt uten "
        "avtale på tirsdager og torsdager. Jeg har taushetsplikt.",
    ),
    Persona(
        "bup",
        "Ahmed Khan",
        presentation="Jeg er psykolog på BUP. Jeg liker å prate mens vi går en tur, "
        "hvis du vil det.",
    ),
    Persona(
        "barnevern",
        "Ingrid Lie",
        presentation="Jeg jobber i barnevernstjenesten og har hjulpet mange ungdommer og "
        "familier. Jeg vil høre hva du mener, og jeg sier det rett ut hvis jeg er bekymret.",
    ),
    Persona(
        "nav",
        "Marius Dahl",
        presentation="Jeg er veileder på NAV og hjelper unge med skole, jobb og penger.",
    ),
    Persona(
        "helsestasjon",
        "Linn Aas",
        presentation="Jeg er helsesykepleier på Helsestasjon for ungdom. Du kan komme innom "
        "uten avtale, og du trenger ikke si hvem du er.",
    ),
    Persona(
        "ungdomshjelper",
        "Nora Bakken",
        presentation="Jeg er ungdomshjelper i kommunen. Jobben min er å holde oversikten for "
        "deg, så du slipper å fortelle det samme til alle. Jeg svarer på meldinger samme dag.",
    ),
    Persona("admin", "Kommuneadministrator"),
]


def birth_date_for_age(age: int, *, today: date) -> date:
    """A birthday about four months ago, so the persona has this age for a good while."""
    return born_by(today=today - timedelta(days=120), years=age)


@transaction.atomic
def personas_ensure(*, password: str, today: date) -> dict[str, User]:
    """Creates or refreshes every persona; running it again changes nothing but the password."""
    users = {}
    # Hashed once for all the personas, who share it: a hash costs ~0.4 s of CPU (PBKDF2), and
    # twelve of them were most of the time a second `make run` took to answer.
    password_hash = make_password(password)
    for persona in PERSONAS:
        user, _created = User.objects.update_or_create(
            username=persona.username,
            defaults={
                "display_name": persona.display_name,
                "email": f"{persona.username}@{persona.email_domain}",
                "birth_date": birth_date_for_age(persona.age, today=today)
                if persona.age is not None
                else None,
                "is_staff": persona.username == "admin",
                "is_superuser": persona.username == "admin",
                "presentation": persona.presentation,
            },
        )
        user.password = password_hash
        user.save(update_fields=["password"])
        users[persona.username] = user
    editors, _ = Group.objects.get_or_create(name=CATALOGUE_EDITORS)
    municipal_admins, _ = Group.objects.get_or_create(name=MUNICIPAL_ADMINS)
    # Municipal admins register and end guardianships (never put anyone on a case).
    municipal_admins.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="coordination",
            codename__in=["add_guardianship", "change_guardianship", "view_guardianship"],
        )
    )
    users["admin"].groups.add(editors)
    for guardian, youth in GUARDIANSHIPS:
        if not Guardianship.objects.filter(
            youth=users[youth], guardian=users[guardian], ended_at=None
        ).exists():
            guardianship_set(
                youth=users[youth],
                guardian=users[guardian],
                reason=GUARDIANSHIP_REASON,
                actor=None,
            )
    return users
