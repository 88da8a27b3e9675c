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
"""

import datetime
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
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


@dataclass(frozen=True)
class _Compiled:
    query: Any
    compiler: SQLCompiler
    sql: str
    # Where the call's value goes: a slot's name and what turns it into the parameter; else
    # None and the constant.
    params: tuple[tuple[str | None, Any], ...]
    # What a values() queryset yields (dicts, tuples) instead of model instances.
    iterable_class: type
    fields: tuple[str, ...] | None


T = TypeVar("T")


def _shallow_copy(obj: T) -> T:
    """What `copy.copy` gives for a plain object, also for django-cte's queries and compilers,
    whose `__reduce__` (there for pickling) makes `copy.copy` return their class instead."""
    clone = object.__new__(type(obj))
    clone.__dict__ = obj.__dict__.copy()
    return clone


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
    compiler = _shallow_copy(compiler)
    compiler.connection = connections[using]
    compiler.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
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

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        if values.keys() != self._slots.keys():
            raise TypeError(f"values for {sorted(self._slots)}, got {sorted(values)}")
        key = (using, self._key())
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using)
        params = tuple(
            value if name is None else value(values[name]) for name, value in compiled.params
        )
        return rows_of(
            compiled.query,
            compiled.compiler,
            compiled.sql,
            params,
            using=using,
            iterable_class=compiled.iterable_class,
            fields=compiled.fields,
        )

    def _compile(self, using: str) -> _Compiled:
        first = self._template({name: slot.a for name, slot in self._slots.items()}, using)
        second = self._template({name: slot.b for name, slot in self._slots.items()}, using)
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
        return _Compiled(
            query=queryset.query,
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            iterable_class=queryset._iterable_class,
            fields=queryset._fields,  # type: ignore[attr-defined]
        )

    def _template(
        self, values: dict[str, Any], using: str
    ) -> tuple[models.QuerySet[M, Any], SQLCompiler, str, tuple[Any, ...]]:
        queryset = self._build(**values)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, tuple(params)
