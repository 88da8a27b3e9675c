"""How each HSDS 3 entity maps onto our models, in one table used by import, export and the API.

A record is the flat HSDS form of one row: HSDS field names, references as `<entity>_id`, our
own additions in a `sammen` object (English text under `sammen.en`). Empty values are left out,
so the same row always gives the same record.
"""

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models

from .. import models as m

Record = dict[str, Any]
# Sammen's own runtime schemas: the HSDS subset it keeps, with its own limits.
SCHEMA_DIR = Path(__file__).parent / "schema"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Entity:
    name: str  # HSDS entity name, also the schema file name
    plural: str  # key of a nested list and name of a data package resource
    model: type[models.Model]
    fields: tuple[str, ...]  # same name in HSDS and on the model
    refs: dict[str, str] = field(default_factory=dict)  # HSDS reference -> model attname
    translated: tuple[str, ...] = ()  # fields with an `<field>_en` sibling
    extension: tuple[str, ...] = ()  # our own fields, kept in `sammen`
    constants: dict[str, str] = field(default_factory=dict)  # fixed HSDS values on export


ORGANIZATION = Entity(
    "organization",
    "organizations",
    m.Organization,
    ("id", "name", "alternate_name", "description", "email", "website"),
    translated=("name", "description"),
)
SERVICE = Entity(
    "service",
    "services",
    m.Service,
    (
        "id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "application_process",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "wait_time",
        "fees_description",
        "assured_date",
    ),
    refs={"organization_id": "organization_id"},
    translated=(
        "name",
        "description",
        "application_process",
        "eligibility_description",
        "wait_time",
        "fees_description",
        "referral_description",
    ),
    extension=(
        "level",
        "sector",
        "drop_in",
        "free",
        "anonymous",
        "referral_required",
        "referral_description",
        "open_on_public_holidays",
    ),
)
LOCATION = Entity(
    "location",
    "locations",
    m.Location,
    ("id", "location_type", "name", "description", "transportation", "latitude", "longitude"),
    refs={"organization_id": "organization_id"},
    translated=("name", "description", "transportation"),
)
ADDRESS = Entity(
    "address",
    "addresses",
    m.Address,
    (
        "id",
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    refs={"location_id": "location_id"},
)
SERVICE_AT_LOCATION = Entity(
    "service_at_location",
    "service_at_locations",
    m.ServiceAtLocation,
    ("id", "description"),
    refs={"service_id": "service_id", "location_id": "location_id"},
    translated=("description",),
)
SCHEDULE = Entity(
    "schedule",
    "schedules",
    m.Schedule,
    ("id", "valid_from", "valid_to", "freq", "byday", "opens_at", "closes_at", "description"),
    refs={"service_id": "service_id", "location_id": "location_id"},
    translated=("description",),
)
CONTACT = Entity(
    "contact",
    "contacts",
    m.Contact,
    ("id", "name", "title", "department", "email"),
    refs={"organization_id": "organization_id", "service_id": "service_id"},
)
PHONE = Entity(
    "phone",
    "phones",
    m.Phone,
    ("id", "number", "extension", "type", "description"),
    refs={
        "organization_id": "organization_id",
        "service_id": "service_id",
        "location_id": "location_id",
        "contact_id": "contact_id",
    },
    translated=("description",),
)
LANGUAGE = Entity(
    "language",
    "languages",
    m.Language,
    ("id", "name", "code", "note"),
    refs={"service_id": "service_id", "location_id": "location_id"},
)
ACCESSIBILITY = Entity(
    "accessibility",
    "accessibility",
    m.Accessibility,
    ("id", "description", "details", "url"),
    refs={"location_id": "location_id"},
    translated=("description",),
)
TAXONOMY = Entity(
    "taxonomy", "taxonomies", m.Taxonomy, ("id", "name", "description", "uri", "version")
)
TAXONOMY_TERM = Entity(
    "taxonomy_term",
    "taxonomy_terms",
    m.TaxonomyTerm,
    ("id", "code", "name", "description"),
    refs={"taxonomy_id": "taxonomy_id", "parent_id": "parent_id"},
    translated=("name", "description"),
)
ATTRIBUTE = Entity(
    "attribute",
    "attributes",
    m.Attribute,
    ("id", "link_type", "value"),
    refs={"link_id": "service_id", "taxonomy_term_id": "taxonomy_term_id"},
    constants={"link_entity": "service"},
)

# Load order: every row's references point at rows loaded before it.
ENTITIES: tuple[Entity, ...] = (
    TAXONOMY,
    TAXONOMY_TERM,
    ORGANIZATION,
    LOCATION,
    ADDRESS,
    ACCESSIBILITY,
    SERVICE,
    SERVICE_AT_LOCATION,
    CONTACT,
    PHONE,
    LANGUAGE,
    SCHEDULE,
    ATTRIBUTE,
)
BY_NAME = {entity.name: entity for entity in ENTITIES}

# Nested documents: where each entity's rows sit, as (list key, child entity, reference).
# A row sits under the first parent it references, in this order.
CHILDREN: dict[str, tuple[tuple[str, Entity, str], ...]] = {
    "organization": (
        ("services", SERVICE, "organization_id"),
        ("locations", LOCATION, "organization_id"),
        ("contacts", CONTACT, "organization_id"),
        ("phones", PHONE, "organization_id"),
    ),
    "service": (
        ("attributes", ATTRIBUTE, "link_id"),
        ("contacts", CONTACT, "service_id"),
        ("languages", LANGUAGE, "service_id"),
        ("phones", PHONE, "service_id"),
        ("schedules", SCHEDULE, "service_id"),
        ("service_at_locations", SERVICE_AT_LOCATION, "service_id"),
    ),
    "location": (
        ("accessibility", ACCESSIBILITY, "location_id"),
        ("addresses", ADDRESS, "location_id"),
        ("languages", LANGUAGE, "location_id"),
        ("phones", PHONE, "location_id"),
        ("schedules", SCHEDULE, "location_id"),
    ),
    "contact": (("phones", PHONE, "contact_id"),),
}
# Compiled documents (HSDS API responses) nest one object where a table has a reference:
# (key of the object, its entity, the reference it stands for).
NESTED_OBJECTS: dict[str, tuple[tuple[str, Entity, str], ...]] = {
    "service": (("organization", ORGANIZATION, "organization_id"),),
    "service_at_location": (("location", LOCATION, "location_id"),),
    "attribute": (("taxonomy_term", TAXONOMY_TERM, "taxonomy_term_id"),),
    "taxonomy_term": (("taxonomy_detail", TAXONOMY, "taxonomy_id"),),
}
PARENT_ORDER: dict[str, tuple[str, ...]] = {
    "phone": ("contact_id", "service_id", "location_id", "organization_id"),
    "contact": ("service_id", "organization_id"),
    "schedule": ("service_id", "location_id"),
    "language": ("service_id", "location_id"),
}


@cache
def entity_schema(entity_name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (SCHEMA_DIR / f"{entity_name}.json").read_text(encoding="utf-8")
    )
    return schema


def field_types(entity_name: str) -> dict[str, tuple[str, ...]]:
    """JSON types of each field Sammen keeps for this entity, from its runtime schema."""
    types = {}
    for name, spec in entity_schema(entity_name)["properties"].items():
        declared = spec.get("type", ())
        types[name] = (declared,) if isinstance(declared, str) else tuple(declared)
    return types


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _present(value: Any) -> bool:
    return value is not None and value != ""


def record_from_instance(entity: Entity, obj: models.Model) -> Record:
    """The flat HSDS record of one row."""
    record: Record = dict(entity.constants)
    for name in entity.fields:
        value = getattr(obj, name)
        if _present(value):
            record[name] = _to_json(value)
    for hsds_name, attname in entity.refs.items():
        value = getattr(obj, attname)
        if value is not None:
            record[hsds_name] = str(value)
    sammen: Record = {name: _to_json(getattr(obj, name)) for name in entity.extension}
    sammen = {key: value for key, value in sammen.items() if _present(value)}
    english = {
        name: getattr(obj, f"{name}_en") for name in entity.translated if getattr(obj, f"{name}_en")
    }
    if english:
        sammen["en"] = english
    if sammen:
        record["sammen"] = sammen
    return record


def values_from_record(entity: Entity, record: Record) -> dict[str, Any]:
    """Model field values for a schema-valid record; what it leaves out becomes empty."""
    model_fields = {f.name: f for f in entity.model._meta.concrete_fields}
    values: dict[str, Any] = {}
    sammen = record.get("sammen") or {}
    english = sammen.get("en") or {}
    for name in entity.fields:
        values[name] = _python_value(model_fields[name], record.get(name))
    for hsds_name, attname in entity.refs.items():
        value = record.get(hsds_name)
        values[attname] = uuid.UUID(value) if value else None
    for name in entity.extension:
        values[name] = _python_value(model_fields[name], sammen.get(name))
    for name in entity.translated:
        values[f"{name}_en"] = english.get(name, "")
    return values


def _python_value(model_field: models.Field, value: Any) -> Any:
    if value is None or value == "":
        if model_field.has_default():
            return model_field.get_default()
        return None if model_field.null else ""
    if isinstance(value, float):
        # Through text, so 59.0485 stays 59.0485 and not its binary expansion.
        value = repr(value)
    return model_field.to_python(value)
