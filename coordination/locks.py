"""Row locks for writers. The order every writer follows is in docs/architecture.md §3
("Locking") and at cases.services.case_lock."""

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def for_update(queryset: QuerySet[M]) -> QuerySet[M]:
    """Locks the rows `queryset` returns, and only those (not the rows select_related joins in),
    as FOR NO KEY UPDATE: writers on the same row still wait for each other, but the FOR KEY
    SHARE that PostgreSQL's foreign-key checks take at COMMIT (Django's constraints are
    DEFERRABLE INITIALLY DEFERRED) never waits for it. A check that waited would do so while its
    transaction holds the audit chain's lock, which the lock holder may be waiting for."""
    return queryset.select_for_update(no_key=True, of=("self",))
