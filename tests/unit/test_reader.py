"""Reading parcel layers: CRS, legacy text, mapping, batches and per-feature problems."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import pytest
import shapely

from cadastre.io.field_mapping import MappingError, load_mapping
from cadastre.io.reader import (
    MissingCrsError,
    SourceError,
    missing_crs_hint,
    parse_number,
    read_source,
)
from cadastre.io.vn_encoding import encode_cp1258, encode_tcvn3, encode_vni

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ETALAB_91216 = SHARED_DATA / "fr_etalab" / "cadastre-91216-parcelles.json"

CONSTANTS = {"commune_code": "00070", "sheet_number": "12"}
HOLDERS = ["Nguyễn Văn Bình", "Trần Thị Thu Hương", "Lê Quốc Việt", "Phạm Đức Thắng"]
ADDRESSES = [
    "Đường Hoàng Hoa Thám",
    "Phường Hàng Bạc",
    "Số 12 ngõ 34 phố Huế",
    "Thôn Đông, xã Đông Anh",
]


def parcel(index: int) -> bytes:
    """A 10 m square parcel in VN-2000 / TM-3 105° coordinates."""
    x, y = 585_000 + 20 * index, 2_330_000
    return shapely.to_wkb(shapely.box(x, y, x + 10, y + 10))


def vn_rows(count: int = 4) -> dict[str, list[Any]]:
    """Typical Vietnamese parcel attributes (numbers as a district file stores them)."""
    return {
        "MaXa": [70.0] * count,
        "SoTo": [12.0] * count,
        "SoThua": [float(i + 1) for i in range(count)],
        "LoaiDat": ["ODT+CLN", "ODT", "cln, odt", "BHK"][:count],
        "DienTich": [100.5, 120.0, 99.9, 250.0][:count],
        "ChuSuDung": HOLDERS[:count],
        "DiaChi": ADDRESSES[:count],
    }


def write_layer(
    path: Path,
    columns: dict[str, list[Any]],
    *,
    legacy: Callable[[str], bytes] | None = None,
    cpg: str | None = None,
    crs: str | None = "EPSG:5897",
    geometries: list[bytes | None] | None = None,
) -> Path:
    """Write a layer; with `legacy`, text is stored as those legacy bytes (no .cpg unless given)."""
    count = len(next(iter(columns.values())))
    arrays = []
    for values in columns.values():
        if all(isinstance(v, float) for v in values):
            arrays.append(np.array(values, dtype=np.float64))
        elif legacy is not None:
            arrays.append(np.array([legacy(v).decode("latin-1") for v in values], dtype=object))
        else:
            arrays.append(np.array(values, dtype=object))
    wkbs = geometries if geometries is not None else [parcel(i) for i in range(count)]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        pyogrio.raw.write(
            str(path),
            np.array(wkbs, dtype=object),
            arrays,
            list(columns),
            geometry_type="Polygon",
            crs=crs,
            encoding="ISO-8859-1" if legacy is not None else None,
        )
    if legacy is not None:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    return path


def all_records(path: Path, **options: Any) -> list[Any]:
    """Every record of a source, batches flattened."""
    source = read_source(path, **options)
    return [record for batch in source.batches() for record in batch]


@pytest.mark.parametrize(("encoding", "encoder"), [("tcvn3", encode_tcvn3), ("vni", encode_vni)])
def test_legacy_shapefile_names_decode_to_unicode(
    tmp_path: Path, encoding: str, encoder: Callable[[str], bytes]
) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows(), legacy=encoder)
    source = read_source(path)
    assert source.encoding.effective == encoding
    assert source.encoding.origin == "detected"
    records = [r for batch in source.batches() for r in batch]
    assert [r.holder_name for r in records] == HOLDERS
    assert [r.address for r in records] == ADDRESSES
    assert records[0].attributes["ChuSuDung"] == HOLDERS[0]


def test_tcvn3_text_behind_a_cp1252_cpg_is_still_decoded(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows(), legacy=encode_tcvn3, cpg="ANSI 1252")
    source = read_source(path)
    assert source.encoding.effective == "tcvn3"
    assert [r.holder_name for r in source.records()] == HOLDERS


def test_utf8_shapefile_with_cpg_is_left_alone(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    assert path.with_suffix(".cpg").read_text().strip().upper() == "UTF-8"
    source = read_source(path)
    assert (source.encoding.effective, source.encoding.origin) == ("utf-8", "cpg")
    assert [r.holder_name for r in source.records()] == HOLDERS


def test_cp1258_shapefile_with_cpg_1258_decodes(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows(), legacy=encode_cp1258, cpg="1258")
    source = read_source(path)
    assert (source.encoding.effective, source.encoding.origin) == ("cp1258", "cpg")
    assert [r.holder_name for r in source.records()] == HOLDERS
    assert [r.address for r in source.records()] == ADDRESSES


def test_legacy_bytes_behind_a_utf8_cpg_are_detected_and_noted(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows(), legacy=encode_vni, cpg="UTF-8")
    source = read_source(path)
    assert source.encoding.effective == "vni"
    assert any("not valid utf-8" in note for note in source.notes)
    assert [r.holder_name for r in source.records()] == HOLDERS


def test_tcvn3_text_stored_in_a_utf8_geojson_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "thua.geojson"
    holders = [encode_tcvn3(name).decode("latin-1") for name in HOLDERS]
    pyogrio.raw.write(
        str(path),
        np.array([parcel(i) for i in range(4)], dtype=object),
        [np.array(["1", "2", "3", "4"], dtype=object), np.array(holders, dtype=object)],
        ["SoThua", "TenChu"],
        driver="GeoJSON",
        geometry_type="Polygon",
        crs="EPSG:4326",
    )
    source = read_source(path, mapping=load_mapping("vn_standard", constants=CONSTANTS))
    assert (source.encoding.effective, source.encoding.origin) == ("tcvn3", "detected")
    assert [r.holder_name for r in source.records()] == HOLDERS


def test_folder_of_shapefiles_uses_the_layers_own_cpg(tmp_path: Path) -> None:
    write_layer(tmp_path / "a.shp", vn_rows())
    write_layer(tmp_path / "b.shp", vn_rows(), legacy=encode_cp1258, cpg="1258")
    source = read_source(tmp_path, layer="b")
    assert (source.encoding.effective, source.encoding.origin) == ("cp1258", "cpg")
    assert [r.holder_name for r in source.records()] == HOLDERS


def test_empty_id_field_falls_back_to_the_fid_and_is_reported(tmp_path: Path) -> None:
    columns = {**vn_rows(2), "MaThua": ["T-1", ""]}
    mapping = tmp_path / "m.toml"
    mapping.write_text('extends = "vn_standard"\n[fields]\nid_field = "MaThua"\n', "utf-8")
    records = all_records(write_layer(tmp_path / "thua.shp", columns), mapping=mapping)
    assert records[0].feature_id == "T-1"
    assert records[1].feature_id == 1
    assert [p.code for p in records[1].problems] == ["missing_feature_id"]


def test_given_encoding_overrides_detection(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows(), legacy=encode_vni)
    source = read_source(path, encoding="vni")
    assert (source.encoding.effective, source.encoding.origin) == ("vni", "given")
    assert [r.holder_name for r in source.records()] == HOLDERS


def test_unknown_encoding_name_is_refused(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    with pytest.raises(SourceError, match="unknown text encoding 'klingon'"):
        read_source(path, encoding="klingon")


def test_file_without_crs_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "no_crs.shp", vn_rows(), crs=None)
    with pytest.raises(MissingCrsError) as error:
        read_source(path)
    message = str(error.value)
    assert str(path) in message
    assert "no coordinate reference system" in message
    assert "--crs EPSG:" in message
    assert "--province" in message
    assert "5897" not in message  # not Hà Nội's zone for every register


def test_the_no_crs_hint_names_the_registers_own_crs_and_province() -> None:
    hint = missing_crs_hint(5899, "48", "Thành phố Đà Nẵng")
    assert "--crs EPSG:5899" in hint and "--province 48" in hint
    assert "Đà Nẵng" in hint and "5897" not in hint


def test_an_empty_feature_collection_says_the_file_has_no_features(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(SourceError) as error:
        read_source(path, source_crs="EPSG:5897")
    assert "the file has no features" in str(error.value)
    assert "none of the fields" not in str(error.value)


def test_given_crs_supplies_a_missing_one(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "no_crs.shp", vn_rows(), crs=None)
    source = read_source(path, source_crs="EPSG:5897")
    assert (source.crs, source.crs_origin) == ("EPSG:5897", "given")


def test_given_crs_different_from_the_file_is_noted(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    source = read_source(path, source_crs="EPSG:9210")
    assert source.crs == "EPSG:9210"
    assert any("the file declares EPSG:5897" in note for note in source.notes)


def test_invalid_given_crs_is_refused(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    with pytest.raises(SourceError, match="not a coordinate reference system"):
        read_source(path, source_crs="EPSG:99999")


def test_layer_facts_are_reported(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    source = read_source(path)
    assert (source.feature_count, source.geometry_type, source.crs) == (4, "Polygon", "EPSG:5897")
    assert source.field_names == tuple(vn_rows())
    report = "\n".join(source.describe())
    assert "EPSG:5897" in report
    assert "parcel_number <- SoThua" in report


def test_numeric_identity_fields_become_text(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    first = all_records(path)[0]
    assert (first.commune_code, first.sheet_number, first.parcel_number) == ("00070", "12", "1")
    assert first.registered_area == pytest.approx(100.5)
    assert first.land_use == ("ODT", "CLN")


def test_geometry_stays_wkb_in_the_source_crs(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    first = all_records(path)[0]
    assert first.geometry is not None
    assert shapely.from_wkb(first.geometry).bounds == (585_000, 2_330_000, 585_010, 2_330_010)


def test_records_come_in_batches_of_the_requested_size(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    source = read_source(path, batch_size=3)
    assert [len(batch) for batch in source.batches()] == [3, 1]
    assert [len(batch) for batch in source.batches(2)] == [2, 2]
    assert [r.fid for r in source.records()] == [0, 1, 2, 3]


def test_feature_with_null_geometry_is_reported_not_dropped(tmp_path: Path) -> None:
    path = write_layer(
        tmp_path / "thua.shp", vn_rows(), geometries=[parcel(0), None, parcel(2), parcel(3)]
    )
    records = all_records(path)
    assert len(records) == 4
    assert records[1].geometry is None
    assert [p.code for p in records[1].problems] == ["null_geometry"]
    assert "thua.shp, feature 1" in records[1].problems[0].message
    assert all(not r.problems for r in (records[0], records[2], records[3]))


def test_non_polygon_geometry_in_a_geopackage_is_reported(tmp_path: Path) -> None:
    line = shapely.to_wkb(shapely.LineString([(585_000, 2_330_000), (585_010, 2_330_000)]))
    path = tmp_path / "mixed.gpkg"
    pyogrio.raw.write(
        str(path),
        np.array([parcel(0), line], dtype=object),
        [np.array(["1", "2"], dtype=object), np.array(HOLDERS[:2], dtype=object)],
        ["SoThua", "ChuSuDung"],
        driver="GPKG",
        geometry_type="Unknown",
        crs="EPSG:5897",
    )
    source = read_source(path, mapping=load_mapping("vn_standard", constants=CONSTANTS))
    assert (source.encoding.effective, source.encoding.origin) == ("utf-8", "driver")
    records = list(source.records())
    assert records[0].problems == ()
    assert [p.code for p in records[1].problems] == ["not_polygonal"]
    assert "LineString" in records[1].problems[0].message
    assert records[1].holder_name == HOLDERS[1]


def test_unparsable_number_and_missing_identity_are_reported(tmp_path: Path) -> None:
    columns = vn_rows(3)
    columns["SoThua"] = ["1", "", "3"]
    columns["DienTich"] = ["120,5", "99.5", "abc"]
    records = all_records(write_layer(tmp_path / "thua.shp", columns))
    assert records[0].registered_area == pytest.approx(120.5)
    assert [p.code for p in records[1].problems] == ["missing_identity"]
    assert records[1].problems[0].field == "SoThua"
    assert records[1].parcel_number is None
    assert [p.code for p in records[2].problems] == ["unparsable_number"]
    assert "field 'DienTich'" in records[2].problems[0].message
    assert "'abc'" in records[2].problems[0].message
    assert records[2].registered_area is None


def test_int_transform_failure_is_reported(tmp_path: Path) -> None:
    columns = vn_rows(2)
    columns["SoThua"] = ["0012", "12a"]
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'extends = "vn_standard"\n[fields]\n'
        'parcel_number = { source = "SoThua", transforms = ["int"] }\n',
        encoding="utf-8",
    )
    records = all_records(write_layer(tmp_path / "thua.shp", columns), mapping=mapping)
    assert records[0].parcel_number == "12"
    assert {p.code for p in records[1].problems} == {"unparsable_number", "missing_identity"}


def test_bad_mapping_names_the_field_and_lists_the_available_ones(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[fields]\ncommune_code = "MaXa"\nsheet_number = "SoTo"\nparcel_number = "STT"\n',
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as error:
        read_source(path, mapping=mapping)
    message = str(error.value)
    assert "field 'STT' is not in layer 'thua'" in message
    assert str(path) in message
    assert "available fields: MaXa, SoTo, SoThua, LoaiDat, DienTich, ChuSuDung, DiaChi" in message


def test_etalab_geojson_with_the_fr_etalab_preset_gives_4241_records() -> None:
    source = read_source(ETALAB_91216, mapping="fr_etalab")
    assert (source.feature_count, source.crs) == (4241, "EPSG:4326")
    records = [record for batch in source.batches() for record in batch]
    assert len(records) == 4241
    assert all(isinstance(r.sheet_number, str) and r.sheet_number for r in records)
    assert all(r.parcel_number and r.commune_code == "91216" for r in records)
    first = records[0]
    assert (first.feature_id, first.sheet_number, first.parcel_number) == (
        "91216000AB0037",
        "AB",
        "37",
    )
    assert first.registered_area == 254881.0
    assert first.land_use == ()
    assert all(r.geometry is not None for r in records)
    assert sum(1 for r in records if r.registered_area is None) < 4241


def test_unknown_layer_is_refused_listing_the_layers(tmp_path: Path) -> None:
    path = write_layer(tmp_path / "thua.shp", vn_rows())
    with pytest.raises(SourceError, match="no layer 'parcels'; layers: thua"):
        read_source(path, layer="parcels")


def test_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"nowhere\.shp"):
        read_source(tmp_path / "nowhere.shp")


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (12, 12.0),
        (12.5, 12.5),
        ("12,5", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567.0),
        (" 120 m2", 120.0),
        ("120m²", 120.0),
    ],
)
def test_numbers_in_local_formats_parse(value: object, number: float) -> None:
    assert parse_number(value) == number


@pytest.mark.parametrize("value", ["abc", "", "nan", True])
def test_non_numbers_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_number(value)


def test_nan_coordinates_reach_the_rules_without_a_shapely_warning(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nan = shapely.to_wkb(shapely.Polygon([(0, 0), (float("nan"), 0), (1, 1), (0, 0)]))
    path = write_layer(tmp_path / "nan.gpkg", vn_rows(1), geometries=[nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        (record,) = all_records(path)
    assert record.geometry is not None  # kept: the database's validity rule names it
