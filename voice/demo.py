"""The municipal pool of youth coordinators: `ungdomshjelper` is in it, so Jonas (helpers from
three services, no ungdomshjelper yet) can choose her. Idempotent."""

from datetime import date
from typing import TextIO

from django.contrib.auth.models import Group
from django.db import transaction

from coordination.models import User

from .selectors import COORDINATORS_GROUP


@transaction.atomic
def seed_voice(*, users: dict[str, User], today: date, stdout: TextIO) -> None:
    coordinators, _created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    users["ungdomshjelper"].groups.add(coordinators)
    stdout.write(f"Youth coordinators: {users['ungdomshjelper']} in «{COORDINATORS_GROUP}»")
