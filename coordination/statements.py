"""A hot read's statement compiled once per process, its per-call values bound as parameters.

Django builds and compiles a queryset anew on every call; for a permission-filtered read such
as cases.selectors.access_entry that is most of the Python of the call (benchmarks/README.md),
while the statement's text never changes: only the person, the row and the clock do. A
`CompiledRead` builds its queryset with the ORM, through the same functions as every other
caller (the rule stays defined once), compiles it, and from then on runs that text with the
call's values in the parameters' places.

Which parameter is which value is not guessed from the code: the queryset is built and compiled
twice with two sets of sentinel values, and every parameter must either be the same in both (a
constant of the shape) or be the sentinel of exactly one slot in each. Anything else (another
statement text for other values, a date or time the builder read from the clock itself instead
of from a slot) refuses to compile. The sentinels match no row, so Django running the template
itself, were it ever to stop asking the compiler for its text, finds nothing: it fails closed.

The text is also PREPAREd once on each database connection that runs it, and each call is an
EXECUTE of it: psycopg2 sends every statement as text, so PostgreSQL would parse, analyse and
plan these joins anew on every call, which costs it several times what executing them does
(benchmarks/README.md); a prepared statement is parsed once, and after its first five runs
PostgreSQL keeps a generic plan when it is no worse than the custom ones. A connection keeps its
prepared statements until it closes (they outlive a rollback); the names are the text's hash.
"""

import datetime
import hashlib
import re
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.constants import OnConflict
from django.db.models.lookups import Lookup
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=models.Model)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Slot:
    """One value bound per call. `a` and `b`: two sentinels that match no row and differ from
    each other; `param`: how the ORM turns the value into its parameter (the identity for a
    column compared to the value); `also`: other parameters the statement makes of the same
    value (e.g. two ages' birth-date cutoffs from one date)."""

    a: Any
    b: Any
    param: Callable[[Any], Any] = _same
    also: tuple[Callable[[Any], Any], ...] = ()


class AnyOf(Lookup):
    """`AnyOf(F("case_id"), ids)` in a filter: `case_id = ANY(%s)`, the ids one array parameter.
    PostgreSQL plans `IN (1, 2, 3)` as `= ANY('{1,2,3}')` anyway; written so, the statement's
    text is the same for any number of ids, and a CompiledRead binds the list as one slot."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [[self.lhs.output_field.get_db_prep_value(v, connection) for v in value]]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY({rhs_sql})", [*lhs_params, *rhs_params]


# The names PREPAREd on each open connection (keyed by psycopg2's connection: the next one,
# after CONN_MAX_AGE or an error closed this, starts with none).
_prepared: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()


_PLACEHOLDER = re.compile(r"%[s%]")
# Each Prepared's text by its name, for what reads the statements a call sent
# (benchmarks/load.py puts a share's statements under their steps by their text).
_texts: dict[str, str] = {}


def statement_text(sql: str) -> str:
    """`sql` itself, or for the EXECUTE of a Prepared the text it runs."""
    if not sql.startswith("EXECUTE "):
        return sql
    return _texts.get(sql.removeprefix("EXECUTE ").split("(", 1)[0], sql)


def _numbered(sql: str) -> tuple[str, int]:
    """Django's placeholders (%s, and %% for a literal %) as PREPARE's $1, $2, ..., and how
    many there are."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match[0] == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql), count


@dataclass(frozen=True)
class _Compiled:
    query: Any
    compiler: SQLCompiler
    prepared: "Prepared"
    # Where the call's value goes: a slot's name and what turns it into the parameter; else
    # None and the constant.
    params: tuple[tuple[str | None, Any], ...]
    # What a values() queryset yields (dicts, tuples) instead of model instances.
    iterable_class: type
    fields: tuple[str, ...] | None
    # A page of the rows (LIMIT and OFFSET two parameters after the others), for Paged.
    paged: "Prepared"


T = TypeVar("T")


def _shallow_copy(obj: T) -> T:
    """What `copy.copy` gives for a plain object, also for django-cte's queries and compilers,
    whose `__reduce__` (there for pickling) makes `copy.copy` return their class instead."""
    clone = object.__new__(type(obj))
    clone.__dict__ = obj.__dict__.copy()
    return clone


# Each template compiler's converters (what turns a column's value into Python: a JSON field's
# parsing, an annotation's output field): they follow from its select list alone, which never
# changes, and PostgreSQL's backend adds none. Django asked every column's field for them on
# every call, ~10 % of a share's Python (benchmarks/README.md).
_converters: "weakref.WeakKeyDictionary[SQLCompiler, dict[int, Any]]" = weakref.WeakKeyDictionary()


def rows_of(
    query: Any,
    compiler: SQLCompiler,
    sql: str,
    params: tuple[Any, ...],
    *,
    using: str,
    iterable_class: type = models.query.ModelIterable,
    fields: tuple[str, ...] | None = None,
) -> list[Any]:
    """The rows of `sql` run with `params`, turned into what the queryset `query` (compiled by
    `compiler` into a statement of the same select list) yields: model instances, or the dicts
    or tuples of a values() queryset."""
    # The compiler already holds what turns rows into objects (select, select_related's tree,
    # converters); a shallow copy answers with this call's text, on this thread's connection
    # (the compiler's is the thread's that compiled it).
    template = compiler
    compiler = _shallow_copy(template)
    compiler.connection = connections[using]
    compiler.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
    converters = _converters.get(template)
    if converters is None:
        select = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = _converters[template] = compiler.get_converters(select)
    compiler.get_converters = lambda expressions: converters  # type: ignore[method-assign]
    query = _shallow_copy(query)
    query.get_compiler = lambda *args, **kwargs: compiler
    queryset: models.QuerySet[Any, Any] = models.QuerySet(
        model=query.model, query=query, using=using
    )
    queryset._iterable_class = iterable_class
    queryset._fields = fields  # type: ignore[attr-defined]
    return list(queryset)


class CompiledRead(Generic[M]):
    """`build(**values)` gives the queryset for one call's values (keyword arguments named as
    the slots); calling the read with values gives its rows (model instances, or the dicts or
    tuples of a values() queryset). `key` names what the statement's
    constants also depend on besides the database (e.g. a content type's id, which a test
    database may give anew): a new key compiles anew."""

    def __init__(
        self,
        build: Callable[..., models.QuerySet[M, Any]],
        *,
        key: Callable[[], Hashable] = lambda: None,
        **slots: Slot,
    ) -> None:
        self._build = build
        self._key = key
        self._slots = slots
        self._compiled: dict[tuple[str, Hashable], _Compiled] = {}
        self._counted: dict[
            tuple[str, Hashable], tuple[Prepared, tuple[tuple[str | None, Any], ...]]
        ] = {}

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        compiled, params = self._bound(using, values)
        return self._rows(compiled, compiled.prepared, params, using)

    def paged(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> "Paged":
        """The rows for these values as coordination.rest's paginator reads a list: a page at
        a time (`[start:stop]`, the statement with LIMIT and OFFSET) and `count()`; nothing is
        read before then."""
        return Paged(self, using, values)

    def text(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple[str, tuple[Any, ...]]:
        """The compiled text (Django's placeholders) and this call's parameters, for a caller
        that runs it inside a statement of its own (the finder's result page)."""
        compiled, params = self._bound(using, values)
        return compiled.prepared.sql, params

    def _bound(self, using: str, values: dict[str, Any]) -> tuple[_Compiled, tuple[Any, ...]]:
        self._check(values)
        key = (using, self._key())
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using)
        return compiled, _bind(compiled.params, values)

    def _check(self, values: dict[str, Any]) -> None:
        if values.keys() != self._slots.keys():
            raise TypeError(f"values for {sorted(self._slots)}, got {sorted(values)}")

    @staticmethod
    def _rows(
        compiled: _Compiled, prepared: "Prepared", params: tuple[Any, ...], using: str
    ) -> list[Any]:
        return rows_of(
            compiled.query,
            compiled.compiler,
            prepared.statement(connections[using], params),
            params,
            using=using,
            iterable_class=compiled.iterable_class,
            fields=compiled.fields,
        )

    def _compile(self, using: str) -> _Compiled:
        queryset, compiler, sql, params = self._shape(self._build, using)
        return _Compiled(
            query=queryset.query,
            compiler=compiler,
            prepared=Prepared(sql),
            params=params,
            iterable_class=queryset._iterable_class,
            fields=queryset._fields,  # type: ignore[attr-defined]
            paged=Prepared(f"{sql} LIMIT %s OFFSET %s"),
        )

    def _shape(
        self, build: Callable[..., models.QuerySet[M, Any]], using: str
    ) -> tuple[models.QuerySet[M, Any], SQLCompiler, str, tuple[tuple[str | None, Any], ...]]:
        """What `build` makes: its queryset, compiler and text, and where each parameter
        comes from (a slot's name and function, or None and the constant)."""
        first = self._template(build, {name: slot.a for name, slot in self._slots.items()}, using)
        second = self._template(build, {name: slot.b for name, slot in self._slots.items()}, using)
        (queryset, compiler, sql, params_a), (_, _, sql_b, params_b) = first, second
        if sql != sql_b or len(params_a) != len(params_b):
            raise ValueError("the statement's text depends on the values")
        params: list[tuple[str | None, Any]] = []
        for a, b in zip(params_a, params_b, strict=True):
            made = [
                (name, param)
                for name, slot in self._slots.items()
                for param in (slot.param, *slot.also)
                if param(slot.a) == a and param(slot.b) == b
            ]
            if a == b and not made:
                if isinstance(a, datetime.date):
                    raise ValueError(f"a date or time not from a slot: {a!r}")
                params.append((None, a))
            # Two of one slot's functions may make the same parameter (two equal ages).
            elif len({name for name, _ in made}) == 1:
                params.append(made[0])
            else:
                raise ValueError(f"parameter {a!r}/{b!r} is no one slot's")
        unused = self._slots.keys() - {name for name, _ in params}
        if unused:
            raise ValueError(f"slots the statement does not use: {sorted(unused)}")
        return queryset, compiler, sql, tuple(params)

    def _count(self, using: str, values: dict[str, Any]) -> int:
        """How many rows: the statement's own rows counted (without its order), compiled once
        as the rows' statement is."""
        self._check(values)
        key = (using, self._key())
        counted = self._counted.get(key)
        if counted is None:
            _, _, sql, params = self._shape(lambda **v: self._build(**v).order_by(), using)
            # The ORM's own text around it; every value stays a parameter.
            count_sql = f"SELECT COUNT(*) FROM ({sql}) subquery"  # noqa: S608
            counted = self._counted[key] = (Prepared(count_sql), params)
        prepared, sources = counted
        bound = _bind(sources, values)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(prepared.statement(connection, bound), bound)
            return int(cursor.fetchone()[0])

    def _template(
        self, build: Callable[..., models.QuerySet[M, Any]], values: dict[str, Any], using: str
    ) -> tuple[models.QuerySet[M, Any], SQLCompiler, str, tuple[Any, ...]]:
        queryset = build(**values)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, tuple(params)


def _bind(sources: tuple[tuple[str | None, Any], ...], values: dict[str, Any]) -> tuple[Any, ...]:
    """A call's parameters: each a constant, or made of the value of its slot."""
    return tuple(value if name is None else value(values[name]) for name, value in sources)


class Paged:
    """A CompiledRead's rows for one call's values, read as Django's Paginator reads a
    queryset: a slice is one page (the compiled text with LIMIT and OFFSET), `count()` the
    COUNT. coordination.rest.FirstPageFirstPaginator counts only when the first page is full."""

    def __init__(self, read: CompiledRead[Any], using: str, values: dict[str, Any]) -> None:
        self._read = read
        self._using = using
        self._values = values

    def __getitem__(self, page: slice) -> list[Any]:
        start = page.start or 0
        if page.step is not None or start < 0 or page.stop is None or page.stop < start:
            raise TypeError("a page: [start:stop], from 0")
        compiled, params = self._read._bound(self._using, self._values)
        return self._read._rows(
            compiled, compiled.paged, (*params, page.stop - start, start), self._using
        )

    def count(self) -> int:
        return self._read._count(self._using, self._values)


class Prepared:
    """A fixed statement text (Django's placeholders) PREPAREd once on each connection that runs
    it: `statement(connection, params)` prepares it there if need be and answers what to send
    instead, `EXECUTE name(%s, ...)`, with the same parameters. A CompiledRead's text, or a
    hand-written statement's (coordination.services: the audit chain's head, the worker's
    claim)."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.name = "sammen_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
        _texts[self.name] = sql
        self.prepare, placeholders = _numbered(sql)
        self.execute = f"EXECUTE {self.name}" + (
            f"({', '.join(['%s'] * placeholders)})" if placeholders else ""
        )

    def statement(self, connection: Any, params: Sequence[Any]) -> str:
        """The text itself when a parameter is an integer beyond int4 (an id from a URL, say):
        PREPARE typed that parameter as its column and EXECUTE would fail to convert it, where
        the text compares it as a number and matches nothing. On psycopg2's own cursor, as
        Django sets a new connection up: a step of the connection, not a statement of the call
        (query-count tests and execute wrappers see the EXECUTE)."""
        if any(_beyond_int4(param) for param in params):
            return self.sql
        connection.ensure_connection()
        prepared = _prepared.setdefault(connection.connection, set())
        if self.name not in prepared:
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute(f"PREPARE {self.name} AS {self.prepare}")
            prepared.add(self.name)
        return self.execute


def _beyond_int4(param: Any) -> bool:
    if isinstance(param, list | tuple):
        return any(_beyond_int4(item) for item in param)
    return type(param) is int and not -(2**31) <= param < 2**31


# A batch of up to this many rows is sent as a statement prepared for its size; a larger one
# (rare: a share to a whole team) as the text itself, so a connection prepares a bounded number.
_INSERT_PREPARED_ROWS = 32


class PreparedInsert(Generic[M]):
    """`bulk_create` of `model`'s rows without its compiler: Django builds, for every call, an
    InsertQuery and compiles it, which for a share's few rows costs more Python than the rows;
    here the statement's text is built once for each batch size, from the model's own concrete
    columns (a column a migration adds is in it), PREPAREd once a connection (`Prepared`), and
    each call binds the rows' values, made by the fields' own `pre_save` and
    `get_db_prep_save`, with a field's own placeholder where it has one (an array's cast), as
    Django's INSERT makes them. Rows come back as bulk_create leaves them: with their id
    (RETURNING names it), saved to the database; with `ignore_conflicts` (ON CONFLICT DO
    NOTHING) without the id, as bulk_create on PostgreSQL. No signals, as bulk_create. For
    models whose id the database makes."""

    def __init__(
        self,
        model: type[M],
        *,
        ignore_conflicts: bool = False,
        unique_fields: Sequence[str] = (),
        update_fields: Sequence[str] = (),
    ) -> None:
        """`unique_fields` and `update_fields` as bulk_create's `update_conflicts`: a row
        whose unique fields are taken updates those fields of the row there (an upsert)."""
        if bool(unique_fields) != bool(update_fields) or (ignore_conflicts and update_fields):
            raise ValueError("unique_fields and update_fields together, or ignore_conflicts")
        self.model = model
        self.ignore_conflicts = ignore_conflicts
        self._on_conflict = (unique_fields, update_fields)
        self._statements: dict[tuple[Any, ...], Prepared | str] = {}

    @cached_property
    def _fields(self) -> list[Any]:
        opts = self.model._meta
        if not getattr(opts.pk, "db_returning", False) or opts.parents:
            raise ValueError(f"{opts.label}: the database must make the id, no parent table")
        fields = [field for field in opts.concrete_fields if field is not opts.pk]
        if any(field.generated for field in fields):
            raise ValueError(f"{opts.label}: a generated column")
        return fields

    def _statement(
        self, connection: Any, rows: int, placeholders: tuple[tuple[str, ...], ...]
    ) -> Prepared | str:
        key = (connection.alias, rows, placeholders)
        statement = self._statements.get(key)
        if statement is None:
            quote, opts = connection.ops.quote_name, self.model._meta
            # The table and column names are the model's own, quoted, and the placeholders the
            # fields' own: no value reaches the text.
            table = quote(opts.db_table)
            tail = (
                ["ON CONFLICT DO NOTHING"]
                if self.ignore_conflicts
                else ["RETURNING", f"{table}.{quote(opts.pk.column)}"]
            )
            column = {field.name: field.column for field in self._fields}
            unique, update = ([column[name] for name in names] for names in self._on_conflict)
            if update:
                # Django's own text for bulk_create(update_conflicts=True).
                upsert = connection.ops.on_conflict_suffix_sql(
                    self._fields, OnConflict.UPDATE, update, unique
                )
                tail = [upsert, *tail]
            sql = " ".join(
                [
                    "INSERT INTO",
                    table,
                    "(" + ", ".join(quote(field.column) for field in self._fields) + ")",
                    "VALUES",
                    ", ".join("(" + ", ".join(row) + ")" for row in placeholders),
                    *tail,
                ]
            )
            statement = Prepared(sql) if rows <= _INSERT_PREPARED_ROWS else sql
            self._statements[key] = statement
        return statement

    def __call__(self, objs: Sequence[M], *, using: str = DEFAULT_DB_ALIAS) -> list[M]:
        if not objs:
            return list(objs)
        connection = connections[using]
        params: list[Any] = []
        placeholders: list[tuple[str, ...]] = []
        for obj in objs:
            if obj.pk is not None:
                raise ValueError("a row with an id already")
            obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
            row = []
            for field in self._fields:
                value = field.pre_save(obj, True)
                if hasattr(value, "resolve_expression"):
                    raise TypeError(f"{field.name}: an expression, not a value")
                value = field.get_db_prep_save(value, connection)
                placeholder = getattr(field, "get_placeholder", None)
                row.append("%s" if placeholder is None else placeholder(value, None, connection))
                params.append(value)
            placeholders.append(tuple(row))
        ids = self._execute(connection, tuple(placeholders), params)
        for at, obj in enumerate(objs):
            if ids is not None:
                obj.pk = ids[at]
            obj._state.adding = False
            obj._state.db = using
        return list(objs)

    @cached_property
    def _plain(self) -> tuple[str, ...]:
        """The attnames `values` takes, in the statement's order."""
        if any(hasattr(field, "get_placeholder") for field in self._fields):
            raise ValueError(f"{self.model._meta.label}: a column with a placeholder of its own")
        return tuple(field.attname for field in self._fields)

    def values(
        self, rows: Sequence[dict[str, Any]], *, using: str = DEFAULT_DB_ALIAS
    ) -> list[int] | None:
        """The same INSERT for rows given as their columns' values by attname (every column but
        the id), as the database takes them: ids for foreign keys, text, aware datetimes. No
        model instance and no field's pre_save/get_db_prep_save per value, which for a write
        of many plain rows (a conversation's page of opens) cost more Python than the rows
        (benchmarks/README.md). The ids written, in order (None with `ignore_conflicts`)."""
        if not rows:
            return []
        names = self._plain
        wanted = set(names)
        params: list[Any] = []
        for row in rows:
            if row.keys() != wanted:
                raise ValueError(f"a row of the columns {names}, got {sorted(row)}")
            params.extend([row[name] for name in names])
        placeholders = (("%s",) * len(names),) * len(rows)
        return self._execute(connections[using], placeholders, params)

    def _execute(
        self, connection: Any, placeholders: tuple[tuple[str, ...], ...], params: list[Any]
    ) -> list[int] | None:
        statement = self._statement(connection, len(placeholders), placeholders)
        sql = statement if isinstance(statement, str) else statement.statement(connection, params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return None if self.ignore_conflicts else [row[0] for row in cursor.fetchall()]
