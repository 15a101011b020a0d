"""Export benchmark: `export_parcels` to a GeoPackage beside `ogr2ogr` copying the same current
parcels out of PostGIS, in the same run; with the exporting process's peak memory, which must
stay flat from 10k to 1M parcels (it streams)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bench.measure import Figure, Results

OGR2OGR = shutil.which("ogr2ogr")
# The child exports and reports its own peak memory, so the bench process is not counted: the
# high-water mark of its own address space (VmHWM). getrusage's ru_maxrss is not: Linux keeps it
# across exec, so it would report the parent's size whenever the parent was the larger.
CHILD = """
import json, sys, time
from cadastre.export import ExportRequest, export_parcels
started = time.monotonic()
result = export_parcels(sys.argv[2], ExportRequest(), url=sys.argv[1])
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"seconds": time.monotonic() - started, "count": result.count,
                  "max_rss_mb": peak_kb / 1024}))
"""
RAW_SQL = (
    "SELECT id, commune_code, sheet_number, parcel_number, legal_area, land_uses::text, "
    "address, geom FROM cadastre.parcel WHERE status = 'current'"
)


def run(url: str, parcels: int, results: Results) -> None:
    """Export every current parcel once with each tool and record the times."""
    with tempfile.TemporaryDirectory(prefix="cadastre-bench-export-") as folder:
        ours = _export(url, Path(folder) / "parcels.gpkg")
        raw = _ogr2ogr(url, Path(folder) / "raw.gpkg")
    results.add(
        Figure(
            "export current parcels to GeoPackage (export_parcels, all fields)",
            f"{parcels:,}",
            ours["seconds"] * 1000,
            None,
            None,
            "ogr2ogr of the parcel table's columns to GeoPackage",
            raw * 1000 if raw else float("nan"),
            target="memory flat from 10k to 1M",
            note=f"{ours['count']:,} parcels; exporting process peak RSS "
            f"{ours['max_rss_mb']:.0f} MB"
            + ("" if raw else "; ogr2ogr not installed (apt-get install gdal-bin)"),
        )
    )


def _export(url: str, output: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(output)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def pg_source(url: str) -> str:
    """GDAL's PG: data source for a register URL."""
    parts = urlsplit(url)
    source = (
        f"PG:host={parts.hostname} port={parts.port} dbname={parts.path.lstrip('/')} "
        f"user={parts.username}"
    )
    # The project server checks passwords: the same libpq password file the URL names.
    passfile = parse_qs(parts.query).get("passfile")
    if passfile:
        source += f" passfile={passfile[0]}"
    return source


def _ogr2ogr(url: str, output: Path) -> float | None:
    if OGR2OGR is None:
        return None
    source = pg_source(url)
    started = time.monotonic()
    subprocess.run(
        [OGR2OGR, "-f", "GPKG", str(output), source, "-sql", RAW_SQL, "-nln", "parcels"],
        capture_output=True,
        check=True,
    )
    return time.monotonic() - started
