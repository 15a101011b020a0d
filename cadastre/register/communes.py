"""The register's communes: load the official list, list, add, rename, merge, set boundaries.

Thin over sql/functions/022_communes.sql and cadastre.reassign_commune. Loading, adding,
renaming and boundaries are the register's set-up (the owner's, like `db init`); a merger is
an administrator's act under an approved commune-reassignment dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.extensions
import pyogrio
import shapely

from cadastre.db.connection import user_error
from cadastre.errors import CadastreError
from cadastre.register import admin_units
from cadastre.register.binding import communes as binding
from cadastre.register.geometry_input import srid_of


@dataclass(frozen=True)
class CommuneRow:
    """A commune as `cadastre commune list` shows it."""

    code: str
    name: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    replaced_by: str | None
    has_boundary: bool
    parcels: int


@dataclass(frozen=True)
class LoadReport:
    """What loading the official list did."""

    communes_added: int
    correspondences_added: int
    communes: int
    source: str


def _run(conn: psycopg2.extensions.connection, sql: str, params: tuple) -> list[tuple]:
    with _work(conn) as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


@contextmanager
def _work(conn: psycopg2.extensions.connection) -> Iterator[psycopg2.extensions.cursor]:
    """One transaction; a refusal becomes the rule's own message and hint."""
    try:
        with conn, conn.cursor() as cur:
            yield cur
    except psycopg2.Error as exc:
        raise user_error(exc) from exc


def load_official_list(
    conn: psycopg2.extensions.connection, province_code: str
) -> LoadReport:
    """Load the province's communes in force and the pre-2025 correspondence (idempotent)."""
    communes = admin_units.communes_in_force(province_code)
    if not communes:
        raise CadastreError(
            f"The official list ({admin_units.data_version()}) has no province {province_code}",
            hint="Province codes in force: "
            + ", ".join(f"{c} {n}" for c, n in admin_units.provinces()) + ".",
        )
    mapping = [vars(m) for m in admin_units.correspondence(province_code)]
    source = admin_units.data_version()
    with _work(conn) as cur:
        result = binding.load_communes(
            cur, communes=[vars(c) for c in communes], correspondence=mapping,
            valid_from=admin_units.REORGANISATION_DATE, source=source,
        )
    return LoadReport(result["communes_added"], result["correspondences_added"],
                      result["communes"], source)


def list_communes(conn: psycopg2.extensions.connection, as_of: dt.date | None = None,
                  include_retired: bool = False) -> list[CommuneRow]:
    """The register's communes in force on a date (today by default), or all of them."""
    rows = _run(
        conn,
        "SELECT u.code, u.name, lower(u.valid), upper(u.valid), u.replaced_by, "
        "u.boundary IS NOT NULL, (SELECT count(*) FROM cadastre.parcel AS p "
        "WHERE p.commune_code = u.code AND p.status = 'current') "
        "FROM cadastre.admin_unit AS u WHERE u.level = 'commune' "
        "AND (%s OR u.valid @> coalesce(%s::date, current_date)) ORDER BY u.code",
        (include_retired, as_of),
    )
    return [CommuneRow(*row) for row in rows]


def add_commune(conn: psycopg2.extensions.connection, code: str, name: str,
                valid_from: dt.date | None = None) -> None:
    """Add a commune the official list does not have yet (e.g. created after its version)."""
    _check_code(code)
    existing = _run(conn, "SELECT name FROM cadastre.admin_unit WHERE code = %s", (code,))
    if existing:
        raise CadastreError(f"Commune {code} already exists ({existing[0][0]})",
                            hint=f"Give it a new name with `cadastre commune rename {code} NAME`.")
    with _work(conn) as cur:
        binding.add_commune(cur, code=code, name=name, valid_from=valid_from or "1900-01-01")


def rename_commune(conn: psycopg2.extensions.connection, code: str, name: str) -> None:
    """Give a commune its new official name."""
    with _work(conn) as cur:
        binding.rename_commune(cur, code=code, name=name)


def merge_communes(conn: psycopg2.extensions.connection, old_code: str, new_code: str,
                   dossier_id: int, effective: dt.date, sheet_prefix: str = "") -> int:
    """Merge a commune into another from a date (cadastre.reassign_commune): its parcels move
    and keep their old identity; as-of questions before the date still name the old commune."""
    with _work(conn) as cur:
        return binding.reassign_commune(
            cur, dossier_id=dossier_id, old_code=old_code, new_code=new_code,
            effective=effective, sheet_prefix=sheet_prefix,
        )


def import_boundaries(conn: psycopg2.extensions.connection, path: Path, code_field: str,
                      layer: str | None = None) -> list[str]:
    """Set communes' boundaries from a file any GDAL driver reads, matched by the code field;
    returns the codes set. A file without CRS or a code the register lacks is refused whole."""
    meta = pyogrio.read_info(str(path), layer=layer)
    if not meta.get("crs"):
        raise CadastreError(f"{path} has no coordinate reference system",
                            hint="Give the file its .prj (or CRS) so it is not guessed.")
    if code_field not in meta["fields"]:
        raise CadastreError(
            f"{path} has no field '{code_field}' (fields: {', '.join(meta['fields'])})",
            hint="Name the field holding the 5-digit commune code with --code-field.",
        )
    srid = srid_of(meta["crs"])
    _, _, geometries, fields = pyogrio.raw.read(str(path), layer=layer, columns=[code_field])
    codes = [_code_text(value) for value in fields[0]]
    with _work(conn) as cur:
        for code, wkb in zip(codes, geometries, strict=True):
            if wkb is None:
                raise CadastreError(f"The boundary of commune {code} in {path} is empty",
                                    hint="Fix or remove that feature and run it again.")
            boundary = shapely.set_srid(shapely.from_wkb(wkb), srid)
            binding.set_commune_boundary(
                cur, code=code, boundary=shapely.to_wkb(boundary, hex=True, include_srid=True)
            )
    return codes


def _code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(5) if text.isdigit() else text


def _check_code(code: str) -> None:
    if not (len(code) == 5 and code.isdigit()):
        raise CadastreError(f"'{code}' is not a commune code",
                            hint="A commune code has 5 digits, e.g. 20242.")
