"""Setting a test database back to a recorded state, touching only the tables that differ from it.

Django's flush after a transactional test TRUNCATEs every table (file operations for each table
and index: ~1-2 s on the shared 2 cores) and then re-creates, through post_migrate, the content
types, permissions and groups it has just emptied. A TableSnapshot records the tables' rows once
(after a real flush: tests/conftest.py; after seeding the demo: tests/e2e/conftest.py) in a schema
of the test database, invisible to the ORM and the introspection (they look in `public` only);
restoring it finds in one statement the tables that differ from the record and empties or
refills only those.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper


class TableSnapshot:
    """The rows of every Django table of one database, kept in `schema` of that database."""

    def __init__(self, connection: BaseDatabaseWrapper, schema: str) -> None:
        self._connection = connection
        self._schema = connection.ops.quote_name(schema)
        # Made by take() or adopt(): one query naming the tables that differ from the record, and
        # for each table the SQL that empties it and refills it from the record.
        self._probe_sql = ""
        self._tables: list[str] = []
        self._triggered: set[str] = set()
        self._referenced_by: dict[str, set[str]] = {}
        self._refill_sql: dict[str, str] = {}

    @property
    def taken(self) -> bool:
        return bool(self._probe_sql)

    def take(self) -> None:
        """Records the rows every Django table holds now."""
        self._prepare(record=True)

    def adopt(self) -> None:
        """Takes as its record the one already in `schema`, made by take() in the database this
        one was copied from (tests/demo_template.py): the same tables and columns, as the
        copy has the same migrations."""
        self._prepare(record=False)

    def _prepare(self, record: bool) -> None:
        connection, schema = self._connection, self._schema
        quote = connection.ops.quote_name
        tables = sorted(
            connection.introspection.django_table_names(only_existing=True, include_views=False)
        )
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # Generated columns are computed again on INSERT and cannot be written.
            cursor.execute(
                "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum),"
                " EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal"
                # A trigger on DELETE (8: TRIGGER_TYPE_DELETE); one on INSERT or UPDATE only
                # (the services' words, services_registry 0005) lets DELETE restore the table.
                " AND t.tgtype & 8 <> 0)"
                " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
                " WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid)"
                " AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
                " GROUP BY c.oid, c.relname",
                [tables],
            )
            columns = {name: (cols, triggered) for name, cols, triggered in cursor.fetchall()}
            cursor.execute(
                "SELECT src.relname, dst.relname FROM pg_constraint k"
                " JOIN pg_class src ON src.oid = k.conrelid"
                " JOIN pg_class dst ON dst.oid = k.confrelid"
                " WHERE k.contype = 'f' AND src.relname = ANY(%s) AND dst.relname = ANY(%s)"
                " AND pg_table_is_visible(src.oid) AND pg_table_is_visible(dst.oid)",
                [tables, tables],
            )
            referenced_by: dict[str, set[str]] = {table: set() for table in tables}
            for source, target in cursor.fetchall():
                referenced_by[target].add(source)
            if record:
                cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
            probes, refill_sql = [], {}
            for table in tables:
                cols = columns[table][0]
                name, copy = quote(table), f"{schema}.{quote(table)}"
                if record:
                    cursor.execute(f"CREATE TABLE {copy} AS SELECT {cols} FROM {name}")
                    filled = cursor.rowcount > 0
                else:
                    cursor.execute(f"SELECT EXISTS (SELECT FROM {copy})")
                    filled = cursor.fetchone()[0]
                if filled:
                    refill_sql[table] = f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {copy};"
                    # Rows compared as multisets: a changed, added or removed row shows.
                    probes.append(
                        f"EXISTS ((SELECT {cols} FROM {name} EXCEPT ALL SELECT {cols} FROM"
                        f" {copy}) UNION ALL (SELECT {cols} FROM {copy} EXCEPT ALL"
                        f" SELECT {cols} FROM {name}))"
                    )
                else:
                    probes.append(f"EXISTS (SELECT FROM {name})")
        self._tables = tables
        self._triggered = {table for table in tables if columns[table][1]}
        self._referenced_by = referenced_by
        self._refill_sql = refill_sql
        self._probe_sql = "SELECT " + ", ".join(probes)

    def differing(self) -> list[str]:
        """The tables whose rows are not the recorded ones."""
        with self._connection.cursor() as cursor:
            cursor.execute(self._probe_sql)
            row = cursor.fetchone()
        return [table for table, differs in zip(self._tables, row, strict=True) if differs]

    def restore(self) -> None:
        """Makes every Django table hold exactly the recorded rows again."""
        if not self.taken:
            raise RuntimeError("restore() of a snapshot never taken")
        differing = self.differing()
        if not differing:
            return
        truncated = self._must_truncate(differing)
        deleted = [table for table in differing if table not in truncated]
        quote = self._connection.ops.quote_name
        statements = [f"DELETE FROM {quote(table)};" for table in deleted]
        if truncated:
            # A trigger of the table's own (the audit log's append-only one) refuses DELETE.
            statements.append(f"TRUNCATE {', '.join(map(quote, sorted(truncated)))};")
        statements += [
            self._refill_sql[table]
            for table in self._tables
            if table in self._refill_sql and (table in truncated or table in differing)
        ]
        # Django's foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED): the order
        # of the statements within the transaction does not matter.
        with (
            transaction.atomic(using=self._connection.alias),
            self._connection.cursor() as cursor,
        ):
            cursor.execute("\n".join(statements))

    def _must_truncate(self, differing: Iterable[str]) -> set[str]:
        # PostgreSQL truncates a table only together with every table whose foreign keys point
        # at it (without CASCADE, which would hide a mistake here).
        pending = [table for table in differing if table in self._triggered]
        truncated = set(pending)
        while pending:
            for source in self._referenced_by[pending.pop()]:
                if source not in truncated:
                    truncated.add(source)
                    pending.append(source)
        return truncated
