"""Every write to the catalogue."""

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction

from coordination.demo import CATALOGUE_EDITORS
from coordination.locks import for_update
from coordination.models import User
from coordination.services import audit_append

from .hsds.formats import read_path, read_upload
from .hsds.importer import ImportReport, catalogue_import
from .models import Service, ServiceStaff
from .search_columns import REFRESH_SQL


def service_search_refresh(*, service_ids: Iterable[UUID | str] | None = None) -> None:
    """Recomputes the finder's search columns for these services (all when None) and writes the
    rows where they changed. Call it after any change to a service's name, description or
    topics."""
    ids = [str(service_id) for service_id in service_ids or []]
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL, {"all": service_ids is None, "ids": ids})


def catalogue_import_path(*, path: Path) -> ImportReport:
    """Imports an HSDS file or data package folder (see hsds/). Raises hsds.formats.
    ImportRejected when the input as a whole is unreadable or too large."""
    report = catalogue_import(read_path(path, max_bytes=settings.HSDS_IMPORT_MAX_BYTES))
    service_search_refresh(service_ids=report.service_ids)
    return report


def catalogue_import_upload(*, actor: User, name: str, content: bytes) -> ImportReport:
    """Imports an uploaded HSDS file (or a data package as .zip) all or nothing: any bad record
    rolls the whole upload back, so the report describes a catalogue left as it was. Raises
    hsds.formats.ImportRejected when the input as a whole is unreadable, empty or too large."""
    reading = read_upload(content, name=name, max_bytes=settings.HSDS_IMPORT_MAX_BYTES)
    with transaction.atomic():
        report = catalogue_import(reading)
        if report.errors:
            transaction.set_rollback(True)
            report.organizations_loaded = 0
            report.saved.clear()
            report.deleted = 0
            return report
        service_search_refresh(service_ids=report.service_ids)
        audit_append(
            actor=actor,
            action="catalogue.imported",
            object_type="catalogue",
            data={
                "organizations": report.organizations_loaded,
                "saved": sum(report.saved.values()),
                "deleted": report.deleted,
            },
        )
    return report


@transaction.atomic
def catalogue_editors_grant() -> Group:
    """Gives the catalogue editors every model permission of the catalogue (not its history
    tables: history is read and reverted through the service's own change permission)."""
    group, _created = Group.objects.get_or_create(name=CATALOGUE_EDITORS)
    permissions = Permission.objects.filter(content_type__app_label="services_registry").exclude(
        content_type__model__startswith="historical"
    )
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def service_mark_reviewed(*, service_ids: Iterable[UUID], today: date) -> int:
    """Stamps today's date as the last review; every row keeps its own history entry."""
    count = 0
    for service in for_update(Service.objects.filter(pk__in=list(service_ids))):
        service.assured_date = today
        service.save(update_fields=["assured_date"])
        count += 1
    return count


def service_staff_set(*, service: Service, user: User, receives_referrals: bool) -> ServiceStaff:
    """Makes `user` staff of `service`; saves (and adds history) only when something changes.
    Editors do the same through the service's admin page."""
    staff, created = ServiceStaff.objects.get_or_create(
        service=service, user=user, defaults={"receives_referrals": receives_referrals}
    )
    if not created and staff.receives_referrals != receives_referrals:
        staff.receives_referrals = receives_referrals
        staff.save(update_fields=["receives_referrals"])
    return staff
