"""A new province's communes from the official list: `db init --province`, `cadastre commune`,
legacy files with pre-2025 commune codes, mergers, and the docs' walkthrough run as written."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shlex
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
import shapely

from cadastre.db.connection import connect
from cadastre.register import admin_units
from tests.db.import_helpers import run_cli, write_layer
from tests.db.register_helpers import (
    approve,
    open_dossier,
    parcel,
    parcel_id_by_ref,
    rows,
    scalar,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Real codes of Đà Nẵng (48): a ward in force since 2025-07-01 and pre-2025 wards it absorbed,
# as the pinned packages list them (asserted below, so a package update that changes them shows).
HAI_CHAU = ("20242", "Phường Hải Châu")
OLD_HOA_HIEP_BAC = ("20194", "Phường Hòa Hiệp Bắc")  # before 2025, Quận Liên Chiểu
HAI_VAN = "20195"  # the ward in force that absorbed it
# Around Hải Châu, in WGS 84 (longitude, latitude).
LON, LAT = 108.2200, 16.0600


def ward_file(folder: Path, name: str, commune: str, count: int = 3, lon: float = LON,
              lat: float = LAT) -> Path:
    """A legacy-style ward (WGS 84 GeoJSON, vn_standard fields): `count` parcels ~10 m wide."""
    step = 0.0001  # ≈ 11 m
    return write_layer(
        folder / name,
        {
            "MaXa": [commune] * count,
            "SoHieuToBanDo": ["7"] * count,
            "SoThuTuThua": [float(n) for n in range(1, count + 1)],
            "KyHieuMucDichSuDung": ["ODT"] * count,
        },
        [shapely.to_wkb(shapely.box(lon + 1.5 * step * i, lat, lon + 1.5 * step * i + step,
                                    lat + step)) for i in range(count)],
        crs="EPSG:4326",
        driver="GeoJSON",
    )


@pytest.fixture
def danang_url(db_url: str) -> str:
    """A migrated database where `cadastre db init --province 48` has run."""
    result = run_cli(db_url, "db", "init", "--province", "48")
    assert result.returncode == 0, result.stderr
    return db_url


def report_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_pinned_packages_name_the_codes_these_tests_use() -> None:
    in_force = {c.code: c.name for c in admin_units.communes_in_force("48")}
    assert in_force[HAI_CHAU[0]] == HAI_CHAU[1]
    assert HAI_VAN in in_force
    mapped = {(m.old_code, m.new_code): m for m in admin_units.correspondence("48")}
    assert mapped[(OLD_HOA_HIEP_BAC[0], HAI_VAN)].old_name == OLD_HOA_HIEP_BAC[1]
    assert len(admin_units.provinces()) == 34


def test_db_init_province_48_loads_its_communes_in_force_once(db_url: str) -> None:
    first = run_cli(db_url, "db", "init", "--province", "48")
    assert first.returncode == 0, first.stderr
    assert "Communes: 94 in force (94 added now" in first.stdout
    again = run_cli(db_url, "db", "init", "--province", "48")
    assert again.returncode == 0, again.stderr
    assert "Communes: 94 in force (0 added now, 0 pre-2025 codes mapped now" in again.stdout
    conn = connect(db_url)
    try:
        assert scalar(conn, "SELECT name FROM cadastre.admin_unit WHERE code = %s",
                      (HAI_CHAU[0],)) == HAI_CHAU[1]
        assert scalar(conn, "SELECT count(*) FROM cadastre.admin_unit WHERE level = 'commune' "
                      "AND parent_code = '48' AND valid @> current_date") == 94
        assert scalar(conn, "SELECT new_code FROM cadastre.commune_correspondence "
                      "WHERE old_code = %s", (OLD_HOA_HIEP_BAC[0],)) == HAI_VAN
    finally:
        conn.close()


def test_a_ward_with_2025_codes_registers_with_no_other_step(danang_url: str,
                                                             tmp_path: Path) -> None:
    path = ward_file(tmp_path, "hai_chau.geojson", HAI_CHAU[0])
    report = tmp_path / "out.csv"
    result = run_cli(danang_url, "import", str(path), "--officer", "Lan", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert [r["outcome"] for r in report_rows(report)] == ["imported"] * 3
    # No boundary loaded: the placement rule was skipped there, and the import says so.
    assert f"No boundary loaded for commune {HAI_CHAU[0]}: the placement rule" in result.stdout
    conn = connect(danang_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel WHERE commune_code = %s "
                      "AND ST_SRID(geom) = 5899", (HAI_CHAU[0],)) == 3
    finally:
        conn.close()


def test_a_ward_with_pre_2025_codes_registers_in_the_commune_that_absorbed_it(
    danang_url: str, tmp_path: Path
) -> None:
    path = ward_file(tmp_path, "hoa_hiep_bac.geojson", OLD_HOA_HIEP_BAC[0], lon=108.14,
                     lat=16.11)
    report = tmp_path / "out.csv"
    result = run_cli(danang_url, "import", str(path), "--officer", "Lan", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert f"{OLD_HOA_HIEP_BAC[0]} → {HAI_VAN}" in result.stdout  # the mapping used is reported
    outcomes = report_rows(report)
    assert [r["outcome"] for r in outcomes] == ["imported"] * 3
    assert all(f"commune {OLD_HOA_HIEP_BAC[0]} is now {HAI_VAN}" in r["detail"]
               for r in outcomes)
    conn = connect(danang_url)
    try:
        moved = parcel(conn, parcel_id_by_ref(conn, HAI_VAN, "7", 1))
        assert moved["old_identifiers"] == [
            {"commune_code": OLD_HOA_HIEP_BAC[0], "sheet_number": "7", "parcel_number": 1,
             "source": moved["old_identifiers"][0]["source"]}
        ]
        assert "pre-2025" in moved["old_identifiers"][0]["source"]
    finally:
        conn.close()


def test_a_code_in_neither_list_is_refused_with_the_nearest_communes(
    danang_url: str, tmp_path: Path
) -> None:
    path = ward_file(tmp_path, "unknown.geojson", "20243", count=1)
    report = tmp_path / "out.csv"
    result = run_cli(danang_url, "import", str(path), "--officer", "Lan", "--report", str(report))
    assert result.returncode == 0, result.stderr
    (row,) = report_rows(report)
    assert (row["outcome"], row["reason"]) == ("quarantined", "commune_unknown")
    assert "20243 is neither a commune in force nor a former commune" in row["detail"]
    assert f"{HAI_CHAU[0]} {HAI_CHAU[1]}" in row["detail"]


def test_a_divided_old_commune_is_not_placed_by_guess(danang_url: str, tmp_path: Path) -> None:
    divided = [m for m in admin_units.correspondence("48") if m.divided]
    assert divided, "the pinned list has a divided pre-2025 commune in Đà Nẵng"
    path = ward_file(tmp_path, "divided.geojson", divided[0].old_code, count=1)
    report = tmp_path / "out.csv"
    result = run_cli(danang_url, "import", str(path), "--officer", "Lan", "--report", str(report))
    assert result.returncode == 0, result.stderr
    (row,) = report_rows(report)
    assert (row["outcome"], row["reason"]) == ("quarantined", "commune_divided")
    assert all(m.new_code in row["detail"] for m in divided)


def test_commune_commands_list_add_rename_and_set_boundaries(danang_url: str,
                                                             tmp_path: Path) -> None:
    listed = run_cli(danang_url, "commune", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Communes (94)" in listed.stdout and HAI_CHAU[1] in listed.stdout

    added = run_cli(danang_url, "commune", "add", "99001", "Xã Thử Nghiệm")
    assert added.returncode == 0, added.stderr
    renamed = run_cli(danang_url, "commune", "rename", "99001", "Xã Thử Nghiệm Mới")
    assert renamed.returncode == 0, renamed.stderr
    refused = run_cli(danang_url, "commune", "rename", "99002", "Xã Không Có")
    assert refused.returncode != 0
    assert "99002 is not a commune of this register" in refused.stderr
    assert "cadastre commune list" in refused.stderr
    twice = run_cli(danang_url, "commune", "add", HAI_CHAU[0], "Phường Khác")
    assert twice.returncode != 0
    assert f"Commune {HAI_CHAU[0]} already exists ({HAI_CHAU[1]})" in twice.stderr
    assert "Traceback" not in twice.stderr
    bad = run_cli(danang_url, "commune", "add", "123", "Xã Sai Mã")
    assert bad.returncode != 0 and "5 digits" in bad.stderr

    boundary = write_layer(
        tmp_path / "ranh_gioi.geojson", {"ma_xa": [HAI_CHAU[0]]},
        [shapely.to_wkb(shapely.box(LON - 0.01, LAT - 0.01, LON + 0.01, LAT + 0.01))],
        crs="EPSG:4326", driver="GeoJSON",
    )
    set_ = run_cli(danang_url, "commune", "import-boundaries", str(boundary),
                   "--code-field", "ma_xa")
    assert set_.returncode == 0, set_.stderr
    wrong_field = run_cli(danang_url, "commune", "import-boundaries", str(boundary))
    assert wrong_field.returncode != 0 and "--code-field" in wrong_field.stderr
    conn = connect(danang_url)
    try:
        assert scalar(conn, "SELECT name FROM cadastre.admin_unit WHERE code = '99001'") \
            == "Xã Thử Nghiệm Mới"
        # Stored in the register's CRS (Đà Nẵng's TM-3 107°45′), about 2 km × 2.2 km.
        area = scalar(conn, "SELECT ST_Area(boundary) FROM cadastre.admin_unit "
                      "WHERE code = %s AND ST_SRID(boundary) = 5899", (HAI_CHAU[0],))
        assert 4.0e6 < area < 5.5e6
    finally:
        conn.close()
    # A parcel outside the loaded boundary is now refused by the placement rule.
    far = ward_file(tmp_path, "far.geojson", HAI_CHAU[0], count=1, lon=LON + 0.05)
    report = tmp_path / "out.csv"
    result = run_cli(danang_url, "import", str(far), "--officer", "Lan", "--report", str(report))
    assert result.returncode == 0, result.stderr
    (row,) = report_rows(report)
    assert row["outcome"] == "quarantined"


def test_a_merger_keeps_the_old_code_answerable_before_its_date(danang_url: str,
                                                                tmp_path: Path) -> None:
    path = ward_file(tmp_path, "hai_chau.geojson", HAI_CHAU[0], count=2)
    assert run_cli(danang_url, "import", str(path), "--officer", "Lan").returncode == 0
    today = dt.date.today()
    conn = connect(danang_url)
    try:
        moved = parcel_id_by_ref(conn, HAI_CHAU[0], "7", 1)
        between = scalar(conn, "SELECT clock_timestamp()")
        with conn, conn.cursor() as cur:
            dossier = open_dossier(cur, "commune_reassignment", today.isoformat(),
                                   commune=HAI_CHAU[0])
            approve(cur, dossier, today.isoformat())
    finally:
        conn.close()
    merged = run_cli(danang_url, "commune", "merge", HAI_CHAU[0], HAI_VAN, "--dossier",
                     str(dossier), "--effective", today.isoformat(), "--sheet-prefix", "HC-")
    assert merged.returncode == 0, merged.stderr
    assert "2 parcels moved" in merged.stdout
    conn = connect(danang_url)
    try:
        now = parcel(conn, moved)
        assert (now["commune_code"], now["sheet_number"]) == (HAI_VAN, "HC-7")
        assert now["old_identifiers"][-1]["commune_code"] == HAI_CHAU[0]
        # As the register knew it before the merger, the old identity names the parcel.
        before = rows(conn, "SELECT id FROM cadastre.parcel_version WHERE commune_code = %s "
                      "AND sheet_number = '7' AND parcel_number = 1 AND sys_period @> %s",
                      (HAI_CHAU[0], between))
        assert [r["id"] for r in before] == [moved]
    finally:
        conn.close()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    listed = run_cli(danang_url, "commune", "list", "--as-of", yesterday)
    assert HAI_CHAU[1] in listed.stdout
    assert HAI_CHAU[1] not in run_cli(danang_url, "commune", "list").stdout
    # A later file still carrying the merged code lands in the commune that took it over.
    late = ward_file(tmp_path, "late.geojson", HAI_CHAU[0], count=1, lat=LAT + 0.001)
    report = tmp_path / "out.csv"
    result = run_cli(danang_url, "import", str(late), "--officer", "Lan", "--report", str(report))
    assert result.returncode == 0, result.stderr
    (row,) = report_rows(report)
    assert row["outcome"] == "imported", row
    assert f"commune {HAI_CHAU[0]} is now {HAI_VAN}" in row["detail"]


def _walkthrough_commands() -> list[list[str]]:
    text = (PROJECT_ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    section = text.split("## Starting a new province", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words = shlex.split(line)
            assert words[0] == "cadastre", line
            commands.append(words[1:])
    return commands


def test_the_new_province_walkthrough_in_the_docs_runs_as_written(db_url: str,
                                                                  tmp_path: Path) -> None:
    ward_file(tmp_path, "ward.geojson", OLD_HOA_HIEP_BAC[0], lon=108.14, lat=16.11)
    write_layer(
        tmp_path / "communes.gpkg", {"MaXa": [HAI_VAN]},
        [shapely.to_wkb(shapely.box(108.10, 16.05, 108.20, 16.16))],
        crs="EPSG:4326", driver="GPKG",
    )
    commands = _walkthrough_commands()
    assert commands[0][:2] == ["db", "start"]
    commands[0][1] = "init"  # on a server DATABASE_URL names, `db start` is `db init`
    for words in commands:
        result = run_cli(db_url, *words, cwd=tmp_path)
        assert result.returncode == 0, (words, result.stdout, result.stderr)
    conn = connect(db_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel WHERE commune_code = %s",
                      (HAI_VAN,)) == 3
    finally:
        conn.close()


def test_only_the_owner_sets_up_communes_and_an_administrator_merges(
    register_url: str, make_user, tmp_path: Path
) -> None:
    officer = make_user("officer", ("00070",))
    admin = make_user("admin")
    for url in (officer, admin):
        conn = connect(url)
        try:
            for sql in ("SELECT cadastre.rename_commune('00070', 'Phường Khác')",
                        "SELECT cadastre.load_communes('[]', '[]', '2025-07-01', 'x')",
                        "SELECT cadastre.set_commune_boundary('00070', "
                        "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 5897))"):
                with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn, \
                        conn.cursor() as cur:
                    cur.execute(sql)
        finally:
            conn.close()
    refused = run_cli(officer, "commune", "merge", "00070", "00073", "--dossier", "1",
                      "--effective", "2025-07-01")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    conn = connect(register_url)
    try:
        with conn, conn.cursor() as cur:
            dossier = open_dossier(cur, "commune_reassignment", "2025-07-01")
            approve(cur, dossier, "2025-07-01")
    finally:
        conn.close()
    merged = run_cli(admin, "commune", "merge", "00070", "00073", "--dossier", str(dossier),
                     "--effective", "2025-07-01")
    assert merged.returncode == 0, merged.stderr
    listed = run_cli(admin, "commune", "list", "--all")
    assert "00073" in listed.stdout and "Replaced by" in listed.stdout
