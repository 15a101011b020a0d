"""Each export format read back with GDAL (pyogrio) gives what the register holds: the same
parcels, identities, areas, Vietnamese text and CRS."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import psycopg2
import pyogrio
import pyogrio.raw
import pyproj
import pytest
import shapely

from cadastre.errors import CadastreError
from cadastre.export import ExportRequest, export_parcels
from tests.db.export_helpers import (
    ADDRESS_7,
    ORG_NAME,
    REF_CHILDREN,
    REF_RICE,
    REF_SHOP,
    build_small_register,
)
from tests.db.register_helpers import (
    add_party,
    approved_dossier,
    change,
    holders,
    register_parcel,
    rows,
    square,
)

FORMATS = ("shp", "gpkg", "geojson", "fgb", "csv")
SUFFIX = {"shp": ".zip", "gpkg": ".gpkg", "geojson": ".geojson", "fgb": ".fgb", "csv": ".csv"}


@pytest.fixture
def small(register):
    return build_small_register(register)


def read_back(path: Path, fmt: str, tmp_path: Path) -> tuple[dict, dict[str, list]]:
    """(meta, {field: values}) of an export, unzipping a shapefile first."""
    source = path
    if fmt == "shp":
        folder = tmp_path / "unzipped"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
        source = folder / f"{path.stem}.shp"
    meta, _, geometry, values = pyogrio.raw.read(str(source))
    table = {name: list(column) for name, column in zip(meta["fields"], values, strict=True)}
    table["__geometry"] = list(shapely.from_wkb(geometry))
    return meta, table


def register_parcels(conn, srid: int = 5897) -> dict[str, dict]:
    """The current parcels as the register holds them, keyed by ref."""
    found = rows(
        conn,
        "SELECT id, cadastre.parcel_ref(commune_code, sheet_number, parcel_number) AS ref, "
        "legal_area::float8 AS legal_area, ST_Area(geom) AS area, address, "
        "ST_Area(ST_Transform(geom, %s)) AS target_area "
        "FROM cadastre.parcel WHERE status = 'current'",
        (srid,),
    )
    return {r["ref"]: r for r in found}


def field(fmt: str, name: str) -> str:
    shapefile = {"ref": "MaThua", "parcel_id": "ParcelID", "legal_area": "DienTich",
                 "measured_area": "DTDoDac", "address": "DiaChi", "land_use": "LoaiDat",
                 "holders": "ChuSuDung", "commune_name": "TenXa", "restrictions": "HanChe",
                 "land_use_areas": "DTLoaiDat"}
    return shapefile[name] if fmt == "shp" else name


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_reads_back_with_the_registers_parcels_areas_text_and_crs(
    register, register_url, small, tmp_path, fmt
) -> None:
    output = tmp_path / f"parcels{SUFFIX[fmt]}"
    request = ExportRequest(with_holders=True, with_rights=True, batch_size=3)
    result = export_parcels(output, request, url=register_url)
    srid = 4326 if fmt == "geojson" else 5897  # GeoJSON is WGS 84 only (RFC 7946)
    expected = register_parcels(register, srid)

    meta, table = read_back(output, fmt, tmp_path)
    assert result.count == len(expected) == 4
    refs = table[field(fmt, "ref")]
    assert sorted(refs) == sorted(expected)
    ids = [int(v) for v in table[field(fmt, "parcel_id")]]
    assert {ref: pid for ref, pid in zip(refs, ids, strict=True)} == {
        ref: r["id"] for ref, r in expected.items()}
    for i, ref in enumerate(refs):
        assert float(table[field(fmt, "legal_area")][i]) == pytest.approx(
            expected[ref]["legal_area"], rel=1e-6)
        assert float(table[field(fmt, "measured_area")][i]) == pytest.approx(
            expected[ref]["area"], rel=1e-6)
        # GeoJSON's 7 decimals of a degree are about 1 cm: a few cm² on 100 m².
        assert table["__geometry"][i].area == pytest.approx(expected[ref]["target_area"],
                                                            rel=1e-3 if fmt == "geojson" else 1e-6)
        assert (table[field(fmt, "address")][i] or None) == expected[ref]["address"]
    by_ref = dict(zip(refs, range(len(refs)), strict=True))
    assert table[field(fmt, "address")][by_ref[REF_SHOP]] == ADDRESS_7
    assert table[field(fmt, "holders")][by_ref[REF_SHOP]] == f"{ORG_NAME} (1/1)"
    assert table[field(fmt, "holders")][by_ref[REF_CHILDREN[0]]] == (
        "Nguyễn Văn An (1/2); Trần Thị Bình (1/2)")
    assert table[field(fmt, "commune_name")][by_ref[REF_SHOP]] == "Phường Cửa Nam"
    assert table[field(fmt, "restrictions")][by_ref[REF_RICE]] == "mortgage"
    crs = pyproj.CRS(meta["crs"])
    assert crs.equals(pyproj.CRS.from_epsg(srid), ignore_axis_order=True)
    assert result.crs == f"EPSG:{srid}"


def test_shapefile_zip_holds_its_parts_declares_utf8_and_maps_its_field_names(
    register_url, small, tmp_path
) -> None:
    output = tmp_path / "parcels.zip"
    export_parcels(output, ExportRequest(with_holders=True), url=register_url)
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
        assert {"parcels.shp", "parcels.shx", "parcels.dbf", "parcels.prj", "parcels.cpg",
                "fields.csv"} <= names
        assert archive.read("parcels.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
        prj = archive.read("parcels.prj").decode()
        mapping = list(csv.DictReader(io.StringIO(archive.read("fields.csv").decode())))
    assert prj.startswith('PROJCS["VN_2000_TM-3_zone_482"')
    assert pyproj.CRS(prj).equals(pyproj.CRS.from_epsg(5897))
    assert all(len(row["shapefile_field"]) <= 10 for row in mapping)
    assert {row["field"]: row["shapefile_field"] for row in mapping}["holders"] == "ChuSuDung"


@pytest.mark.parametrize(("crs", "epsg"), [("wgs84", 4326), ("utm", 3405), ("EPSG:9210", 9210)])
def test_export_in_another_crs_is_reprojected_and_declares_it(
    register, register_url, small, tmp_path, crs, epsg
) -> None:
    output = tmp_path / "parcels.gpkg"
    result = export_parcels(output, ExportRequest(crs=crs), url=register_url)
    meta, table = read_back(output, "gpkg", tmp_path)
    assert pyproj.CRS(meta["crs"]).equals(pyproj.CRS.from_epsg(epsg), ignore_axis_order=True)
    assert result.crs == f"EPSG:{epsg}"
    expected = {
        r["ref"]: r for r in rows(
            register,
            "SELECT cadastre.parcel_ref(commune_code, sheet_number, parcel_number) AS ref, "
            "ST_AsBinary(ST_Transform(geom, %s)) AS wkb FROM cadastre.parcel "
            "WHERE status = 'current'", (epsg,))
    }
    for ref, geom in zip(table["ref"], table["__geometry"], strict=True):
        want = shapely.from_wkb(bytes(expected[ref]["wkb"]))
        assert shapely.equals_exact(geom, want, tolerance=1e-9 if epsg == 4326 else 1e-6)


def test_shapefile_keeps_long_text_whole_in_a_side_table_and_warns(
    register, register_url, small, tmp_path
) -> None:
    long_address = "Ngõ 12 ngách 34 hẻm 56 đường Nguyễn Thị Minh Khai " * 8
    with change(register, "2021-01-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2021-01-01")
        party = add_party(cur, "Lê Văn Dũng")
        long_id = register_parcel(cur, dossier, 9, square(60, 0, 10), holders((party, "1")),
                                  address=long_address)
    output = tmp_path / "parcels.zip"
    result = export_parcels(output, url=register_url)
    assert any("long_text.csv" in w for w in result.warnings)
    _, table = read_back(output, "shp", tmp_path)
    shortened = table["DiaChi"][table["MaThua"].index("00070/12/9")]
    assert long_address.startswith(shortened)
    assert len(shortened.encode("utf-8")) <= 254
    with zipfile.ZipFile(output) as archive:
        side = list(csv.DictReader(io.StringIO(archive.read("long_text.csv").decode())))
    assert side == [{"parcel_id": str(long_id), "ref": "00070/12/9", "field": "address",
                     "shapefile_field": "DiaChi", "text": long_address}]


def test_land_uses_are_flattened_largest_area_first(register_url, small, tmp_path) -> None:
    output = tmp_path / "parcels.gpkg"
    export_parcels(output, ExportRequest(status="all"), url=register_url)
    _, table = read_back(output, "gpkg", tmp_path)
    parent = table["ref"].index("00070/12/45")
    assert table["land_use"][parent] == "ODT+CLN"
    assert table["land_use_areas"][parent] == "120.0+80.0"
    assert table["main_land_use"][parent] == "ODT"
    assert int(table["land_use_count"][parent]) == 2


def two_records_limit(register_url: str, tmp_path: Path) -> int:
    """A size limit that lets two parcels into each .dbf (measured on a first export)."""
    probe = tmp_path / "probe" / "probe.zip"
    probe.parent.mkdir()
    export_parcels(probe, url=register_url)
    with zipfile.ZipFile(probe) as archive:
        header = archive.read("probe.dbf")[:12]
    header_bytes = int.from_bytes(header[8:10], "little")
    record_bytes = int.from_bytes(header[10:12], "little")
    return header_bytes + 2 * record_bytes + 1


def test_shapefile_is_split_into_parts_before_the_size_limit(register_url, small,
                                                             tmp_path) -> None:
    limit = two_records_limit(register_url, tmp_path)
    output = tmp_path / "parcels.zip"
    result = export_parcels(output, ExportRequest(batch_size=3), url=register_url,
                            shapefile_part_limit=limit)
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "parts")
    assert {"parcels.shp", "parcels_2.shp"} <= names
    shapefiles = sorted(n for n in names if n.endswith(".shp"))
    counts = [pyogrio.read_info(tmp_path / "parts" / n)["features"] for n in shapefiles]
    assert sum(counts) == result.count == 4
    assert max(counts) == 2
    assert any("split" in w for w in result.warnings)
    for name in names:
        if name.endswith((".shp", ".dbf")):
            assert (tmp_path / "parts" / name).stat().st_size <= limit


def test_shapefile_over_the_limit_is_refused_when_splitting_is_off(register_url, small,
                                                                   tmp_path) -> None:
    limit = two_records_limit(register_url, tmp_path)
    output = tmp_path / "parcels.zip"
    with pytest.raises(CadastreError, match="2 GB"):
        export_parcels(output, ExportRequest(split_shapefile=False), url=register_url,
                       shapefile_part_limit=limit)
    assert not output.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["probe"]


def test_an_empty_selection_writes_an_empty_layer_and_says_so(register_url, small,
                                                              tmp_path) -> None:
    output = tmp_path / "none.gpkg"
    result = export_parcels(output, ExportRequest(land_uses=("NTS",)), url=register_url)
    assert result.count == 0
    assert pyogrio.read_info(output)["features"] == 0
    assert any("No parcel" in w for w in result.warnings)


def test_connection_given_by_the_caller_is_left_usable(register_url, small, tmp_path) -> None:
    conn = psycopg2.connect(register_url)
    try:
        export_parcels(tmp_path / "a.fgb", connection=conn)
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
        assert not conn.closed
    finally:
        conn.close()
