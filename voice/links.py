"""Where notifications from the young person's voice point."""

from cases.models import Case


def messages(case: Case) -> str:
    return f"/cases/{case.pk}/messages/"


def case(case: Case) -> str:
    return f"/cases/{case.pk}/"
