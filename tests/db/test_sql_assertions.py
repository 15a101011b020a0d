"""The pure SQL helpers, tested in SQL: each tests/sql/*.sql file is a behaviour, written as
`DO $$ … ASSERT <condition>, '<case>'; … $$` blocks, run statement by statement against a
fresh register (Hà Nội, EPSG:5897) inside one transaction that is rolled back. A failing
ASSERT fails the file's test naming the file, the line of its block and the case.

A file runs as the register's owner unless it says otherwise (`SET LOCAL ROLE cadastre_web;`
before the blocks that prove what the web role may call).
"""

from __future__ import annotations

from pathlib import Path

import psycopg2
import psycopg2.extensions
import pytest

from cadastre.db.connection import connect
from cadastre.db.sql_split import split_statements

SQL_TESTS = Path(__file__).resolve().parent.parent / "sql"
FILES = sorted(SQL_TESTS.glob("*.sql"))


class SqlAssertionError(AssertionError):
    """An ASSERT (or any statement) of a SQL test file failed."""


def run_sql_file(conn: psycopg2.extensions.connection, name: str, script: str) -> int:
    """Run `script` statement by statement in one transaction, rolled back after; the number
    of statements run. A failure raises SqlAssertionError naming the file line and case."""
    statements = split_statements(script)
    try:
        with conn.cursor() as cur:
            for statement in statements:
                try:
                    cur.execute(statement.text)
                except psycopg2.Error as exc:
                    case = (exc.diag.message_primary or str(exc)).strip()
                    raise SqlAssertionError(f"{name}, line {statement.line}: {case}") from exc
    finally:
        conn.rollback()
    return len(statements)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_sql_file_assertions_hold(register: psycopg2.extensions.connection, path: Path) -> None:
    ran = run_sql_file(register, f"tests/sql/{path.name}", path.read_text(encoding="utf-8"))
    assert ran > 0, f"{path.name} holds no statement"


def test_the_sql_test_files_are_found() -> None:
    assert len(FILES) >= 5, f"expected the SQL test files in {SQL_TESTS}"


def test_a_false_assertion_fails_naming_its_case_and_line(register_url: str) -> None:
    script = (
        "DO $$ BEGIN ASSERT 1 + 1 = 2, 'arithmetic holds'; END $$;\n"
        "\n"
        "DO $$\nBEGIN\n    ASSERT cadastre.parcel_ref('00070', '1', 5) = '00070/1/6',\n"
        "        'a made-up reference is not the real one';\nEND\n$$;\n"
    )
    conn = connect(register_url)
    try:
        with pytest.raises(SqlAssertionError) as failure:
            run_sql_file(conn, "probe.sql", script)
    finally:
        conn.close()
    assert str(failure.value) == "probe.sql, line 3: a made-up reference is not the real one"
