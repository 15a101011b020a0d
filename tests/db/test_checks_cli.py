"""`cadastre check`: a commune of the register or a file, summarised and written as a layer.

The CLI runs as a subprocess (`python -m cadastre`) with DATABASE_URL naming a register that
holds the sample ward (commune 91001), loaded once per module.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest

from cadastre.db.connection import connect
from cadastre.samples.loader import load_ward
from cadastre.settings import PROJECT_ROOT
from data_samples.generator import generate
from tests.db.import_helpers import fresh_database
from tests.db.register_helpers import scalar

WARD = "91001"


@pytest.fixture(scope="module")
def ward_url(server_url: str, admin_url: str, register_template_name: str) -> Iterator[str]:
    """A register holding the sample ward (generate(1500, 7))."""
    with fresh_database(server_url, admin_url, register_template_name) as url:
        conn = connect(url)
        try:
            load_ward(conn, generate(1500, 7))
            seed_a_hole(conn)
        finally:
            conn.close()
        yield url


def seed_a_hole(conn) -> None:
    """Shrink one inner house plot by 0.5 m: the ward then has exactly one issue (a hole)."""
    with conn, conn.cursor() as cur:
        cur.execute("SELECT cadastre.set_clock('2030-01-02 12:00+00')")
        cur.execute("SELECT cadastre.open_dossier('HOLE-1', 'correction', '2030-01-02', 'Lan')")
        dossier = cur.fetchone()[0]
        cur.execute("SELECT cadastre.approve_dossier(%s, '2030-01-02')", (dossier,))
        cur.execute(
            "SELECT cadastre.correct_boundary(%s, p.id, "
            "  ST_Multi(ST_Buffer(p.geom, -0.5, 'join=mitre')), NULL, NULL) "
            "FROM cadastre.parcel AS p JOIN cadastre.admin_unit AS u ON u.code = p.commune_code "
            "WHERE p.commune_code = %s AND p.status = 'current' "
            "  AND p.land_uses -> 0 ->> 'code' = 'ODT' AND ST_Within(ST_Buffer(p.geom, 5), "
            "  u.boundary) ORDER BY p.id LIMIT 1", (dossier, WARD))


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CADASTRE_")}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "cadastre", *args],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )


def parcel_count(url: str) -> int:
    conn = connect(url)
    try:
        return scalar(conn, "SELECT count(*) FROM cadastre.parcel")
    finally:
        conn.close()


def test_checking_the_ward_writes_a_geopackage_of_its_issues(
    ward_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "issues.gpkg"

    result = run_cli(ward_url, "check", "--commune", WARD, "-o", str(out))

    assert result.returncode == 0, result.stderr
    assert f"Issues in {WARD}" in result.stdout
    assert "1 issue(s); 1 error(s)" in result.stdout
    assert "hole" in result.stdout
    assert f"Issues written to {out}" in result.stdout.replace("\n", "")
    info = pyogrio.read_info(out, layer="issues")
    assert info["features"] == 1
    assert info["crs"] == "EPSG:5897"
    assert {"rule", "severity", "parcel", "other", "message_vi", "message_en"} <= set(
        info["fields"])
    _, _, _, columns = pyogrio.raw.read(out, layer="issues")
    fields = dict(zip(info["fields"], columns, strict=True))
    assert list(fields["rule"]) == ["hole"]
    assert "covered by no parcel" in fields["message_en"][0]


def test_checking_the_ward_writes_a_csv_with_wkt_locations(ward_url: str, tmp_path: Path) -> None:
    out = tmp_path / "issues.csv"

    result = run_cli(ward_url, "check", "--commune", WARD, "-o", str(out))

    assert result.returncode == 0, result.stderr
    assert "1 issue(s); 1 error(s)" in result.stdout
    with out.open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    assert [(r["rule"], r["severity"], r["parcel"]) for r in records] == [("hole", "error", "")]
    assert records[0]["location_wkt"].startswith("POLYGON")
    assert records[0]["srid"] == "5897"
    assert "covered by no parcel" in records[0]["message_en"]
    info = pyogrio.read_info(out)
    assert {"rule", "message_en"} <= set(info["fields"])


def square_feature(x: float, size: float, number: int) -> dict:
    e, n = 586000.0 + x, 2326000.0
    ring = [[e, n], [e + size, n], [e + size, n + size], [e, n + size], [e, n]]
    return {
        "type": "Feature",
        "properties": {"MaXa": "00070", "SoTo": "12", "SoThua": number},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_checking_a_file_names_both_fids_of_an_overlap_and_imports_nothing(
    ward_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "two_squares.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        square_feature(0, 20, 1), square_feature(19, 20, 2)]}), encoding="utf-8")
    out = tmp_path / "file_issues.csv"
    before = parcel_count(ward_url)

    result = run_cli(ward_url, "check", str(path), "--crs", "EPSG:5897", "-o", str(out))

    assert result.returncode == 0, result.stderr
    assert "overlap" in result.stdout
    with out.open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    overlaps = [r for r in records if r["rule"] == "overlap"]
    assert len(overlaps) == 1
    # The import's words: the later feature is the one it would quarantine, naming the other.
    assert overlaps[0]["parcel"] == "1"
    assert "feature 0 of this file by 20.000 m²" in overlaps[0]["message_en"]
    assert overlaps[0]["location_wkt"].startswith("POLYGON")
    assert "1 issue(s); 1 error(s)" in result.stdout
    assert parcel_count(ward_url) == before


def test_giving_both_a_file_and_a_commune_is_refused(ward_url: str, tmp_path: Path) -> None:
    path = tmp_path / "any.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}),
                    encoding="utf-8")

    result = run_cli(ward_url, "check", str(path), "--commune", WARD)

    assert result.returncode == 1
    assert "Give either a FILE or --commune CODE" in result.stderr
    assert "Traceback" not in result.stderr


def test_giving_neither_a_file_nor_a_commune_is_refused(ward_url: str) -> None:
    result = run_cli(ward_url, "check")

    assert result.returncode == 1
    assert "Give either a FILE or --commune CODE" in result.stderr
