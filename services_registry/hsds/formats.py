"""Reading and writing HSDS 3: every shape a publisher produces, turned into flat rows.

Accepted input (`read_path`, `read_bytes`, `read_upload`):
- the nested organization file: {"taxonomies": [...], "taxonomy_terms": [...], "organizations":
  [...]}, each organization holding its services, locations, contacts and phones, each service its
  attributes, contacts, languages, phones, schedules and service_at_locations (see spec.CHILDREN);
- one compiled object as `GET /services/{id}` or `GET /organizations/{id}` returns it: a service
  with its organization, its locations inside service_at_locations and its attributes' taxonomy
  terms nested (spec.NESTED_OBJECTS); or an organization with its services;
- an HSDS API page ({"total_items", ..., "contents": [...]}) or a plain list of either;
- a data package folder: `datapackage.json` whose `resources` name an entity (`name`) and a JSON
  or CSV table beside it (`path`), as the HSDS tabular layout has it; uploaded, as a .zip.

Compiled objects repeat the same phone or contact under several parents; a repeat whose fields
are the same apart from where it sits is read once (the first place wins) and counted in
`Reading.skipped`, as are the fields and tables Sammen does not model: nothing is dropped unsaid.

Writing sorts everything by id and keys, so the same catalogue always gives the same bytes.
"""

import csv
import io
import json
import tempfile
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .spec import (
    ATTRIBUTE,
    BY_NAME,
    CHILDREN,
    ENTITIES,
    LOCATION,
    NESTED_OBJECTS,
    ORGANIZATION,
    PARENT_ORDER,
    SERVICE,
    Entity,
    Record,
    field_types,
)

DATAPACKAGE = "datapackage.json"
TOP_LEVEL = {"taxonomies": BY_NAME["taxonomy"], "taxonomy_terms": BY_NAME["taxonomy_term"]}
PARENT_ENTITY = {
    "organization_id": "organization",
    "service_id": "service",
    "location_id": "location",
    "contact_id": "contact",
    "link_id": "service",
}
EXPECTED = (
    "Expected HSDS 3: a JSON file with 'organizations' (the nested organization file), one "
    "service (with 'id', 'name', 'status' and its 'organization') or organization (with 'id', "
    "'name', 'description'), an API page with 'contents', or a data package folder with "
    f"{DATAPACKAGE} and JSON or CSV tables."
)


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


@dataclass
class Reading:
    """What an input holds: rows to load, errors found while reading, and what was read but
    not kept, as (kind, name) -> how many: ("field", "service.alert") a field with a value Sammen
    has no column for; ("key", name) a top-level key of a nested file that is no HSDS list;
    ("repeat", "phone") a record repeated in a compiled document and read once; ("table",
    "funding") a data package table of an entity Sammen does not model; ("attribute",
    "organization") an attribute of another HSDS table than service; ("outside",
    "taxonomy_term.parent_id") an optional reference to a record neither in the input nor in
    the catalogue, left out (the importer notes those)."""

    rows: list[Row] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)


def read_path(path: Path, *, max_bytes: int) -> Reading:
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file()]
        _check_size(sum(p.stat().st_size for p in files), max_bytes)
        return _finish(_read_datapackage(path))
    if not path.is_file():
        raise ImportRejected(f"{path}: no such file or folder")
    _check_size(path.stat().st_size, max_bytes)
    return read_bytes(path.read_bytes(), name=path.name, max_bytes=max_bytes)


def read_upload(content: bytes, *, name: str, max_bytes: int) -> Reading:
    """An uploaded file: one JSON file, or a data package folder packed as a .zip (flat: the
    descriptor and its tables side by side, or all inside one folder)."""
    if not name.lower().endswith(".zip"):
        return read_bytes(content, name=name, max_bytes=max_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRejected(f"{name}: not a readable .zip file. {EXPECTED}") from error
    # Sizes as the archive states them, checked before anything is unpacked.
    _check_size(sum(info.file_size for info in members), max_bytes)
    with tempfile.TemporaryDirectory() as folder:
        for info in members:
            file_name = PurePosixPath(info.filename).name
            if file_name in ("", ".", ".."):
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError) as error:
                raise ImportRejected(f"{name}: {file_name} cannot be unpacked.") from error
            _check_size(len(data), max_bytes)
            (Path(folder) / file_name).write_bytes(data)
        return _finish(_read_datapackage(Path(folder)))


def read_bytes(content: bytes, *, name: str, max_bytes: int) -> Reading:
    """One uploaded or stored JSON file, in any of the one-file shapes."""
    _check_size(len(content), max_bytes)
    if name.lower().endswith(".csv"):
        raise ImportRejected(
            f"{name}: a CSV table is read as part of its data package; import the folder with "
            f"{DATAPACKAGE}. {EXPECTED}"
        )
    return read_document(_parse_json(content, name), name=name)


# HSDS tables an attribute may describe besides services (attribute.link_entity); Sammen keeps
# attributes of services only. Any other value is no HSDS table and is refused by the schema.
OTHER_ATTRIBUTE_TABLES = frozenset(
    {
        "organization",
        "location",
        "service_at_location",
        "contact",
        "phone",
        "address",
        "schedule",
        "program",
        "language",
        "accessibility",
        "funding",
        "cost_option",
        "required_document",
        "service_area",
        "organization_identifier",
    }
)


def _finish(reading: Reading) -> Reading:
    reading.rows = _merge_repeats(reading.rows, reading.skipped)
    kept = []
    for row in reading.rows:
        link_entity = row.record.get("link_entity") if row.entity is ATTRIBUTE else None
        if link_entity in OTHER_ATTRIBUTE_TABLES:
            reading.skipped[("attribute", str(link_entity))] += 1
            continue
        kept.append(row)
    reading.rows = kept
    if not any(row.entity in (ORGANIZATION, SERVICE) for row in reading.rows):
        raise ImportRejected(
            f"No organization or service found, so nothing was imported. {EXPECTED}"
        )
    for row in reading.rows:
        for name in unmodelled_fields(row):
            reading.skipped[("field", f"{row.entity.name}.{name}")] += 1
    return reading


def unmodelled_fields(row: Row) -> list[str]:
    """The fields of a record with a value that Sammen has no column for."""
    entity = row.entity
    known = {*entity.fields, *entity.refs, *entity.constants, "sammen"}
    return sorted(
        name for name, value in row.record.items() if name not in known and value not in _EMPTY
    )


_EMPTY: tuple[Any, ...] = (None, "", [], {})


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportRejected(
            f"The input is {size / 1_000_000:.1f} MB; the limit is {max_bytes / 1_000_000:.1f} MB "
            "(setting HSDS_IMPORT_MAX_BYTES). Nothing was imported."
        )


def _parse_json(content: bytes, name: str) -> Any:
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportRejected(f"{name}: not UTF-8 text. Nothing was imported.") from error
    except json.JSONDecodeError as error:
        raise ImportRejected(
            f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Nothing was imported."
        ) from error
    except RecursionError as error:
        raise ImportRejected(f"{name}: nested too deeply. Nothing was imported.") from error


def _load_json(path: Path) -> Any:
    return _parse_json(path.read_bytes(), path.name)


def read_document(document: Any, *, name: str) -> Reading:
    """The rows of one parsed JSON document, whichever one-file shape it has."""
    return _finish(_read_document(document, name=name))


def _read_document(document: Any, *, name: str) -> Reading:
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items: Any = document["contents"]  # an HSDS API page
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict) and (
        {"organizations", *TOP_LEVEL} & document.keys() and "id" not in document
    ):
        return flatten_document(document)
    elif isinstance(document, dict) and "id" in document:
        items = [document]
    else:
        raise ImportRejected(f"{name}: nothing recognisable. {EXPECTED}")
    reading = Reading()
    for item in items:
        if not isinstance(item, dict):
            reading.errors.append(
                RecordError("document", name, "contents", "each entry must be an object")
            )
            continue
        entity = _compiled_entity(item)
        _walk(entity, [item], entity.plural, None, None, reading, None)
    return reading


def _compiled_entity(item: dict[str, Any]) -> Entity:
    """A compiled service has a status (required for services, absent from organizations)."""
    if "status" in item or "organization" in item or "organization_id" in item:
        return SERVICE
    return ORGANIZATION


def flatten_document(document: dict[str, Any]) -> Reading:
    reading = Reading()
    for key, entity in TOP_LEVEL.items():
        _walk(entity, document.get(key, []), key, None, None, reading, None)
    _walk(
        ORGANIZATION, document.get("organizations", []), "organizations", None, None, reading, None
    )
    for key, value in document.items():
        if key not in TOP_LEVEL and key != "organizations" and value not in _EMPTY:
            reading.skipped[("key", key)] += 1
    return reading


def _walk(
    entity: Entity,
    items: Any,
    key: str,
    parent_ref: str | None,
    parent_id: Any,
    reading: Reading,
    organization_id: Any,
) -> None:
    """Adds the rows of `items` and of everything nested in them. `organization_id` is the
    organization the items sit under, for compiled locations that do not name their own."""
    if not isinstance(items, list):
        reading.errors.append(RecordError(entity.name, str(parent_id or ""), key, "must be a list"))
        return
    for item in items:
        if not isinstance(item, dict):
            reading.errors.append(RecordError(entity.name, "", key, "each entry must be an object"))
            continue
        record = _record(entity, item, parent_ref, parent_id, reading, organization_id)
        if record is None:
            continue
        reading.rows.append(Row(entity, record))
        owner = {"organization": record.get("id"), "service": record.get("organization_id")}
        for child_key, child, ref in CHILDREN.get(entity.name, ()):
            if child_key in item:
                _walk(
                    child,
                    item[child_key],
                    child_key,
                    ref,
                    item.get("id"),
                    reading,
                    owner.get(entity.name, organization_id),
                )


def _record(
    entity: Entity,
    item: dict[str, Any],
    parent_ref: str | None,
    parent_id: Any,
    reading: Reading,
    organization_id: Any,
) -> Record | None:
    """The flat record of one nested item; its nested single objects become rows of their own
    and references in it. None (with the error noted) when it contradicts its parent."""
    nested = NESTED_OBJECTS.get(entity.name, ())
    skip_keys = {child_key for child_key, _child, _ref in CHILDREN.get(entity.name, ())}
    skip_keys |= {nested_key for nested_key, _child, _ref in nested}
    record = {name: value for name, value in item.items() if name not in skip_keys}
    record_id = str(record.get("id", ""))
    for name, value in entity.constants.items():
        record.setdefault(name, value)
    if parent_ref is not None:
        if record.get(parent_ref) not in (None, parent_id):
            message = "does not match the record it is nested in"
            reading.errors.append(RecordError(entity.name, record_id, parent_ref, message))
            return None
        record[parent_ref] = parent_id
    if entity is LOCATION and not record.get("organization_id") and organization_id:
        record["organization_id"] = organization_id
    for nested_key, child, ref in nested:
        inner = item.get(nested_key)
        if not isinstance(inner, dict):
            continue
        if record.get(ref) not in (None, inner.get("id")):
            message = f"differs from {nested_key}.id"
            reading.errors.append(RecordError(entity.name, record_id, ref, message))
            continue
        record[ref] = inner.get("id")
        _walk(child, [inner], nested_key, None, None, reading, organization_id)
    return record


def _merge_repeats(rows: list[Row], skipped: Counter[tuple[str, str]]) -> list[Row]:
    """Drops later copies of a record that differ only in where they are nested; a real
    conflict stays in, for the importer to report as a duplicate id."""
    first: dict[tuple[str, str], Record] = {}
    kept = []
    for row in rows:
        key = (row.entity.name, row.id)
        content = {name: value for name, value in row.record.items() if name not in row.entity.refs}
        if key in first and row.id and first[key] == content:
            skipped[("repeat", row.entity.name)] += 1
            continue
        first.setdefault(key, content)
        kept.append(row)
    return kept


def _read_datapackage(folder: Path) -> Reading:
    descriptor_path = folder / DATAPACKAGE
    if not descriptor_path.is_file():
        raise ImportRejected(f"{folder}: a data package folder needs {DATAPACKAGE}. {EXPECTED}")
    descriptor = _load_json(descriptor_path)
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        raise ImportRejected(f"{DATAPACKAGE}: 'resources' must be a list")
    reading = Reading()
    root = folder.resolve()
    for resource in resources:
        name = resource.get("name") if isinstance(resource, dict) else None
        file_name = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(name, str) or not isinstance(file_name, str):
            raise ImportRejected(f"{DATAPACKAGE}: each resource needs a 'name' and a 'path'")
        data_path = (folder / file_name).resolve()
        if data_path.parent != root:
            raise ImportRejected(f"{DATAPACKAGE}: {file_name!r} is outside the folder")
        if not data_path.is_file():
            raise ImportRejected(f"{DATAPACKAGE}: {file_name!r} is missing")
        items = _read_table(data_path, resource)
        entity = BY_NAME.get(name)
        if entity is None:
            # A table Sammen does not model (funding, programs, metadata, ...): say so.
            reading.skipped[("table", name)] += len(items)
            continue
        for item in items:
            if isinstance(item, dict):
                reading.rows.append(Row(entity, item))
            else:
                reading.errors.append(
                    RecordError(entity.name, "", file_name, "entry is not an object")
                )
    return reading


def _read_table(path: Path, resource: dict[str, Any]) -> list[Any]:
    if resource.get("format") == "csv" or path.suffix.lower() == ".csv":
        return _read_csv(path, BY_NAME.get(str(resource.get("name"))))
    items = _load_json(path)
    if not isinstance(items, list):
        raise ImportRejected(f"{path.name}: must be a list of records")
    return items


def _read_csv(path: Path, entity: Entity | None) -> list[Record]:
    """A CSV table's rows as records: an empty cell is an absent value, and numbers and
    booleans of the fields Sammen knows are typed as its schema has them (what does not parse
    stays text, for the schema check to name)."""
    types = field_types(entity.name) if entity is not None else {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(f"{path.name}: not UTF-8 text. Nothing was imported.") from error
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportRejected(f"{path.name}: not a readable CSV table ({error}).") from error
    records = []
    for row in rows:
        record: Record = {}
        for name, value in row.items():
            if not isinstance(name, str) or not isinstance(value, str) or value == "":
                continue
            record[name] = _typed(value, types.get(name, ()))
        records.append(record)
    return records


def _typed(value: str, types: tuple[str, ...]) -> Any:
    try:
        if "integer" in types:
            return int(value)
        if "number" in types:
            return float(value)
    except ValueError:
        return value
    if "boolean" in types and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


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
