"""The migration runner: numbered schema files once each, then the function files every time.

`sql/migrations/NNN_<what>.sql` change tables and are applied once, in order, each in its own
transaction, recorded with a checksum; an applied file that has changed is refused.
`sql/functions/*.sql` hold CREATE OR REPLACE functions, triggers and views; they are
re-applied (in one transaction) whenever any of them changed since the last run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable

import psycopg2
import psycopg2.extensions

from cadastre.db.rows import one_row
from cadastre.db.sql_split import Statement, split_statements
from cadastre.errors import MigrationError

MIGRATION_NAME = re.compile(r"^\d{3}_[a-z0-9_]+\.sql$")
FUNCTIONS_KEY = "functions/*"
LOCK_KEY = 4_211_019_152  # advisory lock: one migrate at a time per database

BOOKKEEPING_SQL = """
CREATE TABLE IF NOT EXISTS public.schema_migration (
    name        text PRIMARY KEY,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE public.schema_migration IS
    'Applied schema migrations (sql/migrations) and the checksum of the function files.';
"""


@dataclass(frozen=True)
class SqlFile:
    """One SQL file shipped with the package."""

    name: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class MigrationReport:
    """What one `migrate` run did."""

    applied: list[str] = field(default_factory=list)
    functions_applied: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.applied) or self.functions_applied


def sql_root() -> Traversable:
    """The SQL shipped as package data (sql/ in the source tree)."""
    return resources.files("cadastre") / "sql"


def load_migrations(root: Traversable | None = None) -> list[SqlFile]:
    """Numbered migration files in order; a misnamed file is an error, not silently skipped."""
    folder = (root or sql_root()) / "migrations"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    for entry in files:
        if not MIGRATION_NAME.match(entry.name):
            raise MigrationError(
                f"Migration file {entry.name} is not named NNN_<what>.sql",
                hint="Rename it, e.g. 007_add_parcel_index.sql (lower case, digits, '_').",
            )
    migrations = [SqlFile(entry.name, entry.read_text(encoding="utf-8")) for entry in files]
    for migration in migrations:
        if not split_statements(migration.text):
            raise MigrationError(
                f"Migration {migration.name} contains no SQL statement.",
                hint="An empty migration would be recorded as applied; write its SQL first.",
            )
    return migrations


def load_functions(root: Traversable | None = None) -> list[SqlFile]:
    """Function files, in name order (prefix them with numbers where order matters)."""
    folder = (root or sql_root()) / "functions"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [SqlFile(entry.name, entry.read_text(encoding="utf-8")) for entry in files]


def applied_migrations(conn: psycopg2.extensions.connection) -> dict[str, str]:
    """name -> checksum of what the database has recorded (empty on a new database)."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('public.schema_migration') IS NOT NULL")
        if not one_row(cur)[0]:
            return {}
        cur.execute("SELECT name, checksum FROM public.schema_migration")
        return dict(cur.fetchall())


def pending_migrations(
    conn: psycopg2.extensions.connection, migrations: Sequence[SqlFile]
) -> list[SqlFile]:
    """Migrations not yet applied; refuses when an applied file changed or is unknown."""
    applied = applied_migrations(conn)
    known = {migration.name for migration in migrations}
    for migration in migrations:
        recorded = applied.get(migration.name)
        if recorded is not None and recorded != migration.checksum:
            raise MigrationError(
                f"Migration {migration.name} was changed after it was applied to this database "
                f"(recorded checksum {recorded[:12]}…, file now {migration.checksum[:12]}…).",
                hint="Never edit an applied migration: restore the file and add a new "
                "numbered migration with the change.",
            )
    unknown = sorted(name for name in applied if name not in known and name != FUNCTIONS_KEY)
    if unknown:
        raise MigrationError(
            f"The database has migrations this code does not know: {', '.join(unknown)}.",
            hint="It was migrated by a newer version of cadastre; upgrade this checkout.",
        )
    return [migration for migration in migrations if migration.name not in applied]


def migrate(
    conn: psycopg2.extensions.connection, root: Traversable | None = None
) -> MigrationReport:
    """Bring the database schema up to date; re-running it changes nothing."""
    migrations = load_migrations(root)
    functions = load_functions(root)
    conn.autocommit = False
    report = MigrationReport()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        cur.execute(BOOKKEEPING_SQL)
        paused = pause_audit_for_postgis(cur)
    conn.commit()
    try:
        for migration in pending_migrations(conn, migrations):
            _apply(conn, migration, "migration")
            report.applied.append(migration.name)
        report.functions_applied = _apply_functions_if_changed(conn, functions)
    finally:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            if paused:
                cur.execute("RESET pgaudit.log")
        conn.commit()
    return report


def pause_audit_for_postgis(cur: psycopg2.extensions.cursor) -> bool:
    """PostGIS refuses to install while pgAudit logs DDL (pgaudit.log not 'none'): on a
    database without PostGIS yet, turn session logging off for this session (superuser only;
    PostgreSQL's own log_statement still records the DDL). True when it did."""
    cur.execute(
        "SELECT coalesce(current_setting('pgaudit.log', true), 'none') <> 'none' "
        "AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') "
        "AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
    )
    if not one_row(cur)[0]:
        return False
    cur.execute("SET pgaudit.log = 'none'")
    return True


def functions_checksum(functions: Sequence[SqlFile]) -> str:
    """One checksum over every function file's name and text."""
    digest = hashlib.sha256()
    for function_file in functions:
        digest.update(function_file.name.encode() + b"\0" + function_file.text.encode() + b"\0")
    return digest.hexdigest()


def _apply_functions_if_changed(
    conn: psycopg2.extensions.connection, functions: Sequence[SqlFile]
) -> bool:
    checksum = functions_checksum(functions)
    if applied_migrations(conn).get(FUNCTIONS_KEY) == checksum:
        return False
    try:
        with conn.cursor() as cur:
            for function_file in functions:
                _execute_file(cur, function_file, "function file")
            _record(cur, FUNCTIONS_KEY, checksum)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return True


def _apply(conn: psycopg2.extensions.connection, migration: SqlFile, kind: str) -> None:
    try:
        with conn.cursor() as cur:
            _execute_file(cur, migration, kind)
            _record(cur, migration.name, migration.checksum)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


def _record(cur: psycopg2.extensions.cursor, name: str, checksum: str) -> None:
    cur.execute(
        "INSERT INTO public.schema_migration (name, checksum) VALUES (%s, %s) "
        "ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, "
        "applied_at = clock_timestamp()",
        (name, checksum),
    )


def _execute_file(cur: psycopg2.extensions.cursor, sql_file: SqlFile, kind: str) -> None:
    """Run a file statement by statement (same transaction), so a failure names its line."""
    for statement in split_statements(sql_file.text):
        try:
            cur.execute(statement.text)
        except psycopg2.Error as exc:
            raise MigrationError(
                _describe_failure(sql_file, statement, kind, exc),
                hint="Nothing from this file was applied; fix it and run "
                "`cadastre db migrate` again.",
            ) from exc


def _describe_failure(
    sql_file: SqlFile, statement: Statement, kind: str, exc: psycopg2.Error
) -> str:
    message = (exc.diag.message_primary or str(exc)).strip()
    line = error_line(statement, exc.diag.statement_position)
    detail = f"\n{exc.diag.context.strip()}" if exc.diag.context else ""
    return f"The {kind} {sql_file.name}, line {line} failed: {message}{detail}"


def error_line(statement: Statement, position: str | None) -> int:
    """The file line of an error: where PostgreSQL points, else where the statement starts."""
    if not position:
        return statement.line
    offset = int(position) - 1
    return statement.line + statement.text.count("\n", 0, max(offset, 0))
