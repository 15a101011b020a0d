"""Backup and restore of the register with PostgreSQL's own pg_dump / pg_restore.

A backup is one pg_dump custom-format archive of the register database: schema, functions,
history tables, the VN-2000 rows of spatial_ref_sys and the migration ledger. It is written
under a temporary name and renamed when complete, so an interrupted backup never leaves a
truncated file under the name the user asked for.

A restore never writes into a database that holds data: it restores into a fresh database
and, only when pg_restore succeeded completely, swaps it in under the target name.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cadastre.db.connection import (
    create_database,
    database_exists,
    drop_database,
    mask_password,
    rename_database,
    with_database,
)
from cadastre.db.server import find_bindir
from cadastre.errors import CadastreError

ARCHIVE_SUFFIX = ".dump"


@dataclass(frozen=True)
class BackupResult:
    """Where the archive went and how big it is."""

    path: Path
    size_bytes: int


def database_name(url: str) -> str:
    """The database a libpq URL names."""
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise CadastreError(f"The database URL {mask_password(url)} names no database.")
    return name


def dump_command(bindir: Path, url: str, target: Path) -> list[str]:
    """The pg_dump call writing a custom-format archive of the database at `url`."""
    return [
        str(bindir / "pg_dump"),
        "--format=custom",
        "--no-password",
        f"--file={target}",
        f"--dbname={url}",
    ]


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


def backup(url: str, target: Path, bindir: Path | None = None) -> BackupResult:
    """Write a complete archive of the register at `url` to `target`."""
    target = target.resolve()
    if target.is_dir():
        raise CadastreError(
            f"{target} is a folder; give the backup a file name, e.g. "
            f"{target / ('register' + ARCHIVE_SUFFIX)}."
        )
    if not target.parent.is_dir():
        raise CadastreError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        _run(dump_command(bindir or find_bindir(), url, partial), "pg_dump")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size)


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
        )
    except BaseException:
        drop_database(url, staging)
        raise
    if exists:
        drop_database(url, name)
    rename_database(url, staging, name)
    return name


def _run(command: list[str], program: str) -> None:
    """Run a PostgreSQL client program; its own error message becomes the user's error."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise CadastreError(
            f"{program} is not installed ({command[0]}).", hint="Run scripts/install."
        ) from exc
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        errors = [line for line in lines if "error:" in line] or lines[-1:] or ["no message"]
        raise CadastreError(f"{program} failed: " + " ".join(errors))
