"""Every object of the register's schemas says what it is: a COMMENT on each schema, table,
view, column, function and type (docs/data-model.md promises it; psql's `\\d+` and QGIS's
layer properties show it).

The register's schemas are read from the migrated template, not listed here: every schema
but PostgreSQL's own. Objects an extension installed (PostGIS in `public`, pg_trgm in
`cadastre`) are the extension's and are left out.
"""

from __future__ import annotations

import psycopg2.extensions
import pytest

# Schemas that are PostgreSQL's, not the project's.
SYSTEM_SCHEMAS = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
)


def not_from_extension(catalog: str, oid: str) -> str:
    """SQL condition: the object `oid` of `catalog` was not installed by an extension."""
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = '{catalog}'::regclass "
        f"AND d.objid = {oid} AND d.deptype = 'e')"
    )




def relations(kinds: str) -> str:
    """SQL: the project's relations of the given pg_class kinds ('r', 'v'…)."""
    return f"""
        SELECT c.oid, n.nspname, c.relname, c.relkind
        FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE {SYSTEM_SCHEMAS} AND c.relkind IN ({kinds})
          AND {not_from_extension('pg_class', 'c.oid')}
    """


TABLES = relations("'r', 'p', 'f'")
VIEWS = relations("'v', 'm'")

# What lacks a comment, by kind of object: one name per row.
UNCOMMENTED = {
    "schema": f"""
        SELECT n.nspname FROM pg_namespace AS n
        WHERE {SYSTEM_SCHEMAS} AND n.nspname <> 'public'
          AND obj_description(n.oid, 'pg_namespace') IS NULL
    """,
    "table": f"""
        SELECT r.nspname || '.' || r.relname FROM ({TABLES}) AS r
        WHERE obj_description(r.oid, 'pg_class') IS NULL
    """,
    "table column": f"""
        SELECT r.nspname || '.' || r.relname || '.' || a.attname
        FROM ({TABLES}) AS r
        JOIN pg_attribute AS a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE col_description(r.oid, a.attnum) IS NULL
    """,
    "view": f"""
        SELECT r.nspname || '.' || r.relname FROM ({VIEWS}) AS r
        WHERE obj_description(r.oid, 'pg_class') IS NULL
    """,
    "view column": f"""
        SELECT r.nspname || '.' || r.relname || '.' || a.attname
        FROM ({VIEWS}) AS r
        JOIN pg_attribute AS a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE col_description(r.oid, a.attnum) IS NULL
    """,
    "function": f"""
        SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid)
               || ')'
        FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
        WHERE {SYSTEM_SCHEMAS} AND {not_from_extension('pg_proc', 'p.oid')}
          AND obj_description(p.oid, 'pg_proc') IS NULL
    """,
    # Composite types made by CREATE TYPE (not a table's row type), enums and domains.
    "type": f"""
        SELECT n.nspname || '.' || t.typname
        FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace
        LEFT JOIN pg_class AS c ON c.oid = t.typrelid
        WHERE {SYSTEM_SCHEMAS} AND {not_from_extension('pg_type', 't.oid')}
          AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND c.relkind = 'c'))
          AND obj_description(t.oid, 'pg_type') IS NULL
    """,
}

WHERE_TO_WRITE = {
    "schema": "a new migration",
    "table": "a new migration (sql/migrations/NNN_*.sql)",
    "table column": "a new migration (sql/migrations/NNN_*.sql)",
    "view": "the function file that creates the view, beside its CREATE OR REPLACE VIEW",
    "view column": "the function file that creates the view, beside its CREATE OR REPLACE VIEW",
    "function": "the function file, beside its CREATE OR REPLACE FUNCTION",
    "type": "where the type is created",
}


def uncommented(conn: psycopg2.extensions.connection, kind: str) -> list[str]:
    """Names of the `kind` objects of the register's schemas that have no COMMENT."""
    with conn.cursor() as cur:
        cur.execute(UNCOMMENTED[kind])
        return sorted(name for (name,) in cur.fetchall())


@pytest.mark.parametrize("kind", list(UNCOMMENTED))
def test_every_object_of_the_register_schemas_has_a_comment(
    db: psycopg2.extensions.connection, kind: str
) -> None:
    missing = uncommented(db, kind)
    assert not missing, (
        f"{len(missing)} {kind}(s) without a COMMENT; write one in {WHERE_TO_WRITE[kind]}:\n  "
        + "\n  ".join(missing)
    )


def test_the_register_schemas_are_found_and_extensions_left_out(
    db: psycopg2.extensions.connection,
) -> None:
    """The check looks where the register is (not at an empty list), and not at PostGIS."""
    with db.cursor() as cur:
        cur.execute(f"SELECT n.nspname FROM pg_namespace AS n WHERE {SYSTEM_SCHEMAS}")
        schemas = {name for (name,) in cur.fetchall()}
        cur.execute(
            f"SELECT count(*) FROM ({TABLES}) AS r WHERE r.nspname = 'cadastre'"
        )
        (tables,) = cur.fetchone()
    assert {"cadastre", "public_register", "public"} <= schemas
    assert tables > 20
    # PostGIS's spatial_ref_sys and pg_trgm's functions in `cadastre` are not the project's.
    with db.cursor() as cur:
        cur.execute(
            "CREATE TABLE cadastre.h_probe (x int); "
            "CREATE FUNCTION public_register.h_probe() RETURNS int LANGUAGE sql AS 'SELECT 1'; "
            "CREATE TYPE cadastre.h_probe_kind AS ENUM ('a')"
        )
    assert "cadastre.h_probe" in uncommented(db, "table")
    assert "cadastre.h_probe.x" in uncommented(db, "table column")
    assert "public_register.h_probe()" in uncommented(db, "function")
    assert "cadastre.h_probe_kind" in uncommented(db, "type")
    assert not any("spatial_ref_sys" in name for name in uncommented(db, "table"))
    assert not any("similarity" in name for name in uncommented(db, "function"))
    db.rollback()
