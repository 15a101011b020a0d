"""OGC API benchmark (`--only ogc`): a page of 1,000 parcels from /ogc/.../items over HTTP (the
web view as `cadastre serve` runs it) beside one raw SQL statement writing the same
FeatureCollection; and a whole commune copied by `ogr2ogr` through the OAPIF driver (paging)
beside `ogr2ogr` reading the same parcels straight from PostGIS."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bench.export import pg_source
from bench.measure import Figure, Results, summary, timings
from bench.web import Server
from cadastre.db.connection import connect
from cadastre.export.query import end_of_day

PAGE = 1000
REPEAT = 40
OGR2OGR = shutil.which("ogr2ogr")
# The same FeatureCollection the API sends for a page of current parcels, written by one
# statement from the same rows (public_register.ogc_parcels, as the superuser), land uses
# flattened in SQL: what the app adds is the HTTP exchange and building the answer in Python.
RAW_PAGE = """
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
  'type', 'Feature', 'id', r.id, 'geometry', r.geometry::json,
  'properties', json_build_object(
    'ref', r.ref, 'commune_code', r.commune_code, 'commune_name', r.commune_name,
    'sheet_number', r.sheet_number, 'parcel_number', r.parcel_number,
    'legal_area', r.legal_area, 'measured_area', r.measured_area,
    'land_use', (SELECT string_agg(e ->> 'code', '+' ORDER BY (e ->> 'area')::numeric DESC)
                 FROM jsonb_array_elements(r.land_uses) AS e),
    'land_use_areas', (SELECT string_agg(e ->> 'area', '+' ORDER BY (e ->> 'area')::numeric DESC)
                       FROM jsonb_array_elements(r.land_uses) AS e),
    'main_land_use', (SELECT e ->> 'code' FROM jsonb_array_elements(r.land_uses) AS e
                      ORDER BY (e ->> 'area')::numeric DESC LIMIT 1),
    'land_use_count', jsonb_array_length(r.land_uses), 'address', r.address,
    'old_refs', r.old_identifiers, 'status', r.status, 'status_codes', r.status_codes,
    'version', r.version, 'version_since', (r.valid_from AT TIME ZONE 'UTC')::date,
    'valid_from', r.valid_from, 'valid_to', r.valid_to, 'retired_on', r.retired_on,
    'replaced_by', r.replaced_by, 'made_from', r.made_from)) ORDER BY r.id))::text
FROM public_register.ogc_parcels(%s, %s, %s, %s, NULL, NULL, ARRAY['current'], NULL,
                                 NULL, 4326, false, 7, %s, 0, %s) AS r
"""
RAW_COMMUNE = (
    "SELECT p.id, p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number AS ref, "
    "p.commune_code, u.name AS commune_name, p.sheet_number, p.parcel_number, "
    "p.legal_area::float8 AS legal_area, ST_Area(p.geom) AS measured_area, "
    "p.land_uses::text AS land_uses, p.address, p.status, p.version, "
    "lower(p.sys_period) AS valid_from, ST_Transform(p.geom, 4326) AS geom "
    "FROM cadastre.parcel AS p JOIN cadastre.admin_unit AS u ON u.code = p.commune_code "
    "WHERE p.status = 'current' AND p.commune_code = '{commune}'"
)


AS_OF = "2020-06-30"  # a date in the fabrics' ten years of history
DURING = "2019-01-01/2019-12-31"


def run(url: str, parcels: int, results: Results) -> None:
    starts, commune, in_commune = _facts(url)
    with Server(url, workers=1, lookup_cache=50_000, tile_cache=20_000) as base:
        api = _pages(base, starts, None)
        as_of = _pages(base, starts, AS_OF)
        during = _pages(base, starts, DURING)
        commune_api = _ogr2ogr_oapif(base, commune)
    raw = _raw_pages(url, starts, None)
    raw_as_of = _raw_pages(url, starts, AS_OF)
    raw_during = _raw_pages(url, starts, DURING)
    size = f"{parcels:,}"
    for what, ours, theirs in (("current parcels", api, raw),
                               (f"parcels as of {AS_OF} (datetime)", as_of, raw_as_of),
                               (f"versions in force during {DURING}", during, raw_during)):
        results.add(Figure(
            f"OGC API items page of 1,000 {what} over HTTP (GeoJSON, CRS84)", size,
            *summary(ours),
            "one SQL statement writing the same FeatureCollection from the same rows",
            summary(theirs)[0], summary(theirs)[2],
            note=f"{len(starts)} pages spread over the register, each asked "
                 f"{REPEAT // len(starts)}+ times; p95 raw {summary(theirs)[1]:.1f} ms"))
    if OGR2OGR is not None:
        commune_raw = _ogr2ogr_pg(url, commune)
        results.add(Figure(
            f"ogr2ogr OAPIF: a whole commune ({in_commune:,} parcels) to GeoPackage, pages of "
            f"{PAGE:,}", size, commune_api * 1000, None, None,
            "ogr2ogr from PostGIS (PG:) of the same parcels and columns",
            commune_raw * 1000))


def _facts(url: str) -> tuple[list[int], str, int]:
    """Ids starting pages spread over the register, and its largest commune."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT id FROM cadastre.parcel WHERE status = 'current' ORDER BY id")
            ids = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT commune_code, count(*) FROM cadastre.parcel "
                        "WHERE status = 'current' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
            largest = cur.fetchone()
    finally:
        conn.close()
    if largest is None:
        raise RuntimeError("the bench fabric has no current parcel")
    commune, count = largest
    step = max(PAGE, (len(ids) - PAGE) // 8)
    starts = [ids[i] for i in range(0, max(1, len(ids) - PAGE), step)][:8]
    return starts, commune, count


def _pages(base: str, starts: list[int], day: str | None) -> list[float]:
    with httpx.Client(timeout=60) as client:
        queue = iter(starts * REPEAT)
        when = {"datetime": day} if day else {}

        def ask() -> None:
            first = next(queue)
            response = client.get(f"{base}/ogc/collections/parcels/items",
                                  params={"limit": PAGE, "after": f"{first}.0", **when})
            response.raise_for_status()

        return timings(ask, REPEAT)


def _raw_pages(url: str, starts: list[int], day: str | None) -> list[float]:
    """The same pages by the statement: now, an instant (a date: its end) or an interval."""
    history = day is not None and "/" in day
    at = end_of_day(dt.date.fromisoformat(day)) if day and not history else None
    start = end = None
    if history and day:
        first, last = day.split("/")
        start = dt.datetime.combine(dt.date.fromisoformat(first), dt.time.min, tzinfo=dt.UTC)
        end = end_of_day(dt.date.fromisoformat(last))
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            queue = iter(starts * REPEAT)

            def ask() -> None:
                cur.execute(RAW_PAGE, (history, at, start, end, next(queue), PAGE))
                cur.fetchone()

            return timings(ask, REPEAT)
    finally:
        conn.close()


def _ogr2ogr_oapif(base: str, commune: str) -> float:
    with tempfile.TemporaryDirectory(prefix="cadastre-bench-ogc-") as folder:
        started = time.monotonic()
        subprocess.run(
            [OGR2OGR or "ogr2ogr", "-f", "GPKG", str(Path(folder) / "api.gpkg"),
             f"OAPIF:{base}/ogc", "parcels", "-oo", f"PAGE_SIZE={PAGE}",
             "-where", f"commune_code = '{commune}'", "-nln", "parcels"],
            capture_output=True, check=True)
        return time.monotonic() - started


def _ogr2ogr_pg(url: str, commune: str) -> float:
    with tempfile.TemporaryDirectory(prefix="cadastre-bench-ogc-") as folder:
        started = time.monotonic()
        subprocess.run(
            [OGR2OGR or "ogr2ogr", "-f", "GPKG", str(Path(folder) / "raw.gpkg"), pg_source(url),
             "-sql", RAW_COMMUNE.format(commune=commune), "-nln", "parcels"],
            capture_output=True, check=True)
        return time.monotonic() - started
