"""Backup and restore of the register with PostgreSQL's own pg_dump / pg_restore.

A backup is one pg_dump custom-format archive of the register database: schema, functions,
history tables, the VN-2000 rows of spatial_ref_sys and the migration ledger. It is written
under a temporary name and renamed when complete, so an interrupted backup never leaves a
truncated file under the name the user asked for.

A restore never writes into a database that holds data: it restores into a fresh database
and, only when pg_restore succeeded completely, swaps it in under the target name.

Archives are created readable by their owner only (0600): they hold personal data. Roles
are cluster-wide, so pg_dump leaves them out; `backup(..., roles=True)` also writes the
register's login roles (SCRAM password hashes and group memberships) to a sibling file
`<archive>.roles.json` (0600 too), and `restore_roles` recreates the missing ones, so the
communes assigned to officers name roles that exist on a new server.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

from cadastre.db.connection import (
    connect,
    create_database,
    database_exists,
    drop_database,
    mask_password,
    rename_database,
    with_database,
)
from cadastre.db.rows import one_row
from cadastre.db.server import find_bindir
from cadastre.errors import CadastreError

ARCHIVE_SUFFIX = ".dump"
ROLES_SUFFIX = ".roles.json"
# Login roles that are members of these belong to the register (and go into --roles files).
REGISTER_GROUPS = (
    "cadastre_officer",
    "cadastre_approver",
    "cadastre_analyst",
    "cadastre_admin",
    "cadastre_web",
    "cadastre_operator",
)


@dataclass(frozen=True)
class BackupResult:
    """Where the archive (and the roles file) went and how big it is."""

    path: Path
    size_bytes: int
    roles_path: Path | None = None
    role_count: int = 0


def roles_file(archive: Path) -> Path:
    """The sibling file holding an archive's login roles."""
    return archive.with_name(archive.name + ROLES_SUFFIX)


def database_name(url: str) -> str:
    """The database a libpq URL names."""
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise CadastreError(f"The database URL {mask_password(url)} names no database.")
    return name


def dump_command(bindir: Path, url: str) -> list[str]:
    """The pg_dump call writing a custom-format archive of the database at `url` to stdout."""
    return [str(bindir / "pg_dump"), "--format=custom", "--no-password", f"--dbname={url}"]


def restore_command(bindir: Path, url: str, archive: Path) -> list[str]:
    """The pg_restore call loading `archive` into the (empty) database at `url`, atomically."""
    return [
        str(bindir / "pg_restore"),
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        f"--dbname={url}",
        str(archive),
    ]


def backup(
    url: str, target: Path, bindir: Path | None = None, roles: bool = False
) -> BackupResult:
    """Write a complete archive of the register at `url` to `target` (mode 0600), and with
    `roles` its login roles beside it."""
    target = target.resolve()
    if target.is_dir():
        raise CadastreError(
            f"{target} is a folder; give the backup a file name, e.g. "
            f"{target / ('register' + ARCHIVE_SUFFIX)}."
        )
    if not target.parent.is_dir():
        raise CadastreError(f"The folder {target.parent} does not exist.")
    if roles:
        register_roles(url)  # refused now, before any dump, when not a superuser
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with _private_file(partial) as out:
            _run(dump_command(bindir or find_bindir(), url), "pg_dump", stdout=out)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    result = BackupResult(target, target.stat().st_size)
    if roles:
        path, count = write_roles(url, roles_file(target))
        result = BackupResult(target, result.size_bytes, path, count)
    return result


def _private_file(path: Path) -> BinaryIO:
    """A new file opened for writing, created with mode 0600 (never readable by others)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def register_roles(url: str) -> list[dict]:
    """The register's login roles: name, SCRAM hash, groups (as the superuser at `url`)."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not one_row(cur)[0]:
                raise CadastreError(
                    "Saving the login roles needs a superuser (password hashes are theirs "
                    "to read); nothing was written.",
                    hint="Back up without --roles, or as the server's superuser.",
                )
            cur.execute(
                "SELECT r.rolname, r.rolpassword, r.rolinherit, "
                "       array_agg(g.rolname ORDER BY g.rolname) "
                "FROM pg_authid AS r JOIN pg_auth_members AS m ON m.member = r.oid "
                "JOIN pg_roles AS g ON g.oid = m.roleid "
                "WHERE r.rolcanlogin AND NOT r.rolsuper "
                "  AND r.oid IN (SELECT m2.member FROM pg_auth_members AS m2 "
                "                JOIN pg_roles AS g2 ON g2.oid = m2.roleid "
                "                WHERE g2.rolname = ANY(%s)) "
                "GROUP BY r.rolname, r.rolpassword, r.rolinherit ORDER BY r.rolname",
                (list(REGISTER_GROUPS),),
            )
            return [
                {"name": name, "password": password, "inherit": inherit, "groups": groups}
                for name, password, inherit, groups in cur.fetchall()
            ]
    finally:
        conn.close()


def write_roles(url: str, path: Path) -> tuple[Path, int]:
    """Write the register's login roles to `path` (0600, complete or not at all)."""
    roles = register_roles(url)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with _private_file(partial) as out:
            out.write(json.dumps({"roles": roles}, indent=1).encode())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path, len(roles)


def restore_roles(url: str, archive: Path) -> list[str]:
    """Create the login roles saved beside `archive` that this server lacks (with their
    password hashes and groups); the names created. No roles file: nothing to do."""
    path = roles_file(archive.resolve())
    if not path.is_file():
        return []
    roles = json.loads(path.read_text(encoding="utf-8"))["roles"]
    created = []
    conn = connect(with_database(url, "postgres"))  # roles are the server's, not a database's
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT rolname FROM pg_roles")
            existing = {name for (name,) in cur.fetchall()}
            for role in roles:
                if role["name"] in existing:
                    continue
                statement = sql.SQL("CREATE ROLE {} LOGIN {}").format(
                    sql.Identifier(role["name"]),
                    sql.SQL("INHERIT" if role["inherit"] else "NOINHERIT"),
                )
                if role["password"]:
                    statement += sql.SQL(" PASSWORD {}").format(sql.Literal(role["password"]))
                cur.execute(statement)
                for group in role["groups"]:
                    if group in existing:
                        cur.execute(sql.SQL("GRANT {} TO {}").format(
                            sql.Identifier(group), sql.Identifier(role["name"])))
                created.append(role["name"])
    except psycopg2.Error as exc:
        raise CadastreError(
            f"The login roles of {path.name} could not be recreated: "
            f"{str(exc).strip().splitlines()[0]}; nothing was restored.",
            hint="Restore as the server's superuser, or without the .roles.json file beside "
            "the archive.",
        ) from exc
    finally:
        conn.close()
    return created


def restore(url: str, archive: Path, replace: bool = False, bindir: Path | None = None) -> str:
    """Restore `archive` as the database `url` names; returns that database's name.

    Refuses to overwrite an existing database unless `replace`; even then the old database is
    only dropped after the archive restored completely into a fresh one.
    """
    archive = archive.resolve()
    if not archive.is_file():
        raise CadastreError(f"No backup file at {archive}.")
    name = database_name(url)
    exists = database_exists(url, name)
    if exists and not replace:
        raise CadastreError(
            f"The database '{name}' already exists; nothing was restored.",
            hint="Restore into another database (DATABASE_URL or --database NAME), or pass "
            "--replace to swap the restored copy in once it is complete.",
        )
    staging = f"{name}_restoring_{uuid.uuid4().hex[:8]}"
    create_database(url, staging)
    try:
        _run(
            restore_command(bindir or find_bindir(), with_database(url, staging), archive),
            "pg_restore",
            env=quiet_audit_env(),
        )
    except BaseException:
        drop_database(url, staging)
        raise
    if exists:
        drop_database(url, name)
    rename_database(url, staging, name)
    return name


def quiet_audit_env() -> dict[str, str]:
    """pg_restore's environment: PostGIS will not install while pgAudit logs DDL, so its
    session logging is off for the restore (libpq PGOPTIONS; ignored without pgAudit)."""
    options = os.environ.get("PGOPTIONS", "")
    return {**os.environ, "PGOPTIONS": f"{options} -c pgaudit.log=none".strip()}


def _run(command: list[str], program: str, stdout: BinaryIO | None = None,
         env: Mapping[str, str] | None = None) -> None:
    """Run a PostgreSQL client program; its own error message becomes the user's error."""
    try:
        result = subprocess.run(
            command,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env=env,
        )
    except FileNotFoundError as exc:
        raise CadastreError(
            f"{program} is not installed ({command[0]}).", hint="Run scripts/install."
        ) from exc
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        errors = [line for line in lines if "error:" in line] or lines[-1:] or ["no message"]
        raise CadastreError(f"{program} failed: " + " ".join(errors))
