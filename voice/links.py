"""Where notifications and overviews from the young person's voice point: voice's own pages,
by URL name (the case page is cases', in cases.links)."""

from django.urls import reverse

from cases.models import Case, Entry


def messages(case: Case) -> str:
    return reverse("voice:messages", kwargs={"case_id": case.pk})


def remarks(entry: Entry) -> str:
    return remarks_of(case_id=entry.case_id, entry_id=entry.pk)


def remarks_of(*, case_id: int, entry_id: int) -> str:
    return reverse("voice:remarks", kwargs={"case_id": case_id, "entry_id": entry_id})


def overview() -> str:
    """The ungdomshjelper's own page: every case where they have the role."""
    return reverse("voice:overview")


def check_ins(case_id: int) -> str:
    return reverse("voice:check_ins", kwargs={"case_id": case_id})


def plan(case_id: int) -> str:
    return reverse("voice:plan", kwargs={"case_id": case_id})


def rooms(case_id: int) -> str:
    return reverse("voice:rooms", kwargs={"case_id": case_id})


def room(room_id: int) -> str:
    return reverse("voice:room", kwargs={"room_id": room_id})


def room_members(room_id: int) -> str:
    return reverse("voice:room-members", kwargs={"room_id": room_id})
