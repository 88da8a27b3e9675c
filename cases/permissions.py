"""The only code that writes `view_entry` rows (docs/architecture.md §3).

Called from cases.services (author and youth when an entry is written, and an author returning
to the team) and from consent.services (the share path). Rows go to the direct-FK table.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import Permission
from django.db import DEFAULT_DB_ALIAS, connections

from services_registry.models import Service

from .models import CASE_ADMIN_CODENAME, Entry, EntryUserObjectPermission

VIEW_ENTRY = "view_entry"
CASE_ADMIN_PERMISSION = f"cases.{CASE_ADMIN_CODENAME}"


# The view_entry permission's id per database, read once a process instead of once a grant or
# revoke (a round trip of every share). A flush or migrate may recreate permissions with new
# ids: post_migrate empties this (cases.apps), and the database's name is in the key, so a test
# database cloned from a template without migrating never sees another database's id.
_view_entry_ids: dict[tuple[str, str], int] = {}


def view_entry_permission_id(using: str = DEFAULT_DB_ALIAS) -> int:
    key = (using, connections[using].settings_dict["NAME"])
    permission_id = _view_entry_ids.get(key)
    if permission_id is None:
        permission_id = _view_entry_ids[key] = (
            Permission.objects.using(using)
            .values_list("pk", flat=True)
            .get(content_type__app_label="cases", codename=VIEW_ENTRY)
        )
    return permission_id


def view_entry_permission_forget(**kwargs: object) -> None:
    """post_migrate's receiver: the next grant reads the id again."""
    _view_entry_ids.clear()


def view_entry_grant(
    pairs: Iterable[tuple[int, int]],
    *,
    expires_at: datetime | None = None,
    via_service: Service | None = None,
) -> None:
    """Grants view_entry for each (entry_id, user_id), until `expires_at` if given (a
    disclosure that ends by itself); with `via_service`, to people off the team as that
    service's intake (a referral's payload). Pairs already granted are left alone."""
    pairs = set(pairs)
    if not pairs:
        return
    permission_id = view_entry_permission_id()
    EntryUserObjectPermission.objects.bulk_create(
        [
            EntryUserObjectPermission(
                content_object_id=entry_id,
                user_id=user_id,
                permission_id=permission_id,
                expires_at=expires_at,
                via_service=via_service,
            )
            for entry_id, user_id in sorted(pairs)
        ],
        ignore_conflicts=True,
    )


def view_entry_revoke(pairs: Iterable[tuple[int, int]]) -> None:
    pairs = set(pairs)
    if not pairs:
        return
    entries_by_user: dict[int, list[int]] = {}
    for entry_id, user_id in pairs:
        entries_by_user.setdefault(user_id, []).append(entry_id)
    permission_id = view_entry_permission_id()
    for user_id, entry_ids in sorted(entries_by_user.items()):
        EntryUserObjectPermission.objects.filter(
            user_id=user_id, content_object_id__in=entry_ids, permission_id=permission_id
        ).delete()


def view_entry_grant_to_author_and_youth(entry: Entry) -> None:
    view_entry_grant({(entry.pk, entry.author_id), (entry.pk, entry.case.youth_id)})
