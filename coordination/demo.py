"""The demo personas of docs/architecture.md §10. Ages are computed from today's date."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User

CATALOGUE_EDITORS = "Katalogredaktører"
MUNICIPAL_ADMINS = "Kommuneadministratorer"


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    age: int | None = None
    email_domain: str = "sammen.localhost"


PERSONAS = [
    Persona("sara", "Sara Nilsen", age=16),
    Persona("jonas", "Jonas Berg", age=13),
    Persona("mor", "Hilde Nilsen"),
    Persona("far", "Per Berg"),
    Persona("laerer", "Ole Hansen"),
    Persona("helsesykepleier", "Kari Nordmann"),
    Persona("bup", "Ahmed Khan"),
    Persona("barnevern", "Ingrid Lie"),
    Persona("nav", "Marius Dahl"),
    Persona("ungdomshjelper", "Nora Bakken"),
    Persona("admin", "Kommuneadministrator"),
]


def birth_date_for_age(age: int, *, today: date) -> date:
    """A birthday about four months ago, so the persona has this age for a good while."""
    past_birthday = today - timedelta(days=120)
    try:
        return past_birthday.replace(year=past_birthday.year - age)
    except ValueError:  # 29 February
        return past_birthday.replace(year=past_birthday.year - age, day=28)


@transaction.atomic
def personas_ensure(*, password: str, today: date) -> dict[str, User]:
    """Creates or refreshes every persona; running it again changes nothing but the password."""
    users = {}
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
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users[persona.username] = user
    editors, _ = Group.objects.get_or_create(name=CATALOGUE_EDITORS)
    Group.objects.get_or_create(name=MUNICIPAL_ADMINS)
    users["admin"].groups.add(editors)
    return users
