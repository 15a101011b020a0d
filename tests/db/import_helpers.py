"""Helpers for the `cadastre import` tests: shared data, small layers, registers and reads.

The import is exercised exactly as the CLI runs it: `read_source` (the file half) then
`import_source` (stage → cadastre.register_staged → report) against the test's own PostGIS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psycopg2.extensions
import pyogrio.raw

from cadastre.db.connection import connect, create_database, drop_database, with_database
from cadastre.io.importer import DossierSpec, ImportReport, import_source
from cadastre.io.reader import read_source
from cadastre.register.binding import communes as binding_communes
from cadastre.register.binding import setup
from cadastre.settings import PROJECT_ROOT

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ETALAB = SHARED_DATA / "fr_etalab"
PARIS_18 = ETALAB / "cadastre-75118-parcelles.json"
EPINAY = ETALAB / "cadastre-91216-parcelles.json"
GEOS_CASES = SHARED_DATA / "geos_validity" / "geos_TestValid_cases.csv"

OFFICER = "Nguyễn Thị Cán bộ"

Connection = psycopg2.extensions.connection


def run_import(
    conn: Connection,
    path: Path,
    *,
    officer: str = OFFICER,
    dossier_id: int | None = None,
    repair: bool = False,
    **read_options: Any,
) -> ImportReport:
    """Read a file and import it under a new (or the given) dossier, as `cadastre import` does."""
    source = read_source(path, **read_options)
    spec = DossierSpec(dossier_id=dossier_id, officer=None if dossier_id else officer)
    return import_source(conn, source, spec, repair=repair)


def scalar(conn: Connection, query: str, params: Sequence[Any] = ()) -> Any:
    """The single value of a query (read in its own transaction, ended afterwards)."""
    with conn.cursor() as cur:
        cur.execute(query, params)
        value = cur.fetchone()[0]
    conn.rollback()
    return value


def fetch(conn: Connection, query: str, params: Sequence[Any] = ()) -> list[tuple]:
    """All rows of a query (read in its own transaction, ended afterwards)."""
    with conn.cursor() as cur:
        cur.execute(query, params)
        rows = cur.fetchall()
    conn.rollback()
    return rows


def execute(conn: Connection, *statements: str | tuple[str, Sequence[Any]]) -> None:
    """Run statements in one committed transaction."""
    with conn, conn.cursor() as cur:
        for statement in statements:
            query, params = (statement, ()) if isinstance(statement, str) else statement
            cur.execute(query, params)


COUNTED_TABLES = (
    "parcel",
    "parcel_history",
    "dossier",
    "import_batch",
    "staged_parcel",
    "party",
    "rrr",
    "land_use_code",
)


def table_counts(conn: Connection) -> dict[str, int]:
    """Row counts of the tables an import writes to."""
    return {
        table: scalar(conn, f"SELECT count(*) FROM cadastre.{table}") for table in COUNTED_TABLES
    }


def by_feature(report: ImportReport) -> dict[str, dict]:
    """The report's rows keyed by feature reference."""
    return {row["feature"]: row for row in report.rows}


@contextmanager
def fresh_database(server_url: str, admin_url: str, template: str) -> Iterator[str]:
    """A database of its own cloned from the migrated template (for module-scoped fixtures)."""
    name = f"cadastre_test_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name, template=template)
    try:
        yield with_database(server_url, name)
    finally:
        drop_database(admin_url, name)


def init_register(url: str, srid: int, communes: Sequence[tuple[str, str]]) -> None:
    """Create the register (province 01) in `srid` with the given communes."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            setup.init_register(cur, province_code="01", srid=srid)
            for code, name in communes:
                binding_communes.add_commune(cur, code=code, name=name)
    finally:
        conn.close()


def write_layer(
    path: Path,
    columns: dict[str, list[Any]],
    geometries: Sequence[bytes | None],
    *,
    crs: str | None = "EPSG:5897",
    driver: str | None = None,
    geometry_type: str = "Polygon",
    encoding: str | None = None,
) -> Path:
    """Write a small layer; text already encoded as bytes goes in as Latin-1 (byte for byte)."""
    arrays = []
    for values in columns.values():
        if all(isinstance(v, float) for v in values):
            arrays.append(np.array(values, dtype=np.float64))
        else:
            arrays.append(np.array(values, dtype=object))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        pyogrio.raw.write(
            str(path),
            np.array(list(geometries), dtype=object),
            arrays,
            list(columns),
            driver=driver,
            geometry_type=geometry_type,
            crs=crs,
            encoding=encoding,
        )
    return path


def run_cli(url: str, *args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run `python -m cadastre ARGS` against the database at `url`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CADASTRE_")}
    env["DATABASE_URL"] = url
    env["COLUMNS"] = "200"  # a wide console: rich does not wrap the messages asserted on
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "cadastre", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
