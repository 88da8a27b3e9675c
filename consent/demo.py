"""Sara's sharing agreement of docs/architecture.md §10: exactly two standing rules, school ->
every helper on the case and general -> the ungdomshjelper. Nothing is shared in advance."""

from datetime import date
from typing import TextIO

from django.db import transaction

from cases.demo import SARA_CASE
from cases.models import Case, Participant
from coordination.models import User

from .models import SharingRule
from .services import sharing_rule_create


@transaction.atomic
def seed_rules(*, users: dict[str, User], today: date, stdout: TextIO) -> None:
    sara = users["sara"]
    case = Case.objects.get(title=SARA_CASE, youth=sara)
    rules = [
        {"category": "school", "recipient_role": Participant.Role.HELPER},
        {"category": "general", "recipient_user": users["ungdomshjelper"]},
    ]
    for rule in rules:
        if not SharingRule.objects.filter(case=case, ended_at__isnull=True, **rule).exists():
            sharing_rule_create(case=case, actor=sara, **rule)  # type: ignore[arg-type]
    stdout.write("Sharing rules: Sara's school -> helpers, general -> ungdomshjelper")
