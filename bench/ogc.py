"""OGC API benchmark (`--only ogc`): a page of 1,000 parcels from /ogc/.../items over HTTP (the
web view as `cadastre serve` runs it) beside one raw SQL statement writing the same
FeatureCollection; and a whole commune copied by `ogr2ogr` through the OAPIF driver (paging)
beside `ogr2ogr` reading the same parcels straight from PostGIS."""

from __future__ import annotations

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

PAGE = 1000
REPEAT = 40
OGR2OGR = shutil.which("ogr2ogr")
# The same FeatureCollection the API sends for a page of current parcels (properties as
# cadastre/web/ogc/collections.py names them), in one statement: the floor for that answer.
RAW_PAGE = """
SELECT json_build_object('type', 'FeatureCollection',
                         'features', json_agg(f.feature ORDER BY f.id))::text
FROM (
  SELECT p.id, json_build_object(
    'type', 'Feature', 'id', p.id,
    'geometry', ST_AsGeoJSON(ST_Transform(p.geom, 4326), 7)::json,
    'properties', json_build_object(
      'ref', p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number,
      'commune_code', p.commune_code, 'commune_name', u.name, 'sheet_number', p.sheet_number,
      'parcel_number', p.parcel_number, 'legal_area', p.legal_area,
      'measured_area', ST_Area(p.geom),
      'land_use', (SELECT string_agg(e ->> 'code', '+' ORDER BY (e ->> 'area')::numeric DESC)
                   FROM jsonb_array_elements(p.land_uses) AS e),
      'land_use_areas', (SELECT string_agg(e ->> 'area', '+' ORDER BY (e ->> 'area')::numeric DESC)
                         FROM jsonb_array_elements(p.land_uses) AS e),
      'main_land_use', (SELECT e ->> 'code' FROM jsonb_array_elements(p.land_uses) AS e
                        ORDER BY (e ->> 'area')::numeric DESC LIMIT 1),
      'land_use_count', jsonb_array_length(p.land_uses),
      'address', p.address, 'old_refs', p.old_identifiers, 'status', p.status,
      'status_codes', public_register.status_codes(p.id, p.status),
      'version', p.version, 'version_since', lower(p.sys_period)::date,
      'valid_from', lower(p.sys_period), 'valid_to', upper(p.sys_period),
      'made_from', (SELECT json_agg(l.parent_id) FROM cadastre.parcel_lineage AS l
                    WHERE l.child_id = p.id))) AS feature
  FROM cadastre.parcel AS p JOIN cadastre.admin_unit AS u ON u.code = p.commune_code
  WHERE p.status = 'current' AND p.id >= %s
  ORDER BY p.id LIMIT %s) AS f
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


def run(url: str, parcels: int, results: Results) -> None:
    starts, commune, in_commune = _facts(url)
    with Server(url, workers=1, lookup_cache=50_000, tile_cache=20_000) as base:
        api = _pages(base, starts)
        commune_api = _ogr2ogr_oapif(base, commune)
    raw = _raw_pages(url, starts)
    size = f"{parcels:,}"
    results.add(Figure(
        "OGC API items page of 1,000 current parcels over HTTP (GeoJSON, CRS84)", size,
        *summary(api), "one SQL statement writing the same FeatureCollection",
        summary(raw)[0], summary(raw)[2],
        note=f"{len(starts)} pages spread over the register, each asked {REPEAT // len(starts)}+ "
             f"times; p95 raw {summary(raw)[1]:.1f} ms"))
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


def _pages(base: str, starts: list[int]) -> list[float]:
    with httpx.Client(timeout=60) as client:
        queue = iter(starts * REPEAT)

        def ask() -> None:
            first = next(queue)
            response = client.get(f"{base}/ogc/collections/parcels/items",
                                  params={"limit": PAGE, "after": f"{first}.0"})
            response.raise_for_status()

        return timings(ask, REPEAT)


def _raw_pages(url: str, starts: list[int]) -> list[float]:
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            queue = iter(starts * REPEAT)

            def ask() -> None:
                cur.execute(RAW_PAGE, (next(queue), PAGE))
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
