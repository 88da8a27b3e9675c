from rest_framework.test import APIClient

from cases.models import Entry
from cases.services import entry_create


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def write_entry(case, author, *, category="health", title="Notat", kind="note") -> Entry:
    return entry_create(
        case=case, author=author, kind=kind, category=category, title=title, body="Tekst."
    )
