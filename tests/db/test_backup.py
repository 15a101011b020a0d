"""`cadastre db backup` / `restore`: the register round-trips exactly, nothing lost on failure."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

import psycopg2
import pytest

from cadastre.db import backup as backups
from cadastre.db.connection import (
    connect,
    database_exists,
    drop_database,
    with_database,
    with_user,
)
from cadastre.db.roles import add_user
from cadastre.errors import CadastreError
from tests.db.register_helpers import (
    approved_dossier,
    change,
    first_registration,
    rect,
    refused,
    register_parcel,
    scalar,
    split,
)
from tests.db.test_cli_register import run_cli


def _fingerprint(url: str) -> dict[str, str]:
    """A digest of every row of every register table, the migration ledger and the CRS rows."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                "WHERE schemaname IN ('cadastre', 'public') AND tablename <> 'spatial_ref_sys' "
                "ORDER BY 1"
            )
            tables = [name for (name,) in cur.fetchall()]
            digest = {}
            for table in tables:
                cur.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "
                    f"ORDER BY t::text), '')) FROM {table} AS t"
                )
                count, md5 = cur.fetchone()
                digest[table] = f"{count}:{md5}"
            cur.execute(
                "SELECT md5(string_agg(t::text, '|' ORDER BY srid)) "
                "FROM spatial_ref_sys AS t WHERE srid BETWEEN 9205 AND 9218"
            )
            digest["spatial_ref_sys(VN-2000)"] = cur.fetchone()[0]
            cur.execute(
                "SELECT count(*) FROM pg_proc WHERE pronamespace = 'cadastre'::regnamespace"
            )
            digest["functions"] = str(cur.fetchone()[0])
            cur.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
            digest["triggers"] = str(cur.fetchone()[0])
        return digest
    finally:
        conn.close()


@pytest.fixture
def populated_register(register_url: str) -> str:
    """A register with a registration, a split (so history and lineage exist)."""
    conn = connect(register_url)
    try:
        parent_id, _ = first_registration(
            conn, "2012-03-01", 45, rect(0, 0, 20, 10), holder_names=(("Nguyễn Văn An", "1"),)
        )
        with change(conn, "2020-05-04") as cur:
            dossier = approved_dossier(cur, "split", "2020-05-04")
            split(cur, dossier, parent_id, [rect(0, 0, 12, 10), rect(12, 0, 20, 10)], [101, 102])
    finally:
        conn.close()
    return register_url


@pytest.fixture
def restored_url(register_url: str, admin_url: str):
    """The URL of a database the test restores into (dropped afterwards)."""
    url = with_database(register_url, f"cadastre_restored_{uuid.uuid4().hex[:10]}")
    yield url
    drop_database(admin_url, backups.database_name(url))


def test_backup_then_restore_gives_back_the_register_exactly(
    populated_register: str, restored_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "register.dump"

    result = backups.backup(populated_register, archive)
    backups.restore(restored_url, archive)

    assert result.size_bytes > 0
    assert _fingerprint(restored_url) == _fingerprint(populated_register)


def test_a_restored_register_still_enforces_its_rules(
    populated_register: str, restored_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "register.dump"
    backups.backup(populated_register, archive)
    backups.restore(restored_url, archive)
    conn = connect(restored_url)
    try:
        error = refused(
            conn,
            "2021-01-01",
            lambda cur: register_parcel(
                cur,
                approved_dossier(cur, "first_registration", "2021-01-01"),
                7,
                rect(5, 5, 15, 15),
                None,
            ),
        )
        assert isinstance(error, psycopg2.Error)
        assert "overlap" in str(error).lower()
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel WHERE status = 'current'") == 2
    finally:
        conn.close()


def test_restore_refuses_to_overwrite_an_existing_database(
    populated_register: str, tmp_path: Path
) -> None:
    archive = tmp_path / "register.dump"
    backups.backup(populated_register, archive)
    before = _fingerprint(populated_register)

    with pytest.raises(CadastreError, match="already exists"):
        backups.restore(populated_register, archive)

    assert _fingerprint(populated_register) == before


def test_a_failed_restore_with_replace_keeps_the_existing_database(
    populated_register: str, tmp_path: Path
) -> None:
    garbage = tmp_path / "broken.dump"
    garbage.write_bytes(b"PGDMP this is not a complete archive")
    before = _fingerprint(populated_register)

    with pytest.raises(CadastreError, match="pg_restore failed"):
        backups.restore(populated_register, garbage, replace=True)

    assert _fingerprint(populated_register) == before
    name = backups.database_name(populated_register)
    leftovers = scalar(
        connect(with_database(populated_register, "postgres")),
        "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
        (f"{name}_restoring_%",),
    )
    assert leftovers == 0


def test_restore_with_replace_swaps_in_the_backup(populated_register: str, tmp_path: Path) -> None:
    archive = tmp_path / "register.dump"
    backups.backup(populated_register, archive)
    expected = _fingerprint(populated_register)
    conn = connect(populated_register)
    try:
        with change(conn, "2022-01-01") as cur:
            register_parcel(
                cur,
                approved_dossier(cur, "first_registration", "2022-01-01"),
                9,
                rect(40, 0, 50, 10),
                None,
            )
    finally:
        conn.close()

    backups.restore(populated_register, archive, replace=True)

    assert _fingerprint(populated_register) == expected


def test_an_interrupted_backup_leaves_no_file_under_the_final_name(
    register_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "register.dump"
    missing_db = with_database(register_url, f"no_such_db_{uuid.uuid4().hex[:6]}")
    assert not database_exists(register_url, backups.database_name(missing_db))

    with pytest.raises(CadastreError, match="pg_dump failed"):
        backups.backup(missing_db, archive)

    assert list(tmp_path.iterdir()) == []


def test_cli_backup_and_restore_round_trip(
    populated_register: str, restored_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "register.dump"

    backed_up = run_cli(populated_register, "db", "backup", str(archive))
    restored = run_cli(
        populated_register,
        "db",
        "restore",
        str(archive),
        "--database",
        backups.database_name(restored_url),
    )
    again = run_cli(populated_register, "db", "restore", str(archive))

    assert backed_up.returncode == 0, backed_up.stderr
    assert "Backup written" in backed_up.stdout
    assert restored.returncode == 0, restored.stderr
    assert _fingerprint(restored_url) == _fingerprint(populated_register)
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(
    populated_register: str, tmp_path: Path
) -> None:
    archive = tmp_path / "register.dump"
    previous = os.umask(0)
    try:
        result = backups.backup(populated_register, archive, roles=True)
    finally:
        os.umask(previous)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert result.roles_path == backups.roles_file(archive)
    assert stat.S_IMODE(result.roles_path.stat().st_mode) == 0o600


@pytest.fixture
def officer(populated_register: str) -> tuple[str, str]:
    """An officer of commune 00070 with a password (the role is dropped afterwards)."""
    name, password = f"t_officer_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    conn = connect(populated_register)
    try:
        add_user(conn, name, "officer", ["00070"], password=password)
    finally:
        conn.close()
    yield name, password
    _drop_role(populated_register, name)


def _drop_role(url: str, name: str) -> None:
    conn = connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
            if cur.fetchone():
                cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')
    finally:
        conn.close()


def test_login_roles_come_back_with_their_password_and_group_after_a_restore(
    populated_register: str, restored_url: str, officer: tuple[str, str], tmp_path: Path
) -> None:
    name, password = officer
    archive = tmp_path / "register.dump"
    backed_up = run_cli(populated_register, "db", "backup", str(archive), "--roles")
    saved = json.loads(backups.roles_file(archive).read_text())["roles"]
    _drop_role(populated_register, name)  # as on a new server, where the role never existed

    restored = run_cli(
        populated_register, "db", "restore", str(archive),
        "--database", backups.database_name(restored_url),
    )

    assert backed_up.returncode == 0, backed_up.stderr
    assert "Login roles written" in backed_up.stdout
    assert [role["groups"] for role in saved if role["name"] == name] == [["cadastre_officer"]]
    assert restored.returncode == 0, restored.stderr
    assert f"Recreated login roles: {name}" in restored.stdout
    conn = connect(with_user(restored_url, name, password))
    try:
        assert scalar(conn, "SELECT pg_has_role(current_user, 'cadastre_officer', 'MEMBER')")
        orphans = scalar(
            conn,
            "SELECT count(*) FROM cadastre.officer_commune AS o "
            "WHERE NOT EXISTS (SELECT 1 FROM pg_roles AS r WHERE r.rolname = o.role_name)",
        )
        assert orphans == 0
    finally:
        conn.close()


def test_restoring_roles_leaves_existing_ones_alone(
    populated_register: str, officer: tuple[str, str], tmp_path: Path
) -> None:
    archive = tmp_path / "register.dump"
    backups.backup(populated_register, archive, roles=True)

    assert backups.restore_roles(populated_register, archive) == []


def test_saving_roles_without_being_a_superuser_is_refused_before_anything_is_written(
    populated_register: str, tmp_path: Path
) -> None:
    operator = with_user(populated_register, "cadastre_operator")

    with pytest.raises(CadastreError, match="needs a superuser"):
        backups.backup(operator, tmp_path / "register.dump", roles=True)

    assert list(tmp_path.iterdir()) == []
