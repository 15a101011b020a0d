"""The real `cadastre import` command, run as a user runs it, against the test's own register."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import shapely

from cadastre.db.connection import connect
from cadastre.register.binding import dossiers
from tests.db.import_helpers import fetch, run_cli, scalar, table_counts, write_layer

ORIGIN_E, ORIGIN_N = 586_000.0, 2_326_000.0
HOLDERS = ["Nguyễn Văn Bình", "Trần Thị Thu Hương", "Lê Quốc Việt", "Phạm Đức Thắng"]


def small_file(
    folder: Path, name: str = "thua.shp", numbers: tuple[int, ...] = (1, 2, 3, 4), **options
) -> Path:
    """A UTF-8 shapefile (with .cpg) of 10 m squares in EPSG:5897, commune 00070, sheet 12."""
    count = len(numbers)
    return write_layer(
        folder / name,
        {
            "MaXa": ["00070"] * count,
            "SoTo": ["12"] * count,
            "SoThua": [float(n) for n in numbers],
            "LoaiDat": ["ODT"] * count,
            "DienTich": [100.0] * count,
            "ChuSuDung": HOLDERS[:count],
            "DiaChi": ["Đường Hoàng Hoa Thám"] * count,
        },
        [
            shapely.to_wkb(shapely.box(x, ORIGIN_N, x + 10, ORIGIN_N + 10))
            for x in (ORIGIN_E + 20 * i for i in range(count))
        ],
        **options,
    )


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def test_import_prints_the_summary_and_writes_every_outcome_to_the_report(
    register_url: str, tmp_path: Path
) -> None:
    path = small_file(tmp_path, numbers=(1, 2, 3, 2))  # the last one repeats parcel 2
    report = tmp_path / "out.csv"
    result = run_cli(
        register_url, "import", str(path), "--officer", "Lê Văn Cán bộ", "--report", str(report)
    )
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    out = result.stdout
    assert f"file: {path}" in out
    assert "CRS: EPSG:5897 (file)" in out
    assert f"Import of {path}" in out
    lines = [line for line in out.splitlines() if "│" in line]
    cells = [[cell.strip() for cell in line.strip("│ ").split("│")] for line in lines]
    assert ["imported", "3"] in cells
    assert ["quarantined", "1"] in cells
    assert ["total", "4"] in cells
    assert "duplicate_identity: 1" in out
    assert "4 of 4 features accounted for; committed" in out
    assert f"Outcome of every feature written to {report}" in out

    with report.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["feature"], r["outcome"], r["reason"], r["parcel"]) for r in rows] == [
        ("0", "imported", "", "00070/12/1"),
        ("1", "imported", "", "00070/12/2"),
        ("2", "imported", "", "00070/12/3"),
        ("3", "quarantined", "duplicate_identity", ""),
    ]
    assert rows[3]["detail"] == "identity 00070/12/2 is also used by feature 1 of this file"
    assert rows[3]["location_wkt"].startswith("POINT(")

    conn = connect(register_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel") == 3
        assert fetch(conn, "SELECT officer, status FROM cadastre.dossier") == [
            ("Lê Văn Cán bộ", "approved")
        ]
    finally:
        conn.close()


def test_import_under_an_existing_approved_dossier(register_url: str, tmp_path: Path) -> None:
    conn = connect(register_url)
    try:
        with conn, conn.cursor() as cur:
            dossier = dossiers.open_dossier(
                cur, number="12/2024/ĐK", kind="first_registration", received_on="2024-01-02",
                officer="Lan",
            )
            dossiers.decide_dossier(
                cur, dossier_id=dossier, status="approved", decided_on="2024-01-10"
            )
        result = run_cli(
            register_url, "import", str(small_file(tmp_path)), "--dossier", str(dossier)
        )
        assert result.returncode == 0, result.stderr
        assert "4 of 4 features accounted for; committed" in result.stdout
        assert fetch(conn, "SELECT DISTINCT dossier_id FROM cadastre.parcel") == [(dossier,)]
        assert scalar(conn, "SELECT count(*) FROM cadastre.dossier") == 1
    finally:
        conn.close()


def test_file_without_crs_imports_with_the_province_zone(register_url: str, tmp_path: Path) -> None:
    path = small_file(tmp_path, "khong_prj.shp", crs=None)
    refused = run_cli(register_url, "import", str(path), "--officer", "Lan")
    assert refused.returncode == 1
    assert_no_traceback(refused)
    assert f"'{path}' (layer 'khong_prj') has no coordinate reference system" in refused.stderr
    assert "--province 01" in refused.stderr

    result = run_cli(register_url, "import", str(path), "--officer", "Lan", "--province", "01")
    assert result.returncode == 0, result.stderr
    assert "CRS: EPSG:5897 (given)" in result.stdout
    assert "4 of 4 features accounted for; committed" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            [],
            "Error: An import needs a dossier: give --dossier ID (approved) or --officer NAME",
            id="no dossier and no officer",
        ),
        pytest.param(
            ["--officer", "Lan", "--mapping", "no_such_preset"],
            "Error: no mapping preset or file named 'no_such_preset'; "
            "presets: cadastre, fr_etalab, vn_standard",
            id="unknown mapping preset",
        ),
    ],
)
def test_refused_import_exits_1_with_the_message_and_changes_nothing(
    register_url: str, tmp_path: Path, arguments: list[str], message: str
) -> None:
    conn = connect(register_url)
    try:
        before = table_counts(conn)
        result = run_cli(register_url, "import", str(small_file(tmp_path)), *arguments)
        assert result.returncode == 1
        assert_no_traceback(result)
        assert message in result.stderr
        assert table_counts(conn) == before
    finally:
        conn.close()


def test_missing_file_exits_1_naming_it(register_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "khong_co.shp"
    result = run_cli(register_url, "import", str(missing), "--officer", "Lan")
    assert result.returncode == 1
    assert_no_traceback(result)
    assert f"Error: '{missing}': no such file" in result.stderr


def test_imported_parcels_are_published_and_db_publish_publishes_what_changes_put_out(
    register_url: str, tmp_path: Path
) -> None:
    unpublished = "SELECT count(*) FROM public_register.pages_to_publish()"
    result = run_cli(register_url, "import", str(small_file(tmp_path)), "--officer", "Cán bộ")
    assert result.returncode == 0, result.stderr
    conn = connect(register_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel") == 4
        assert scalar(conn, unpublished) == 0
        with conn, conn.cursor() as cur:  # a holder's name corrected: their page is withdrawn
            cur.execute("UPDATE cadastre.party SET name = name || ' Anh' WHERE name = %s",
                        (HOLDERS[0],))
        assert scalar(conn, unpublished) == 1
        published = run_cli(register_url, "db", "publish")
        assert published.returncode == 0, published.stderr
        assert "Published 1 parcel pages." in published.stdout
        assert scalar(conn, unpublished) == 0
    finally:
        conn.close()
