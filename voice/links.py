"""Where notifications from the young person's voice point."""

from cases.models import Case, Entry


def messages(case: Case) -> str:
    return f"/cases/{case.pk}/messages/"


def case(case: Case) -> str:
    return f"/cases/{case.pk}/"


def remarks(entry: Entry) -> str:
    return f"/cases/{entry.case_id}/entries/{entry.pk}/remarks/"


def ungdomshjelper(case: Case) -> str:
    return f"/cases/{case.pk}/ungdomshjelper/"


def overview() -> str:
    """The ungdomshjelper's own page: every case where they have the role."""
    return "/ungdomshjelper/"


def plan(case_id: int) -> str:
    return f"/cases/{case_id}/plan/"


def remarks_of(*, case_id: int, entry_id: int) -> str:
    return f"/cases/{case_id}/entries/{entry_id}/remarks/"
