"""`cadastre import` of legacy Vietnamese files into the Hà Nội register (EPSG:5897).

Small district-style shapefiles written in `tmp_path` (MaXa, SoTo, SoThua, LoaiDat, DienTich,
ChuSuDung, DiaChi) with their text in TCVN3 or VNI bytes (no .cpg: the import detects them) or
in UTF-8 with a .cpg, imported with the `vn_standard` preset; the tests read what PostGIS keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psycopg2.extensions
import pytest
import shapely

from cadastre.io.importer import ImportReport
from cadastre.io.reader import MissingCrsError
from cadastre.io.vn_encoding import encode_tcvn3, encode_vni
from tests.db.import_helpers import by_feature, fetch, run_import, scalar, table_counts
from tests.db.import_helpers import write_layer as write_raw_layer

Connection = psycopg2.extensions.connection

ORIGIN_E, ORIGIN_N = 586_000.0, 2_326_000.0
SIDE = 20.0  # every parcel is a 20 m square: 400 m²
HOLDERS = [
    "Nguyễn Văn Bình",
    "Trần Thị Thu Hương",
    "Lê Quốc Việt",
    "Phạm Đức Thắng",
    "Công ty TNHH Đất Việt",
    "Nguyễn Văn Bình",  # the same holder again: one party
]
ADDRESSES = [
    "Đường Hoàng Hoa Thám",
    "Số 12 ngõ 34 phố Huế",
    "Phường Hàng Bạc",
    "Thôn Đông, xã Đông Anh",
    "Khu công nghiệp Thăng Long",
    "Đường Hoàng Hoa Thám",
]
LAND_USES = ["ODT+CLN", "ODT", "cln", "ODX", "SKC", "ODT, CLN"]


def square(column: int, row: int = 0, shift: float = 0.0) -> bytes:
    """WKB of a 20 m square, `column` squares east (30 m apart) of E 586000 N 2326000."""
    x = ORIGIN_E + 30 * column + shift
    y = ORIGIN_N + 30 * row
    return shapely.to_wkb(shapely.box(x, y, x + SIDE, y + SIDE))


def parcel_rows(count: int = 6, numbers: Sequence[int] | None = None) -> dict[str, list[Any]]:
    """Attributes as a district shapefile stores them (numbers are DBF floats)."""
    numbers = numbers or range(1, count + 1)
    return {
        "MaXa": [70.0] * count,
        "SoTo": [12.0] * count,
        "SoThua": [float(n) for n in numbers],
        "LoaiDat": [LAND_USES[i % len(LAND_USES)] for i in range(count)],
        "DienTich": [SIDE * SIDE] * count,
        "ChuSuDung": [HOLDERS[i % len(HOLDERS)] for i in range(count)],
        "DiaChi": [ADDRESSES[i % len(ADDRESSES)] for i in range(count)],
    }


def write_shapefile(
    path: Path,
    columns: dict[str, list[Any]],
    geometries: Sequence[bytes | None] | None = None,
    *,
    legacy: Callable[[str], bytes] | None = None,
    crs: str | None = "EPSG:5897",
) -> Path:
    """A shapefile; with `legacy`, text is stored as those legacy bytes and there is no .cpg."""
    count = len(next(iter(columns.values())))
    if legacy is not None:
        columns = {
            name: [v if isinstance(v, float) else legacy(v).decode("latin-1") for v in values]
            for name, values in columns.items()
        }
    write_raw_layer(
        path,
        columns,
        geometries if geometries is not None else [square(i) for i in range(count)],
        crs=crs,
        encoding="ISO-8859-1" if legacy is not None else None,
    )
    if legacy is not None:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def holders_and_addresses(conn: Connection) -> dict[int, tuple[str, str, str | None]]:
    """Parcel number -> (holder's party name, party kind, parcel address), from the register."""
    rows = fetch(
        conn,
        "SELECT p.parcel_number, pa.name, pa.kind, p.address FROM cadastre.parcel AS p "
        "JOIN cadastre.rrr AS r ON r.parcel_id = p.id AND r.kind = 'land_use_right' "
        "JOIN cadastre.rrr_share AS s ON s.rrr_id = r.id "
        "JOIN cadastre.party AS pa ON pa.id = s.party_id",
    )
    return {number: (name, kind, address) for number, name, kind, address in rows}


def land_uses(conn: Connection) -> dict[int, list[dict]]:
    """Parcel number -> its land uses as stored."""
    return dict(fetch(conn, "SELECT parcel_number, land_uses FROM cadastre.parcel"))


def outcomes(report: ImportReport) -> dict[str, tuple[str, str | None]]:
    """Feature -> (outcome, reason)."""
    return {row["feature"]: (row["outcome"], row["reason"]) for row in report.rows}


@pytest.mark.parametrize(
    ("label", "legacy", "encoding"),
    [("tcvn3", encode_tcvn3, "tcvn3"), ("vni", encode_vni, "vni"), ("utf8", None, "utf-8")],
)
def test_legacy_text_reaches_the_register_as_unicode(
    register: Connection,
    tmp_path: Path,
    label: str,
    legacy: Callable[[str], bytes] | None,
    encoding: str,
) -> None:
    path = write_shapefile(tmp_path / f"thua_{label}.shp", parcel_rows(), legacy=legacy)
    assert path.with_suffix(".cpg").exists() == (legacy is None)
    if legacy is not None:  # the file really holds legacy bytes, not UTF-8
        assert legacy(HOLDERS[0]) in path.with_suffix(".dbf").read_bytes()
        assert HOLDERS[0].encode("utf-8") not in path.with_suffix(".dbf").read_bytes()

    report = run_import(register, path)

    assert report.features == report.accounted == 6
    assert report.outcomes == {"imported": 6}
    assert scalar(register, "SELECT options ->> 'encoding' FROM cadastre.import_batch") == encoding
    assert holders_and_addresses(register) == {
        1: ("Nguyễn Văn Bình", "individual", "Đường Hoàng Hoa Thám"),
        2: ("Trần Thị Thu Hương", "individual", "Số 12 ngõ 34 phố Huế"),
        3: ("Lê Quốc Việt", "individual", "Phường Hàng Bạc"),
        4: ("Phạm Đức Thắng", "individual", "Thôn Đông, xã Đông Anh"),
        5: ("Công ty TNHH Đất Việt", "organisation", "Khu công nghiệp Thăng Long"),
        6: ("Nguyễn Văn Bình", "individual", "Đường Hoàng Hoa Thám"),
    }
    # One party per distinct holder name: parcels 1 and 6 share theirs.
    assert sorted(name for (name,) in fetch(register, "SELECT name FROM cadastre.party")) == sorted(
        set(HOLDERS)
    )


def test_combined_land_use_codes_are_kept_as_two_uses_with_unknown_areas(
    register: Connection, tmp_path: Path
) -> None:
    report = run_import(register, write_shapefile(tmp_path / "thua.shp", parcel_rows()))
    assert report.outcomes == {"imported": 6}
    uses = land_uses(register)
    assert uses[1] == [{"code": "ODT", "area": None}, {"code": "CLN", "area": None}]
    assert uses[6] == [{"code": "ODT", "area": None}, {"code": "CLN", "area": None}]  # "ODT, CLN"
    # A single code takes the whole legal area (lower case in the file is normalised).
    assert uses[2] == [{"code": "ODT", "area": 400.0}]
    assert uses[3] == [{"code": "CLN", "area": 400.0}]
    assert scalar(register, "SELECT legal_area FROM cadastre.parcel WHERE parcel_number = 1") == (
        400
    )


def test_code_absent_from_the_reference_list_is_kept_and_reported(
    register: Connection, tmp_path: Path
) -> None:
    assert scalar(register, "SELECT count(*) FROM cadastre.land_use_code WHERE code = 'ODX'") == 0
    report = run_import(register, write_shapefile(tmp_path / "thua.shp", parcel_rows()))
    assert report.outcomes == {"imported": 6}
    assert report.new_codes == ["ODX"]
    assert land_uses(register)[4] == [{"code": "ODX", "area": 400.0}]
    assert fetch(
        register,
        "SELECT source, group_code, is_group FROM cadastre.land_use_code WHERE code = 'ODX'",
    ) == [("import", None, False)]

    # Known from now on: a later file using it reports no new code.
    again = run_import(
        register,
        write_shapefile(
            tmp_path / "more.shp", parcel_rows(6, range(11, 17)), [square(i, 2) for i in range(6)]
        ),
    )
    assert again.outcomes == {"imported": 6}
    assert again.new_codes == []


def test_file_without_crs_is_refused_naming_it_and_imports_once_given_one(
    register: Connection, tmp_path: Path
) -> None:
    path = write_shapefile(tmp_path / "khong_prj.shp", parcel_rows(), crs=None)
    assert not path.with_suffix(".prj").exists()
    before = table_counts(register)
    with pytest.raises(MissingCrsError) as refused:
        run_import(register, path)
    assert str(path) in str(refused.value)
    assert "no coordinate reference system" in str(refused.value)
    assert table_counts(register) == before

    report = run_import(register, path, source_crs="EPSG:5897")
    assert report.outcomes == {"imported": 6}
    assert scalar(register, "SELECT source_crs FROM cadastre.import_batch") == "EPSG:5897"
    bounds = fetch(
        register,
        "SELECT ST_XMin(geom), ST_YMin(geom), ST_SRID(geom) FROM cadastre.parcel "
        "WHERE parcel_number = 1",
    )
    assert bounds == [(ORIGIN_E, ORIGIN_N, 5897)]


def test_duplicate_identity_in_the_file_is_quarantined_naming_the_first_feature(
    register: Connection, tmp_path: Path
) -> None:
    # Parcel number 3 twice: features 2 (the first) and 4 (FIDs of the shapefile).
    path = write_shapefile(tmp_path / "trung.shp", parcel_rows(6, [1, 2, 3, 4, 3, 6]))
    report = run_import(register, path)
    assert report.features == report.accounted == 6
    assert report.outcomes == {"imported": 5, "quarantined": 1}
    assert report.reasons == {"duplicate_identity": 1}
    duplicate = by_feature(report)["4"]
    assert (duplicate["outcome"], duplicate["reason"]) == ("quarantined", "duplicate_identity")
    assert duplicate["detail"] == "identity 00070/12/3 is also used by feature 2 of this file"
    assert by_feature(report)["2"]["parcel"] == "00070/12/3"
    assert scalar(register, "SELECT count(*) FROM cadastre.parcel WHERE parcel_number = 3") == 1


def test_parcel_overlapping_one_already_registered_is_quarantined(
    register: Connection, tmp_path: Path
) -> None:
    first = run_import(register, write_shapefile(tmp_path / "dot1.shp", parcel_rows(3)))
    assert first.outcomes == {"imported": 3}
    # A second survey: parcel 21 lies 5 m over parcel 00070/12/1 (100 m²), 22 is clear of it.
    second = write_shapefile(
        tmp_path / "dot2.shp",
        parcel_rows(2, [21, 22]),
        [square(0, shift=15.0), square(0, row=1)],
    )
    report = run_import(register, second)
    assert report.outcomes == {"imported": 1, "quarantined": 1}
    assert outcomes(report) == {"0": ("quarantined", "overlap"), "1": ("imported", None)}
    detail = by_feature(report)["0"]["detail"]
    assert detail.startswith("Overlaps 00070/12/1 by 100.000 m²")
    assert by_feature(report)["0"]["location_wkt"].startswith("POLYGON((")
    numbers = [n for (n,) in fetch(register, "SELECT parcel_number FROM cadastre.parcel")]
    assert sorted(numbers) == [1, 2, 3, 22]


def test_feature_with_null_geometry_is_quarantined_not_dropped(
    register: Connection, tmp_path: Path
) -> None:
    geometries = [square(i) for i in range(6)]
    geometries[2] = None
    path = write_shapefile(tmp_path / "rong.shp", parcel_rows(), geometries)
    report = run_import(register, path)
    assert report.features == report.accounted == 6
    assert report.outcomes == {"imported": 5, "quarantined": 1}
    assert report.reasons == {"geometry_empty": 1}
    empty = by_feature(report)["2"]
    assert empty["reason"] == "geometry_empty"
    assert "rong.shp, feature 2: no geometry" in empty["detail"]
    # The staged row stays, with the attributes read, so the feature can be fixed and re-imported.
    staged = fetch(
        register,
        "SELECT outcome, parcel_number, holder_name, geom IS NULL FROM cadastre.staged_parcel "
        "WHERE feature_ref = '2'",
    )
    assert staged == [("quarantined", 3, "Lê Quốc Việt", True)]


# Defects found in legacy files that must be reported feature by feature, never abort the import
# nor be silently rewritten. (These tests fail on the current product code: see each comment.)


def test_repeated_source_feature_id_does_not_abort_the_import(
    register: Connection, tmp_path: Path
) -> None:
    # District files often carry their own parcel key (here MaThua) and it is not always unique.
    # Mapped as id_field, a repeated key made the staging COPY hit staged_parcel's primary key
    # (batch_id, feature_ref): the whole import aborted with a bare "duplicate key value"
    # message, no feature accounted for and neither the file nor the feature named.
    columns = parcel_rows(3)
    columns["MaThua"] = ["T-001", "T-001", "T-003"]
    path = write_shapefile(tmp_path / "ma_trung.shp", columns)
    mapping = tmp_path / "ma_thua.toml"
    mapping.write_text('extends = "vn_standard"\n[fields]\nid_field = "MaThua"\n', "utf-8")

    report = run_import(register, path, mapping=mapping)

    assert report.features == report.accounted == len(report.rows) == 3
    numbers = {n for (n,) in fetch(register, "SELECT parcel_number FROM cadastre.parcel")}
    assert {1, 3} <= numbers  # the features whose key is not in question are registered
    second = [row for row in report.rows if row["parcel"] != "00070/12/1"]
    assert all(row["outcome"] == "imported" or "T-001" in (row["detail"] or "") for row in second)


def test_fractional_parcel_number_is_quarantined_not_truncated(
    register: Connection, tmp_path: Path
) -> None:
    # "12.5" is not a parcel number. cadastre/io/importer.py `_int_or_none` turns it into 12
    # (int(float(value))) and "1e2" into 100, so a malformed identity was silently registered
    # as another parcel's number instead of being quarantined as identity_missing.
    columns = parcel_rows(3)
    columns["SoThua"] = ["12.5", "1e2", "7"]
    report = run_import(register, write_shapefile(tmp_path / "so_le.shp", columns))

    assert report.features == report.accounted == 3
    assert outcomes(report) == {
        "0": ("quarantined", "identity_missing"),
        "1": ("quarantined", "identity_missing"),
        "2": ("imported", None),
    }
    assert [n for (n,) in fetch(register, "SELECT parcel_number FROM cadastre.parcel")] == [7]


def test_absurd_registered_area_is_quarantined_for_its_feature(
    register: Connection, tmp_path: Path
) -> None:
    # A DienTich of 10^14 m² (a unit or typing error; text, as many district files store
    # areas) does not fit staged_parcel.legal_area (numeric(14, 1)): the COPY failed and the
    # whole import aborted with "numeric field overflow", naming neither the file, the feature
    # nor the field.
    columns = parcel_rows(3)
    columns["DienTich"] = ["400", "100000000000000", "400"]
    report = run_import(register, write_shapefile(tmp_path / "dien_tich.shp", columns))

    assert report.features == report.accounted == 3
    assert report.outcomes == {"imported": 2, "quarantined": 1}
    absurd = by_feature(report)["1"]
    assert absurd["outcome"] == "quarantined"
    assert "DienTich" in absurd["detail"]


def test_older_land_use_codes_are_kept_like_other_unlisted_codes(
    register: Connection, tmp_path: Path
) -> None:
    # Maps of the 1990s write "T" (đất thổ cư) and "2L" (đất 2 vụ lúa). The data README says
    # codes absent from the TT27/2018 list must be kept, not dropped; ODX is, but a code
    # outside the pattern ^[A-Z]{2,4}$ (sql/functions/070_bulk.sql bulk_check_attributes, and
    # land_use_code's CHECK in 003_reference_data.sql) is not recorded, so its parcel is
    # quarantined as land_use_unknown and the code is lost from the register.
    columns = parcel_rows(2)
    columns["LoaiDat"] = ["T", "2L"]
    report = run_import(register, write_shapefile(tmp_path / "ma_cu.shp", columns))

    assert report.outcomes == {"imported": 2}
    assert report.new_codes == ["2L", "T"]
    assert land_uses(register) == {
        1: [{"code": "T", "area": 400.0}],
        2: [{"code": "2L", "area": 400.0}],
    }
