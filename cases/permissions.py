"""The only code that writes `view_entry` rows (docs/architecture.md §3).

Called from cases.services (author and youth when an entry is written, and an author returning
to the team) and from consent.services (the share path). Rows go to the direct-FK table.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import Permission

from coordination.statements import CompiledRead, PreparedInsert
from services_registry.models import Service

from .models import CASE_ADMIN_CODENAME, Entry, EntryUserObjectPermission

VIEW_ENTRY = "view_entry"
CASE_ADMIN_PERMISSION = f"cases.{CASE_ADMIN_CODENAME}"


# Pairs already granted are left alone (ON CONFLICT DO NOTHING on the unique user, permission,
# entry); a share's rows, in one prepared statement (coordination.statements.PreparedInsert).
_GRANT = PreparedInsert(EntryUserObjectPermission, ignore_conflicts=True)


# Every share and withdrawal reads it: its statement compiled once a process (a constant text,
# coordination.statements.CompiledRead), the row itself read per call: a flushed test database
# recreates permissions with new ids (a per-process cache of the id broke tests).
_VIEW_ENTRY = CompiledRead(
    lambda: Permission.objects.filter(content_type__app_label="cases", codename=VIEW_ENTRY)
)


def view_entry_permission() -> Permission:
    permissions = _VIEW_ENTRY()
    if not permissions:
        raise Permission.DoesNotExist("Permission matching query does not exist.")
    return permissions[0]


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
    permission = view_entry_permission()
    _GRANT(
        [
            EntryUserObjectPermission(
                content_object_id=entry_id,
                user_id=user_id,
                permission=permission,
                expires_at=expires_at,
                via_service=via_service,
            )
            for entry_id, user_id in sorted(pairs)
        ]
    )


def view_entry_revoke(pairs: Iterable[tuple[int, int]]) -> None:
    pairs = set(pairs)
    if not pairs:
        return
    entries_by_user: dict[int, list[int]] = {}
    for entry_id, user_id in pairs:
        entries_by_user.setdefault(user_id, []).append(entry_id)
    permission = view_entry_permission()
    for user_id, entry_ids in sorted(entries_by_user.items()):
        EntryUserObjectPermission.objects.filter(
            user_id=user_id, content_object_id__in=entry_ids, permission=permission
        ).delete()


def view_entry_grant_to_author_and_youth(entry: Entry) -> None:
    view_entry_grant({(entry.pk, entry.author_id), (entry.pk, entry.case.youth_id)})
