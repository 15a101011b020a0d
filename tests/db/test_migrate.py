"""The migration runner: once each, in order, refuses edited history, rolls back failures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cadastre.db.connection import connect
from cadastre.db.migrate import load_migrations, migrate, sql_root
from cadastre.errors import MigrationError


def copy_sql_tree(tmp_path: Path) -> Path:
    """A private copy of the shipped SQL, so a test can add or edit files."""
    root = tmp_path / "sql"
    shutil.copytree(Path(str(sql_root())), root)
    return root


def fetch_all(url: str, query: str) -> list[tuple]:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchall()
    finally:
        conn.close()


def run_migrate(url: str, root: Path | None = None):
    conn = connect(url)
    try:
        return migrate(conn, root)
    finally:
        conn.close()


def test_migrate_on_an_empty_database_applies_every_file_in_order(empty_db_url: str) -> None:
    report = run_migrate(empty_db_url)
    expected = [migration.name for migration in load_migrations()]
    assert report.applied == expected
    assert report.functions_applied
    recorded = fetch_all(
        empty_db_url,
        "SELECT name FROM schema_migration WHERE name <> 'functions/*' ORDER BY applied_at, name",
    )
    assert [name for (name,) in recorded] == expected
    extensions = {name for (name,) in fetch_all(empty_db_url, "SELECT extname FROM pg_extension")}
    assert {"postgis", "btree_gist"} <= extensions


def test_migrating_again_changes_nothing(db_url: str) -> None:
    before = fetch_all(db_url, "SELECT name, checksum, applied_at FROM schema_migration")
    report = run_migrate(db_url)
    assert not report.changed
    assert fetch_all(db_url, "SELECT name, checksum, applied_at FROM schema_migration") == before


def test_a_changed_applied_migration_is_refused(db_url: str, tmp_path: Path) -> None:
    root = copy_sql_tree(tmp_path)
    first = sorted((root / "migrations").glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- an innocent-looking edit\n")
    with pytest.raises(MigrationError, match=rf"{first.name} was changed after it was applied"):
        run_migrate(db_url, root)


def test_a_failing_migration_is_rolled_back_and_names_file_and_line(
    db_url: str, tmp_path: Path
) -> None:
    root = copy_sql_tree(tmp_path)
    bad = root / "migrations" / "900_bad.sql"
    bad.write_text(
        "CREATE TABLE cadastre.half_done (id int);\n"
        "INSERT INTO cadastre.half_done VALUES (1);\n"
        "\n"
        "INSERT INTO cadastre.half_done VALUES ('not a number');\n"
    )
    with pytest.raises(MigrationError) as failure:
        run_migrate(db_url, root)
    assert "900_bad.sql, line 4" in str(failure.value)
    assert "invalid input syntax for type integer" in str(failure.value)
    assert fetch_all(db_url, "SELECT to_regclass('cadastre.half_done')") == [(None,)]
    assert fetch_all(
        db_url, "SELECT count(*) FROM schema_migration WHERE name = '900_bad.sql'"
    ) == [(0,)]


def test_a_runtime_failure_names_the_line_of_its_statement(db_url: str, tmp_path: Path) -> None:
    root = copy_sql_tree(tmp_path)
    (root / "migrations" / "901_dupes.sql").write_text(
        "CREATE TABLE cadastre.dupes (id int UNIQUE);\n"
        "INSERT INTO cadastre.dupes VALUES (1);\n"
        "INSERT INTO cadastre.dupes\n  VALUES (1);\n"
    )
    with pytest.raises(MigrationError, match=r"901_dupes.sql, line 3 failed: duplicate key"):
        run_migrate(db_url, root)


def test_new_migrations_apply_after_the_recorded_ones(db_url: str, tmp_path: Path) -> None:
    root = copy_sql_tree(tmp_path)
    (root / "migrations" / "902_extra.sql").write_text("CREATE TABLE cadastre.extra (id int);\n")
    assert run_migrate(db_url, root).applied == ["902_extra.sql"]
    assert run_migrate(db_url, root).applied == []


def test_changed_function_files_are_reapplied(db_url: str, tmp_path: Path) -> None:
    root = copy_sql_tree(tmp_path)
    (root / "functions" / "999_extra.sql").write_text(
        "CREATE OR REPLACE FUNCTION cadastre.answer() RETURNS int LANGUAGE sql AS $$ SELECT 42 $$;"
    )
    report = run_migrate(db_url, root)
    assert report.functions_applied and not report.applied
    assert fetch_all(db_url, "SELECT cadastre.answer()") == [(42,)]


def test_a_broken_function_file_leaves_the_previous_functions(db_url: str, tmp_path: Path) -> None:
    root = copy_sql_tree(tmp_path)
    (root / "functions" / "999_broken.sql").write_text(
        "CREATE OR REPLACE FUNCTION cadastre.answer() RETURNS int\n"
        "  LANGUAGE sql AS $$ SELECT 42 $$;\n"
        "CREATE OR REPLACE FUNCTION cadastre.broken() RETURNS int LANGUAGE sql\n"
        "  AS $$ SELECT no_such_column FROM no_such_table $$;\n"
    )
    with pytest.raises(MigrationError, match=r"999_broken.sql, line \d+ failed"):
        run_migrate(db_url, root)
    assert fetch_all(db_url, "SELECT to_regprocedure('cadastre.answer()')") == [(None,)]


def test_an_empty_migration_file_is_refused_before_anything_runs(
    db_url: str, tmp_path: Path
) -> None:
    root = copy_sql_tree(tmp_path)
    (root / "migrations" / "903_empty.sql").write_text("-- to be written\n")
    with pytest.raises(MigrationError, match=r"903_empty\.sql contains no SQL statement"):
        run_migrate(db_url, root)
    assert fetch_all(
        db_url, "SELECT count(*) FROM schema_migration WHERE name = '903_empty.sql'"
    ) == [(0,)]
