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
    school_to_helpers = {"category": "school", "recipient_role": Participant.Role.HELPER}
    if not SharingRule.objects.filter(
        case=case, ended_at__isnull=True, **school_to_helpers
    ).exists():
        sharing_rule_create(
            case=case, actor=sara, category="school", recipient_role=Participant.Role.HELPER
        )
    coordinator = users["ungdomshjelper"]
    if not SharingRule.objects.filter(
        case=case, ended_at__isnull=True, category="general", recipient_user=coordinator
    ).exists():
        sharing_rule_create(case=case, actor=sara, category="general", recipient_user=coordinator)
    stdout.write("Sharing rules: Sara's school -> helpers, general -> ungdomshjelper")
