"""Reading and writing HSDS 3 JSON: one nested file, or a data package folder of flat tables.

One file: {"taxonomies": [...], "taxonomy_terms": [...], "organizations": [...]}, each
organization holding its services, locations, contacts and phones, each service its attributes,
contacts, languages, phones, schedules and service_at_locations, and so on (see spec.CHILDREN).

A data package folder: `datapackage.json` whose `resources` name an entity (`name`) and a JSON
file beside it (`path`) holding a list of flat records.

Both are turned into the same list of flat rows; writing sorts everything by id and keys, so the
same catalogue always gives the same bytes.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .spec import BY_NAME, CHILDREN, ENTITIES, ORGANIZATION, PARENT_ORDER, Entity, Record

DATAPACKAGE = "datapackage.json"
TOP_LEVEL = {"taxonomies": BY_NAME["taxonomy"], "taxonomy_terms": BY_NAME["taxonomy_term"]}
PARENT_ENTITY = {
    "organization_id": "organization",
    "service_id": "service",
    "location_id": "location",
    "contact_id": "contact",
    "link_id": "service",
}


class ImportRejected(Exception):
    """The input as a whole cannot be read; nothing is imported."""


@dataclass(frozen=True)
class RecordError:
    entity: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.entity} {self.record_id or '(no id)'}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class Row:
    entity: Entity
    record: Record

    @property
    def id(self) -> str:
        value = self.record.get("id")
        return value if isinstance(value, str) else ""


def read_path(path: Path, *, max_bytes: int) -> tuple[list[Row], list[RecordError]]:
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file()]
        _check_size(sum(p.stat().st_size for p in files), max_bytes)
        return _read_datapackage(path)
    if not path.is_file():
        raise ImportRejected(f"{path}: no such file or folder")
    _check_size(path.stat().st_size, max_bytes)
    document = _load_json(path)
    if not isinstance(document, dict):
        raise ImportRejected(f"{path.name}: expected a JSON object with 'organizations'")
    return flatten_document(document)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportRejected(
            f"The input is {size / 1_000_000:.1f} MB; the limit is {max_bytes / 1_000_000:.1f} MB "
            "(setting HSDS_IMPORT_MAX_BYTES). Nothing was imported."
        )


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise ImportRejected(
            f"{path.name}: not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Nothing was imported."
        ) from error
    except UnicodeDecodeError as error:
        raise ImportRejected(f"{path.name}: not UTF-8 text. Nothing was imported.") from error


def flatten_document(document: dict[str, Any]) -> tuple[list[Row], list[RecordError]]:
    rows: list[Row] = []
    errors: list[RecordError] = []
    for key, entity in TOP_LEVEL.items():
        _walk(entity, document.get(key, []), key, None, None, rows, errors)
    _walk(
        ORGANIZATION, document.get("organizations", []), "organizations", None, None, rows, errors
    )
    return rows, errors


def _walk(
    entity: Entity,
    items: Any,
    key: str,
    parent_ref: str | None,
    parent_id: Any,
    rows: list[Row],
    errors: list[RecordError],
) -> None:
    if not isinstance(items, list):
        errors.append(RecordError(entity.name, str(parent_id or ""), key, "must be a list"))
        return
    children = CHILDREN.get(entity.name, ())
    child_keys = {child_key for child_key, _child, _ref in children}
    for item in items:
        if not isinstance(item, dict):
            errors.append(RecordError(entity.name, "", key, "each entry must be an object"))
            continue
        record = {name: value for name, value in item.items() if name not in child_keys}
        if parent_ref is not None:
            if record.get(parent_ref) not in (None, parent_id):
                errors.append(
                    RecordError(
                        entity.name,
                        str(record.get("id", "")),
                        parent_ref,
                        "does not match the record it is nested in",
                    )
                )
                continue
            record[parent_ref] = parent_id
        rows.append(Row(entity, record))
        for child_key, child, ref in children:
            if child_key in item:
                _walk(child, item[child_key], child_key, ref, item.get("id"), rows, errors)


def _read_datapackage(folder: Path) -> tuple[list[Row], list[RecordError]]:
    descriptor_path = folder / DATAPACKAGE
    if not descriptor_path.is_file():
        raise ImportRejected(f"{folder}: a data package folder needs {DATAPACKAGE}")
    descriptor = _load_json(descriptor_path)
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        raise ImportRejected(f"{DATAPACKAGE}: 'resources' must be a list")
    rows: list[Row] = []
    errors: list[RecordError] = []
    root = folder.resolve()
    for resource in resources:
        name = resource.get("name") if isinstance(resource, dict) else None
        entity = BY_NAME.get(name) if isinstance(name, str) else None
        file_name = resource.get("path") if isinstance(resource, dict) else None
        if entity is None or not isinstance(file_name, str):
            raise ImportRejected(f"{DATAPACKAGE}: unknown resource {resource!r}")
        data_path = (folder / file_name).resolve()
        if data_path.parent != root:
            raise ImportRejected(f"{DATAPACKAGE}: {file_name!r} is outside the folder")
        items = _load_json(data_path)
        if not isinstance(items, list):
            raise ImportRejected(f"{file_name}: must be a list of records")
        for item in items:
            if isinstance(item, dict):
                rows.append(Row(entity, item))
            else:
                errors.append(RecordError(entity.name, "", file_name, "entry is not an object"))
    return rows, errors


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _parent_of(entity_name: str, record: Record) -> tuple[str, str] | None:
    refs = PARENT_ORDER.get(entity_name)
    if refs is None:
        refs = tuple(
            ref
            for children in CHILDREN.values()
            for _key, child, ref in children
            if child.name == entity_name
        )
    for ref in refs:
        if record.get(ref):
            return PARENT_ENTITY[ref], record[ref]
    return None


def nest(tables: dict[str, list[Record]]) -> dict[str, Any]:
    """The nested one-file document for flat tables keyed by entity name."""
    by_parent: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
    for entity_name, records in tables.items():
        for record in records:
            parent = _parent_of(entity_name, record)
            if parent is not None:
                by_parent[(entity_name, *parent)].append(record)

    def build(entity_name: str, record: Record) -> Record:
        out = dict(record)
        for key, child, _ref in CHILDREN.get(entity_name, ()):
            items = sorted(by_parent.get((child.name, entity_name, record["id"]), []), key=_id)
            if items:
                out[key] = [build(child.name, item) for item in items]
        return out

    document: dict[str, Any] = {
        key: sorted(tables.get(entity.name, []), key=_id) for key, entity in TOP_LEVEL.items()
    }
    document["organizations"] = [
        build("organization", record) for record in sorted(tables.get("organization", []), key=_id)
    ]
    return document


def write_datapackage(folder: Path, tables: dict[str, list[Record]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for entity in ENTITIES:
        file_name = f"{entity.plural}.json"
        records = sorted(tables.get(entity.name, []), key=_id)
        (folder / file_name).write_text(dumps(records), encoding="utf-8")
        resources.append(
            {"name": entity.name, "path": file_name, "format": "json", "profile": "data-resource"}
        )
    descriptor = {
        "name": "sammen-service-catalogue",
        "profile": "data-package",
        "description": "Open Referral HSDS 3 records (a subset) exported by Sammen.",
        "resources": resources,
    }
    (folder / DATAPACKAGE).write_text(dumps(descriptor), encoding="utf-8")


def _id(record: Record) -> str:
    return str(record.get("id", ""))
