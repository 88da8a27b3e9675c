"""What a statement asks, for tests that read the SQL a call sent: a compiled read
(coordination.statements) sends `EXECUTE name(...)`, and PostgreSQL's own record of the
connection's prepared statements says what that name runs."""

from django.db import connection


def statement_text(sql: str) -> str:
    """`sql` itself, or for an EXECUTE the text PREPAREd under its name on this connection."""
    if not sql.startswith("EXECUTE "):
        return sql
    name = sql.removeprefix("EXECUTE ").split("(", 1)[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        (prepared,) = cursor.fetchone()
    return prepared.split(" AS ", 1)[1]
