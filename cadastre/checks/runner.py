"""Run the database's rules on a commune or a file, and write the issues as a GIS layer."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg2
import psycopg2.extensions
import pyogrio.raw
import shapely

from cadastre.db.connection import user_error
from cadastre.errors import CadastreError
from cadastre.io.importer import communes_without_boundary, stage_source
from cadastre.io.reader import Source

ISSUE_COLUMNS = "rule, severity, parcel_ref, other_ref, message_vi, message_en, " \
                "ST_AsBinary(location), ST_SRID(location)"
FORMATS = {"geojson": ("GeoJSON", ".geojson"), "gpkg": ("GPKG", ".gpkg"), "csv": (None, ".csv")}


@dataclass(frozen=True)
class Issue:
    """One problem a rule found: which rule, how serious, which parcel(s), what, where."""

    rule: str
    severity: str
    parcel_ref: str | None
    other_ref: str | None
    message_vi: str
    message_en: str
    location: bytes | None
    srid: int | None


def check_commune(conn: psycopg2.extensions.connection, commune: str) -> list[Issue]:
    """Every rule on a commune of the register."""
    return _issues(conn, "SELECT " + ISSUE_COLUMNS + " FROM cadastre.check_commune(%s)",
                   (commune,))


def check_edit(conn: psycopg2.extensions.connection, edits: list[dict]) -> list[Issue]:
    """The fast path: edited geometries against the live register."""
    return _issues(conn, "SELECT " + ISSUE_COLUMNS + " FROM cadastre.check_edit(%s)",
                   (json.dumps(edits),))


@dataclass(frozen=True)
class FileCheck:
    """A file's check: its issues, and the communes where the placement rule was skipped (no
    boundary loaded), which the import would report the same way."""

    issues: list[Issue]
    placement_skipped: list[str]


def check_source(
    conn: psycopg2.extensions.connection,
    source: Source,
    repair: bool = False,
    in_source_crs: bool = False,
) -> list[Issue]:
    """A file checked as the import's dry run (see check_file): its issues."""
    return check_file(conn, source, repair, in_source_crs).issues


def check_file(
    conn: psycopg2.extensions.connection,
    source: Source,
    repair: bool = False,
    in_source_crs: bool = False,
) -> FileCheck:
    """A file checked as the import's dry run: staged exactly as `cadastre import` stages it,
    decided by the import's own rules (cadastre.check_staged), then rolled back. Each feature
    the import would quarantine is an error named by the import's reason.

    `in_source_crs`: a file of elsewhere checked alone in its own CRS (no register rule;
    locations in the file's CRS)."""
    function = "check_staged_in_source_crs(%s)" if in_source_crs else "check_staged(%s, %s)"
    skipped: list[str] = []
    try:
        with conn.cursor() as cur:
            batch, _staged = stage_source(cur, source, repair, check_only=True)
            cur.execute("SELECT " + ISSUE_COLUMNS + " FROM cadastre." + function,
                        (batch,) if in_source_crs else (batch, repair))
            rows = cur.fetchall()
            if not in_source_crs:
                cur.execute("SELECT commune_code FROM cadastre.staged_parcel "
                            "WHERE batch_id = %s AND commune_code IS NOT NULL", (batch,))
                skipped = communes_without_boundary(cur, (code for (code,) in cur.fetchall()))
    except psycopg2.Error as exc:
        raise user_error(exc) from exc
    finally:
        conn.rollback()  # a check changes nothing
    return FileCheck([_issue(row) for row in rows], skipped)


def commune_placement_skipped(conn: psycopg2.extensions.connection, commune: str) -> list[str]:
    """[commune] when its boundary is not loaded (its placement rule is skipped), else []."""
    try:
        with conn.cursor() as cur:
            return communes_without_boundary(cur, [commune])
    finally:
        conn.rollback()


def _issue(row: tuple) -> Issue:
    """An Issue from a row of ISSUE_COLUMNS."""
    rule, severity, parcel_ref, other_ref, message_vi, message_en, location, srid = row
    return Issue(rule, severity, parcel_ref, other_ref, message_vi, message_en,
                 bytes(location) if location else None, srid)


def _issues(conn: psycopg2.extensions.connection, query: str, params: tuple) -> list[Issue]:
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            rows = cur.fetchall()
    except psycopg2.Error as exc:
        raise user_error(exc) from exc
    finally:
        conn.rollback()
    return [_issue(row) for row in rows]


def count_by_rule(issues: Iterable[Issue]) -> Counter:
    """How many issues each rule found, e.g. for the summary."""
    return Counter((issue.rule, issue.severity) for issue in issues)


def filter_issues(
    issues: Iterable[Issue], rules: Iterable[str] = (), severity: str | None = None
) -> list[Issue]:
    """The issues of the given rules (all when none is given) and of a severity (or all)."""
    wanted = set(rules)
    unknown_severity = severity not in (None, "error", "warning")
    if unknown_severity:
        raise CadastreError(f"Unknown severity '{severity}'", hint="Use error or warning.")
    return [issue for issue in issues
            if (not wanted or issue.rule in wanted)
            and (severity is None or issue.severity == severity)]


def write_issues(issues: list[Issue], path: Path, fmt: str | None = None) -> Path:
    """Write the issues as a layer QGIS can open (GeoJSON, GeoPackage) or as CSV with WKT."""
    fmt = fmt or next((name for name, (_, ext) in FORMATS.items() if path.suffix == ext),
                      "geojson")
    if fmt not in FORMATS:
        raise CadastreError(f"Unknown issue format '{fmt}'", hint="Use geojson, gpkg or csv.")
    if fmt == "csv":
        _write_csv(issues, path)
        return path
    driver, _ = FORMATS[fmt]
    srid = next((issue.srid for issue in issues if issue.srid), 4326)
    geometries = np.array([issue.location for issue in issues], dtype=object)
    fields = ["rule", "severity", "parcel", "other", "message_vi", "message_en"]
    columns = [np.array([getattr(issue, name) or "" for issue in issues], dtype=object)
               for name in ("rule", "severity", "parcel_ref", "other_ref", "message_vi",
                            "message_en")]
    if path.exists():
        path.unlink()
    pyogrio.raw.write(path, geometries, columns, fields, driver=driver,
                      geometry_type="Unknown", crs=f"EPSG:{srid}", encoding="UTF-8",
                      layer="issues")
    return path


def _write_csv(issues: list[Issue], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["rule", "severity", "parcel", "other", "message_vi", "message_en",
                         "location_wkt", "srid"])
        for issue in issues:
            wkt = shapely.from_wkb(issue.location).wkt if issue.location else ""
            writer.writerow([issue.rule, issue.severity, issue.parcel_ref or "",
                             issue.other_ref or "", issue.message_vi, issue.message_en, wkt,
                             issue.srid or ""])
