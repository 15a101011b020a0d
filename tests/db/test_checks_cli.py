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
from cadastre.register.binding import clock, dossiers, parcels
from cadastre.samples.loader import load_ward
from cadastre.settings import PROJECT_ROOT
from data_samples.generator import generate
from tests.db.import_helpers import fresh_database
from tests.db.register_helpers import rows, scalar
from tests.db.role_helpers import login_role

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
        clock.set_clock(cur, at="2030-01-02 12:00+00")
        dossier = dossiers.open_dossier(
            cur, number="HOLE-1", kind="correction", received_on="2030-01-02", officer="Lan"
        )
        dossiers.decide_dossier(
            cur, dossier_id=dossier, status="approved", decided_on="2030-01-02"
        )
        cur.execute(
            "SELECT p.id, ST_Multi(ST_Buffer(p.geom, -0.5, 'join=mitre')) "
            "FROM cadastre.parcel AS p JOIN cadastre.admin_unit AS u ON u.code = p.commune_code "
            "WHERE p.commune_code = %s AND p.status = 'current' "
            "  AND p.land_uses -> 0 ->> 'code' = 'ODT' AND ST_Within(ST_Buffer(p.geom, 5), "
            "  u.boundary) ORDER BY p.id LIMIT 1", (WARD,))
        parcel_id, shrunk = cur.fetchone()
        parcels.correct_boundary(cur, dossier_id=dossier, parcel_id=parcel_id, geom=shrunk)


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CADASTRE_")}
    env["DATABASE_URL"] = url
    env["COLUMNS"] = "200"  # a wide console: rich does not wrap the table cells asserted on
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


@pytest.fixture(scope="module")
def ward_admin_url(ward_url: str) -> Iterator[str]:
    """An administrator of the ward's register: checks and imports run as the register's users
    do, not as its owner."""
    with login_role(ward_url, "admin") as url:
        yield url


def test_check_speaks_vietnamese_first_with_english_beside_it(
    ward_url: str, ward_admin_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "two_squares.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        square_feature(0, 20, 1), square_feature(19, 20, 2)]}), encoding="utf-8")
    out = tmp_path / "issues.csv"

    result = run_cli(ward_admin_url, "check", str(path), "--crs", "EPSG:5897",
                     "--rule", "overlap", "-o", str(out))

    assert result.returncode == 0, result.stderr
    conn = connect(ward_url)
    try:
        (names,) = rows(conn, "SELECT name_vi, name_en FROM cadastre.rule "
                              "WHERE code = 'overlap'")
        name_vi, name_en = names["name_vi"], names["name_en"]
    finally:
        conn.close()
    with out.open(encoding="utf-8") as handle:
        (overlap,) = list(csv.DictReader(handle))
    # The Vietnamese message is the rule's Vietnamese name (chosen by its code), with none of
    # the English explanation, which is the English message beside it.
    assert overlap["message_vi"] == name_vi
    assert "feature 0 of this file" in overlap["message_en"]
    lines = result.stdout.splitlines()
    # The summary names the rule Vietnamese first; so do the severity and the counts.
    assert any(f"{name_vi} / {name_en}" in line and "lỗi / error" in line for line in lines)
    assert "1 vấn đề, 1 lỗi / 1 issue(s); 1 error(s)" in result.stdout
    assert "1 vấn đề được chọn theo --rule overlap / 1 issue(s) selected by --rule overlap:" \
        in result.stdout
    (line,) = [line for line in lines if line.startswith("  overlap (lỗi / error) 1: ")]
    assert line.index(name_vi) < line.index("feature 0 of this file")


def skipped_lines(output: str) -> list[str]:
    """The lines saying where the placement rule was skipped (Vietnamese, then English)."""
    return [line for line in output.splitlines()
            if line.startswith(("Chưa nạp ranh giới xã", "No boundary loaded for commune"))]


def test_check_says_the_placement_rule_was_skipped_as_the_import_does(
    ward_url: str, ward_admin_url: str, tmp_path: Path
) -> None:
    # Commune 00070 of this register has no boundary loaded; 91001 (the sample ward) has one.
    path = tmp_path / "one_square.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        square_feature(5000, 20, 1)]}), encoding="utf-8")
    skipped_vi = "Chưa nạp ranh giới xã 00070: đã bỏ qua quy tắc vị trí"
    skipped_en = "No boundary loaded for commune 00070: the placement rule"

    checked = run_cli(ward_admin_url, "check", str(path), "--crs", "EPSG:5897")
    assert checked.returncode == 0, checked.stderr
    said = skipped_lines(checked.stdout)
    assert [skipped_vi in said[0], skipped_en in said[1]] == [True, True]
    assert "was skipped there" in said[1]
    assert "Chưa nạp ranh giới" in run_cli(ward_admin_url, "check", "--commune", "00070").stdout
    assert "Chưa nạp ranh giới" not in run_cli(ward_admin_url, "check", "--commune", WARD).stdout

    imported = run_cli(ward_admin_url, "import", str(path), "--crs", "EPSG:5897",
                       "--officer", "Lan")
    assert imported.returncode == 0, imported.stderr
    # The same words, in the same order, in the import's output.
    assert skipped_lines(imported.stdout) == said


def test_import_names_its_reasons_by_code_vietnamese_first_as_check_does(
    ward_url: str, ward_admin_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "overlapping.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        square_feature(8000, 20, 31), square_feature(8019, 20, 32)]}), encoding="utf-8")
    conn = connect(ward_url)
    try:
        (names,) = rows(conn, "SELECT name_vi, name_en FROM cadastre.rule "
                              "WHERE code = 'overlap'")
    finally:
        conn.close()

    imported = run_cli(ward_admin_url, "import", str(path), "--crs", "EPSG:5897",
                       "--officer", "Lan")

    assert imported.returncode == 0, imported.stderr
    assert f"  overlap: 1 — {names['name_vi']} / {names['name_en']}" in imported.stdout
