"""Every register has an extent its imports are held to, and a province is created in its own zone.

Issue 19's leftovers: a register in a CRS the migrations do not seed gets the CRS's area of use
from PROJ at `db init`; Đà Nẵng's Hoàng Sa special zone lies 3.5° east of EPSG:5899's area of
use and is welcome once its boundary is loaded; a province whose TM-3 zone nobody has given is
not created in a guessed one. Imports run as an administrator of the register (a login role of
cadastre_admin), initialisation as the owner (the register's set-up).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pyproj
import pytest
import shapely

from cadastre.db.connection import connect
from tests.db.import_helpers import fetch, run_cli, scalar, write_layer
from tests.db.role_helpers import login_role

# Cao Bằng (04): a province in force whose central meridian the project has no source for.
CAO_BANG = "04"
# Đà Nẵng (48): Đặc khu Hoàng Sa, its special zone on the Paracel Islands, and Phú Lâm (Woody
# Island), 112.33°E 16.83°N: 3.57° east of EPSG:5899's area of use (106.43°E–108.76°E).
DA_NANG, HOANG_SA = "48", "20333"
WOODY_ISLAND = (112.3330, 16.8330)


def parcels_file(path: Path, commune: str, lon: float, lat: float, count: int = 2) -> Path:
    """`count` squares of ~11 m in WGS 84 (vn_standard fields) at a longitude/latitude."""
    step = 0.0001
    return write_layer(
        path,
        {"MaXa": [commune] * count, "SoHieuToBanDo": ["1"] * count,
         "SoThuTuThua": [float(n) for n in range(1, count + 1)],
         "KyHieuMucDichSuDung": ["ODT"] * count},
        [shapely.to_wkb(shapely.box(lon + 2 * step * i, lat, lon + 2 * step * i + step,
                                    lat + step)) for i in range(count)],
        crs="EPSG:4326", driver="GeoJSON",
    )


@pytest.fixture
def admin_of(db_url: str) -> Iterator:
    """A function giving the URL of a new administrator of the test's register (dropped after):
    imports run as the register's users do, its owner only sets it up."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(login_role(db_url, "admin"))


def one_line_error(result) -> str:
    """The CLI's refusal: exit 1, a message and a hint, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    return " ".join(text.split())


def test_a_province_without_a_known_zone_is_not_created_in_a_guessed_one(db_url: str) -> None:
    text = one_line_error(run_cli(db_url, "db", "init", "--province", CAO_BANG))
    assert "Province 04 Cao Bằng is in force" in text
    assert "TM-3 zone (central meridian) is not known" in text
    assert f"cadastre db init --province {CAO_BANG} --srid EPSG" in text
    assert "973/2001/TT-TCĐC" in text  # where the official figure is found
    assert "105°45′ EPSG:9210" in text  # the zones PROJ knows, by meridian
    conn = connect(db_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.register_setting") == 0
        assert scalar(conn, "SELECT count(*) FROM cadastre.province_crs "
                            "WHERE province_code = %s", (CAO_BANG,)) == 0
    finally:
        conn.close()


def test_a_register_in_an_unseeded_crs_gets_proj_area_and_refuses_a_file_outside_it(
    db_url: str, admin_of, tmp_path: Path
) -> None:
    # EPSG:3405 (VN-2000 / UTM 48N) is not among the zones migration 026 seeds.
    conn = connect(db_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.crs_area_of_use "
                            "WHERE srid = 3405") == 0
    finally:
        conn.close()
    init = run_cli(db_url, "db", "init", "--province", CAO_BANG, "--srid", "3405")
    assert init.returncode == 0, init.stderr
    conn = connect(db_url)
    try:
        area = pyproj.CRS.from_epsg(3405).area_of_use
        assert fetch(conn, "SELECT west, south, east, north FROM cadastre.crs_area_of_use "
                           "WHERE srid = 3405") == [(area.west, area.south, area.east,
                                                     area.north)]
        commune = scalar(conn, "SELECT min(code) FROM cadastre.admin_unit WHERE level = "
                               "'commune' AND boundary IS NULL")
        before = scalar(conn, "SELECT count(*) FROM cadastre.parcel")
    finally:
        conn.close()
    admin = admin_of()
    # Squares in Bangkok (100.5°E): west of UTM 48N's area of use (102.14°E), a wrong file.
    far = parcels_file(tmp_path / "bangkok.geojson", commune, 100.50, 13.75)
    text = one_line_error(run_cli(admin, "import", str(far), "--officer", "Lan"))
    assert "bangkok.geojson" in text or "EPSG:4326" in text
    assert "2 of 2 feature(s) lie outside the area of use of EPSG:3405" in text
    assert "lands at 100.50" in text
    assert "Hint:" in text and "--crs" in text
    # The same check in the dry run, and a file in the province is welcome.
    assert "EPSG:3405" in one_line_error(run_cli(admin, "check", str(far)))
    near = parcels_file(tmp_path / "cao_bang.geojson", commune, 106.2570, 22.6650)
    result = run_cli(admin, "import", str(near), "--officer", "Lan")
    assert result.returncode == 0, result.stdout + result.stderr
    conn = connect(db_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel") == before + 2
    finally:
        conn.close()


def test_init_again_keeps_the_seeded_area_of_a_vn2000_zone(db_url: str) -> None:
    assert run_cli(db_url, "db", "init", "--province", DA_NANG).returncode == 0
    conn = connect(db_url)
    try:
        # Migration 026's figure for 5899 is PROJ's too; recording again changes nothing.
        assert fetch(conn, "SELECT west, south, east, north FROM cadastre.crs_area_of_use "
                           "WHERE srid = 5899") == [(106.43, 8.57, 108.76, 21.67)]
    finally:
        conn.close()


def hoang_sa_boundary(path: Path) -> Path:
    """A stand-in boundary of the special zone: a box around the Paracel Islands (test data,
    not the official boundary, which an office loads from its own file)."""
    return write_layer(path, {"MaXa": [HOANG_SA]},
                       [shapely.to_wkb(shapely.box(111.0, 15.7, 112.9, 17.2))],
                       crs="EPSG:4326", driver="GeoJSON")


def test_hoang_sa_beyond_the_zone_area_is_welcome_once_its_boundary_is_loaded(
    db_url: str, admin_of, tmp_path: Path
) -> None:
    assert run_cli(db_url, "db", "init", "--province", DA_NANG).returncode == 0
    admin = admin_of()
    island = parcels_file(tmp_path / "phu_lam.geojson", HOANG_SA, *WOODY_ISLAND)
    # Without any boundary, the register knows only EPSG:5899's area of use: refused, and told
    # how to make it right (load the island zone's boundary), never let through by a wider box.
    text = one_line_error(run_cli(admin, "import", str(island), "--officer", "Lan"))
    assert "lie outside the area of use of EPSG:5899" in text
    assert "lands at 112.33" in text
    assert "island zone" in text and "cadastre commune import-boundaries" in text
    # The owner loads the zone's boundary; the parcels then register under Hoàng Sa.
    boundary = hoang_sa_boundary(tmp_path / "hoang_sa.geojson")
    loaded = run_cli(db_url, "commune", "import-boundaries", str(boundary),
                     "--code-field", "MaXa")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    result = run_cli(admin, "import", str(island), "--officer", "Lan")
    assert result.returncode == 0, result.stdout + result.stderr
    conn = connect(db_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel WHERE commune_code = %s",
                      (HOANG_SA,)) == 2
    finally:
        conn.close()
    # A file 1.5° east of the zone's area, in the sea between the coast and the islands (what a
    # wrong TM-3 zone gives), is still refused: the islands' boundary is no wider box.
    sea = parcels_file(tmp_path / "sea.geojson", HOANG_SA, 110.30, 16.10)
    assert "lands at 110.30" in one_line_error(run_cli(admin, "import", str(sea),
                                                       "--officer", "Lan"))
