from rest_framework.test import APIClient

from cases.models import Entry
from cases.services import entry_create, entry_create_from_workflow


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def write_entry(case, author, *, category="health", title="Notat", kind="note") -> Entry:
    """A note by default; minutes and messages as their workflows write them."""
    create = entry_create if kind in {"note", "document", "plan"} else entry_create_from_workflow
    return create(
        case=case, author=author, kind=kind, category=category, title=title, body="Tekst."
    )
