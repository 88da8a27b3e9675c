"""Loading HSDS rows into the catalogue.

Every record is checked first (JSON schema, duplicate ids, references, model rules). A bad record
rejects its whole organization, which keeps "nothing half-imported" simple to reason about; every
other organization loads in its own transaction. Taxonomies and their terms load first, in one
transaction, because every organization may use them.

Loading is an upsert by id that saves only rows whose values changed, so importing the same file
twice changes nothing (not even history). Rows under an imported organization that the input no
longer has are deleted, except services and locations themselves: case participants point at
services, so a service leaves the catalogue by its status, not by deletion.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, models, transaction
from django.utils.translation import ngettext

from .. import models as m
from ..search_columns import search_columns_set
from .formats import Reading, RecordError, Row
from .spec import (
    ATTRIBUTE,
    ENTITIES,
    LOCATION,
    SERVICE,
    TAXONOMY,
    TAXONOMY_TERM,
    Entity,
    entity_schema,
    values_from_record,
)

CHANGE_REASON = "import_hsds"
# The reference that leads from each entity towards its organization, in order of preference.
OWNER_REFS: dict[str, tuple[str, ...]] = {
    "service": ("organization_id",),
    "location": ("organization_id",),
    "address": ("location_id",),
    "accessibility": ("location_id",),
    "service_at_location": ("service_id",),
    "contact": ("service_id", "organization_id"),
    "phone": ("contact_id", "service_id", "location_id", "organization_id"),
    "language": ("service_id", "location_id"),
    "schedule": ("service_id", "location_id"),
    "attribute": ("link_id",),
}
REF_NAME = {
    "organization_id": "organization",
    "service_id": "service",
    "location_id": "location",
    "contact_id": "contact",
    "link_id": "service",
    "taxonomy_id": "taxonomy",
    "taxonomy_term_id": "taxonomy_term",
    "parent_id": "taxonomy_term",
}


@dataclass
class ImportReport:
    organizations_loaded: int = 0
    saved: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: int = 0
    deleted: int = 0
    errors: list[RecordError] = field(default_factory=list)
    rejected_organizations: list[str] = field(default_factory=list)
    service_ids: set[str] = field(default_factory=set)
    # Read but not kept, from formats.Reading.skipped: what -> how many records.
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)


def skipped_lines(report: ImportReport) -> list[str]:
    """What was read but not kept, one line each, for the command and the admin page (in the
    active language: English in a management command)."""
    texts = {
        "field": lambda n: ngettext(
            "Skipped: field %(name)s (Sammen has no place for it): %(count)d record",
            "Skipped: field %(name)s (Sammen has no place for it): %(count)d records",
            n,
        ),
        "key": lambda n: ngettext(
            "Skipped: key %(name)s (not an HSDS list): %(count)d",
            "Skipped: key %(name)s (not an HSDS list): %(count)d",
            n,
        ),
        "repeat": lambda n: ngettext(
            "Read once: %(name)s repeated in the document: %(count)d repeat",
            "Read once: %(name)s repeated in the document: %(count)d repeats",
            n,
        ),
        "attribute": lambda n: ngettext(
            "Skipped: attribute of %(name)s (Sammen keeps service attributes): %(count)d record",
            "Skipped: attribute of %(name)s (Sammen keeps service attributes): %(count)d records",
            n,
        ),
        "outside": lambda n: ngettext(
            "Left out: %(name)s (not in the input nor the catalogue): %(count)d record",
            "Left out: %(name)s (not in the input nor the catalogue): %(count)d records",
            n,
        ),
        "table": lambda n: ngettext(
            "Skipped: table %(name)s (Sammen does not model it): %(count)d record",
            "Skipped: table %(name)s (Sammen does not model it): %(count)d records",
            n,
        ),
    }
    return [
        texts[kind](count) % {"name": name, "count": count}
        for (kind, name), count in sorted(report.skipped.items())
    ]


@cache
def _validator(entity_name: str) -> jsonschema.Draft202012Validator:
    schema = entity_schema(entity_name)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


@jsonschema.Draft202012Validator.FORMAT_CHECKER.checks("uri", raises=ValidationError)
def _is_uri(value: object) -> bool:
    if isinstance(value, str):
        URLValidator()(value)
    return True


def schema_errors(row: Row) -> list[RecordError]:
    errors = []
    for error in sorted(_validator(row.entity.name).iter_errors(row.record), key=str):
        path = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = ".".join(p for p in (path, missing) if p)
        errors.append(RecordError(row.entity.name, row.id, path, _short(error.message)))
    return errors


def _short(message: str) -> str:
    return message if len(message) <= 200 else message[:197] + "..."


class _Catalogue:
    """Ids known in the input and in the database, per entity, for reference checks."""

    def __init__(self, rows: list[Row]) -> None:
        self.in_input: dict[str, dict[str, Row]] = defaultdict(dict)
        self._referenced: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            self.in_input[row.entity.name].setdefault(row.id, row)
            for ref in row.entity.refs:
                value = row.record.get(ref)
                if isinstance(value, str):
                    self._referenced[REF_NAME[ref]].add(value)
        self._db: dict[str, dict[str, Any]] = {}

    def db_rows(self, name: str) -> dict[str, Any]:
        if name not in self._db:
            model = REF_ENTITY_BY_NAME[name]
            ids = {row_id for row_id in self._referenced[name] if _is_uuid(row_id)}
            self._db[name] = {str(obj.pk): obj for obj in model._default_manager.filter(pk__in=ids)}
        return self._db[name]

    def exists(self, name: str, row_id: str) -> bool:
        return row_id in self.in_input.get(name, {}) or row_id in self.db_rows(name)

    def row_owner(self, row: Row, depth: int = 0) -> str | None:
        """The organization a row belongs to, following its own references."""
        if row.entity.name == "organization":
            return row.id
        for ref in OWNER_REFS[row.entity.name]:
            target = row.record.get(ref)
            if isinstance(target, str) and depth < 4:
                return self.owner(REF_NAME[ref], target, depth + 1)
        return None

    def owner(self, name: str, row_id: str, depth: int = 0) -> str | None:
        """The organization of the row with this id, in the input or the database."""
        if name == "organization":
            return row_id
        row = self.in_input.get(name, {}).get(row_id)
        if row is not None:
            return self.row_owner(row, depth)
        obj = self.db_rows(name).get(row_id)
        return _db_owner(obj) if obj is not None else None


REF_ENTITY_BY_NAME = {
    "organization": m.Organization,
    "service": m.Service,
    "location": m.Location,
    "contact": m.Contact,
    "taxonomy": m.Taxonomy,
    "taxonomy_term": m.TaxonomyTerm,
}


def _db_owner(obj: Any) -> str | None:
    if isinstance(obj, m.Service | m.Location):
        return str(obj.organization_id)
    if isinstance(obj, m.Contact):
        if obj.organization_id:
            return str(obj.organization_id)
        service_id = obj.service_id
        if service_id is None:
            return None
        return str(m.Service.objects.values_list("organization_id", flat=True).get(pk=service_id))
    return None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def catalogue_import(reading: Reading) -> ImportReport:
    rows = reading.rows
    report = ImportReport(errors=list(reading.errors), skipped=Counter(reading.skipped))
    catalogue = _Catalogue(rows)
    bad_rows: set[int] = set()
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        _leave_out_dangling_parent(row, catalogue, report)
        found = schema_errors(row)
        key = (row.entity.name, row.id)
        if not found and key in seen:
            found = [RecordError(row.entity.name, row.id, "id", "duplicate id in the input")]
            bad_rows.add(seen[key])
        seen.setdefault(key, index)
        if not found:
            found = _reference_errors(row, catalogue) or _model_errors(row)
        if found:
            report.errors.extend(found)
            bad_rows.add(index)

    # Taxonomies and terms: good ones load; attributes that need a bad one fail their check above
    # only if the term is unknown everywhere, so a bad term also rejects its users here.
    bad_terms = {rows[i].id for i in bad_rows if rows[i].entity is TAXONOMY_TERM}
    bad_taxonomies = {rows[i].id for i in bad_rows if rows[i].entity is TAXONOMY}
    shared = [
        row
        for i, row in enumerate(rows)
        if row.entity in (TAXONOMY, TAXONOMY_TERM)
        and i not in bad_rows
        and row.record.get("taxonomy_id") not in bad_taxonomies
    ]
    with transaction.atomic():
        _load(shared, report)

    rejected: set[str] = set()
    by_owner: dict[str, list[Row]] = defaultdict(list)
    for index, row in enumerate(rows):
        if row.entity in (TAXONOMY, TAXONOMY_TERM):
            continue
        owner = catalogue.row_owner(row)
        if owner is None:
            report.errors.append(
                RecordError(row.entity.name, row.id, "", "belongs to no known organization")
            )
            continue
        if index in bad_rows or (
            row.entity is ATTRIBUTE and row.record.get("taxonomy_term_id") in bad_terms
        ):
            rejected.add(owner)
        by_owner[owner].append(row)

    for owner in _dependency_order(by_owner, catalogue):
        owner_rows = by_owner[owner]
        needs = _needed_organizations(owner_rows, catalogue) - {owner}
        if owner not in rejected and needs & rejected:
            report.errors.append(
                RecordError(
                    "organization",
                    owner,
                    "",
                    "uses locations of a rejected organization: " + ", ".join(sorted(needs)),
                )
            )
            rejected.add(owner)
        if owner in rejected:
            continue
        try:
            with transaction.atomic():
                _load(owner_rows, report)
                _prune(owner, owner_rows, report)
        except (DatabaseError, ValidationError) as error:
            report.errors.append(RecordError("organization", owner, "", _short(str(error))))
            rejected.add(owner)
            continue
        report.organizations_loaded += 1
        report.service_ids.update(row.id for row in owner_rows if row.entity is SERVICE)
    report.rejected_organizations = sorted(rejected)
    return report


def _needed_organizations(rows: list[Row], catalogue: _Catalogue) -> set[str]:
    """Other organizations whose locations these rows use (services at their locations)."""
    needed = set()
    for row in rows:
        location_id = row.record.get("location_id")
        if isinstance(location_id, str):
            owner = catalogue.owner("location", location_id)
            if owner is not None:
                needed.add(owner)
    return needed


def _dependency_order(by_owner: dict[str, list[Row]], catalogue: _Catalogue) -> list[str]:
    """Organizations in an order that loads a location's organization before its users."""
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(owner: str) -> None:
        if owner in ordered or owner in visiting:
            return  # a cycle falls back to input order; deferred FK checks then report it
        visiting.add(owner)
        for needed in sorted(_needed_organizations(by_owner.get(owner, []), catalogue)):
            if needed in by_owner:
                visit(needed)
        visiting.discard(owner)
        ordered.append(owner)

    for owner in sorted(by_owner):
        visit(owner)
    return ordered


def _leave_out_dangling_parent(row: Row, catalogue: _Catalogue, report: ImportReport) -> None:
    """A compiled service names its terms' parents without including them (HSDS makes the
    parent optional): a parent neither in the input nor in the catalogue is left out and
    counted, instead of refusing the term and, with it, every service that uses it."""
    parent = row.record.get("parent_id") if row.entity is TAXONOMY_TERM else None
    if isinstance(parent, str) and not catalogue.exists("taxonomy_term", parent):
        row.record = {name: value for name, value in row.record.items() if name != "parent_id"}
        report.skipped[("outside", "taxonomy_term.parent_id")] += 1


def _reference_errors(row: Row, catalogue: _Catalogue) -> list[RecordError]:
    errors = []
    for ref in row.entity.refs:
        value = row.record.get(ref)
        if isinstance(value, str) and not catalogue.exists(REF_NAME[ref], value):
            label = "unknown taxonomy term" if ref == "taxonomy_term_id" else "unknown id"
            errors.append(RecordError(row.entity.name, row.id, ref, f"{label} {value}"))
    return errors


def _model_errors(row: Row) -> list[RecordError]:
    """The model's own rules (lengths, age range, opening before closing), per field."""
    values = values_from_record(row.entity, row.record)
    instance = row.entity.model(**values)
    exclude = [f.name for f in row.entity.model._meta.concrete_fields if f.is_relation]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        return [
            RecordError(row.entity.name, row.id, "" if name == "__all__" else name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _load(rows: list[Row], report: ImportReport) -> None:
    by_entity: dict[Entity, list[Row]] = defaultdict(list)
    for row in rows:
        by_entity[row.entity].append(row)
    topics = _topics_of_services(by_entity.get(ATTRIBUTE, []))
    for entity in ENTITIES:
        entity_rows = by_entity.get(entity, [])
        if not entity_rows:
            continue
        model = entity.model
        existing = model._default_manager.in_bulk([row.id for row in entity_rows])
        for row in entity_rows:
            values = values_from_record(entity, row.record)
            obj = existing.get(values["id"])
            if obj is None:
                obj = model(**values)
            elif all(getattr(obj, name) == value for name, value in values.items()):
                report.unchanged += 1
                continue
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
            if isinstance(obj, m.Service):
                # Written with the row rather than by the refresh after it (search_columns.py).
                search_columns_set(obj, term_ids=topics[values["id"]])
            obj._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
            obj.save()
            report.saved[entity.name] += 1


def _topics_of_services(attribute_rows: list[Row]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The taxonomy term of each attribute, by service: after its organization's load and prune
    a service's attributes are exactly the input's."""
    topics: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for row in attribute_rows:
        values = values_from_record(ATTRIBUTE, row.record)
        topics[values["service_id"]].append(values["taxonomy_term_id"])
    return topics


def _prune(owner: str, rows: list[Row], report: ImportReport) -> None:
    """Deletes the children of the imported services and locations that the input left out."""
    kept: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        kept[row.entity.name].add(row.id)
    service_ids = kept[SERVICE.name]
    location_ids = kept[LOCATION.name]
    scopes: list[tuple[type[models.Model], models.Q, str]] = [
        (
            m.Schedule,
            models.Q(service__in=service_ids) | models.Q(location__in=location_ids),
            "schedule",
        ),
        (m.Phone, models.Q(service__in=service_ids) | models.Q(location__in=location_ids), "phone"),
        (m.Contact, models.Q(service__in=service_ids) | models.Q(organization=owner), "contact"),
        (
            m.Language,
            models.Q(service__in=service_ids) | models.Q(location__in=location_ids),
            "language",
        ),
        (m.Attribute, models.Q(service__in=service_ids), "attribute"),
        (m.ServiceAtLocation, models.Q(service__in=service_ids), "service_at_location"),
        (m.Address, models.Q(location__in=location_ids), "address"),
        (m.Accessibility, models.Q(location__in=location_ids), "accessibility"),
    ]
    for model, scope, name in scopes:
        stale = model._default_manager.filter(scope).exclude(pk__in=kept[name])
        for obj in stale:
            obj._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
            obj.delete()
            report.deleted += 1
