"""Where notifications from the young person's voice point."""

from cases.models import Case, Entry


def messages(case: Case) -> str:
    return f"/cases/{case.pk}/messages/"


def case(case: Case) -> str:
    return f"/cases/{case.pk}/"


def remarks(entry: Entry) -> str:
    return f"/cases/{entry.case_id}/entries/{entry.pk}/remarks/"
