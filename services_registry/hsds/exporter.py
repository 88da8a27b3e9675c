"""The catalogue as HSDS 3 records: for `export_hsds` and the `/api/v1/hsds/` endpoints."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from .. import models as m
from .formats import dumps, nest, write_datapackage
from .spec import (
    ACCESSIBILITY,
    ADDRESS,
    ATTRIBUTE,
    CONTACT,
    ENTITIES,
    LANGUAGE,
    LOCATION,
    ORGANIZATION,
    PHONE,
    SCHEDULE,
    SERVICE,
    SERVICE_AT_LOCATION,
    TAXONOMY,
    TAXONOMY_TERM,
    Entity,
    Record,
    record_from_instance,
)


def _records(entity: Entity, objects: Iterable[Any]) -> list[Record]:
    return [record_from_instance(entity, obj) for obj in objects]


def catalogue_tables() -> dict[str, list[Record]]:
    """Every row of the catalogue as flat HSDS records, keyed by entity name."""
    return {
        entity.name: _records(entity, entity.model._default_manager.order_by("pk"))
        for entity in ENTITIES
    }


def catalogue_export(path: Path) -> None:
    """Writes the whole catalogue: a folder becomes a data package, anything else one file."""
    tables = catalogue_tables()
    if path.is_dir() or path.suffix == "":
        write_datapackage(path, tables)
    else:
        path.write_text(dumps(nest(tables)), encoding="utf-8")


def service_documents(services: QuerySet[m.Service]) -> list[Record]:
    """Fully nested HSDS services (with their organization, locations and topics' terms), in a
    fixed number of queries however many services there are."""
    services = services.select_related("organization").prefetch_related(
        "attributes__taxonomy_term",
        "contacts__phones",
        "languages",
        "phones",
        "schedules",
        "service_at_locations__location__addresses",
        "service_at_locations__location__accessibility",
    )
    documents = []
    for service in services:
        record = record_from_instance(SERVICE, service)
        record["organization"] = record_from_instance(ORGANIZATION, service.organization)
        attributes = []
        for attribute in service.attributes.all():
            item = record_from_instance(ATTRIBUTE, attribute)
            item["taxonomy_term"] = record_from_instance(TAXONOMY_TERM, attribute.taxonomy_term)
            attributes.append(item)
        record["attributes"] = attributes
        record["contacts"] = [
            {**record_from_instance(CONTACT, c), "phones": _records(PHONE, c.phones.all())}
            for c in service.contacts.all()
        ]
        record["languages"] = _records(LANGUAGE, service.languages.all())
        record["phones"] = [
            record_from_instance(PHONE, p) for p in service.phones.all() if p.contact_id is None
        ]
        record["schedules"] = _records(SCHEDULE, service.schedules.all())
        record["service_at_locations"] = [
            {
                **record_from_instance(SERVICE_AT_LOCATION, sal),
                "location": {
                    **record_from_instance(LOCATION, sal.location),
                    "addresses": _records(ADDRESS, sal.location.addresses.all()),
                    "accessibility": _records(ACCESSIBILITY, sal.location.accessibility.all()),
                },
            }
            for sal in service.service_at_locations.all()
        ]
        documents.append(record)
    return documents


def organization_documents(organizations: Iterable[m.Organization]) -> list[Record]:
    return _records(ORGANIZATION, organizations)


def taxonomy_documents(taxonomies: Iterable[m.Taxonomy]) -> list[Record]:
    return _records(TAXONOMY, taxonomies)


def taxonomy_term_documents(terms: Iterable[m.TaxonomyTerm]) -> list[Record]:
    return _records(TAXONOMY_TERM, terms)
