"""`cadastre check FILE` is the import's dry run, and a file far from the province is refused.

Issue 19: the check must give, feature by feature, the outcome the import gives (same staging,
same rules, same reasons), change nothing, and put its markers where an officer can zoom; a
file whose CRS puts it outside the province once reprojected is refused whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyogrio.raw
import pyproj
import pytest
import shapely
import shapely.ops
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadastre.checks.runner import check_commune, check_source, write_issues
from cadastre.errors import CadastreError
from cadastre.io.reader import read_source
from tests.db.import_helpers import (
    by_feature,
    fetch,
    run_cli,
    run_import,
    table_counts,
    write_layer,
)

E0, N0 = 586_000.0, 2_326_000.0  # Hà Nội, EPSG:5897 (the test register's CRS)
SIDE = 10.0
STEP = 20.0


def cell(i: int, row: int = 0) -> shapely.Polygon:
    x, y = E0 + STEP * i, N0 + STEP * row
    return shapely.box(x, y, x + SIDE, y + SIDE)


def spiked(i: int, row: int = 0) -> shapely.Polygon:
    """A square with a zero-width spike: invalid (ring self-intersection); repaired, a square."""
    x, y = E0 + STEP * i, N0 + STEP * row
    return shapely.Polygon([(x, y), (x + SIDE, y), (x + SIDE, y + SIDE), (x + 5, y + SIDE),
                            (x + 5, y + SIDE + 5), (x + 5, y + SIDE), (x, y + SIDE)])


def layer(path: Path, features: list[tuple[str, str, shapely.Geometry | None]],
          crs: str = "EPSG:5897") -> Path:
    """A GeoJSON of (sheet, parcel number, geometry) in commune 00070."""
    return write_layer(
        path,
        {"MaXa": ["00070"] * len(features), "SoTo": [f[0] for f in features],
         "SoThua": [f[1] for f in features], "LoaiDat": ["ODT"] * len(features)},
        [None if f[2] is None else shapely.to_wkb(f[2]) for f in features],
        crs=crs, driver="GeoJSON",
    )


def outcomes_of_import(report) -> set[tuple[str, str]]:
    return {(row["feature"], row["reason"]) for row in report.rows
            if row["outcome"] == "quarantined"}


def errors_of_check(issues) -> set[tuple[str, str]]:
    return {(i.parcel_ref, i.rule) for i in issues if i.severity == "error" and i.parcel_ref}


# -- far from the province -------------------------------------------------------------------


def far_file(tmp_path: Path) -> Path:
    """Two squares in Paris, tagged Lambert-93 (EPSG:2154): nowhere near Hà Nội."""
    return layer(tmp_path / "paris.geojson", [
        ("1", "1", shapely.box(652_000, 6_862_000, 652_010, 6_862_010)),
        ("1", "2", shapely.box(652_020, 6_862_000, 652_030, 6_862_010)),
    ], crs="EPSG:2154")


def test_a_file_far_from_the_province_is_refused_whole_and_nothing_changes(
    register, tmp_path: Path
) -> None:
    before = table_counts(register)
    with pytest.raises(CadastreError) as refused:
        run_import(register, far_file(tmp_path))
    message = str(refused.value)
    assert "EPSG:2154" in message
    assert "2 of 2 feature(s) lie outside" in message
    assert "lands at 2.3" in message  # Paris, in degrees east
    assert table_counts(register) == before


def test_a_colombian_file_in_wgs84_is_refused_not_checked_in_the_zone(
    register, tmp_path: Path
) -> None:
    path = layer(tmp_path / "bogota.geojson", [
        ("1", "1", shapely.box(-74.08, 4.60, -74.0799, 4.6001))], crs="EPSG:4326")
    with pytest.raises(CadastreError) as refused:
        check_source(register, read_source(path))
    assert "EPSG:4326" in str(refused.value)
    assert "-74.0" in str(refused.value)
    assert "--in-source-crs" in (refused.value.hint or "")


def test_check_cli_names_the_crs_and_offers_in_source_crs(
    register_url: str, tmp_path: Path
) -> None:
    result = run_cli(register_url, "check", str(far_file(tmp_path)))
    assert result.returncode == 1
    text = result.stdout + result.stderr
    assert "EPSG:2154" in text and "--in-source-crs" in text
    assert "Traceback" not in text


def test_a_file_inside_the_province_in_another_crs_is_welcome(register, tmp_path: Path) -> None:
    to_lonlat = pyproj.Transformer.from_crs(5897, 4326, always_xy=True).transform
    square = shapely.ops.transform(to_lonlat, cell(0))
    report = run_import(register, layer(tmp_path / "lonlat.geojson", [("1", "1", square)],
                                        crs="EPSG:4326"))
    assert report.outcomes == {"imported": 1}


# -- the dry run -----------------------------------------------------------------------------


def test_unnumbered_parcels_have_their_own_reason_in_import_and_check(
    register, tmp_path: Path
) -> None:
    path = layer(tmp_path / "zero.geojson", [("1", "0", cell(0)), ("1", "1", cell(1))])
    issues = check_source(register, read_source(path))
    assert errors_of_check(issues) == {("0", "parcel_unnumbered")}
    assert any("unnumbered parcel" in i.message_en for i in issues)
    report = run_import(register, path)
    assert outcomes_of_import(report) == {("0", "parcel_unnumbered")}


def test_check_passes_land_uses_so_roads_keep_their_too_thin_exemption(
    register, tmp_path: Path
) -> None:
    road = shapely.box(E0, N0, E0 + 200, N0 + 2)
    path = write_layer(tmp_path / "road.geojson",
                       {"MaXa": ["00070", "00070"], "SoTo": ["1", "1"], "SoThua": ["1", "2"],
                        "LoaiDat": ["DGT", "ODT"]},
                       [shapely.to_wkb(road), shapely.to_wkb(shapely.box(E0, N0 + 10, E0 + 200,
                                                                         N0 + 12))],
                       driver="GeoJSON")
    thin = {i.parcel_ref for i in check_source(register, read_source(path))
            if i.rule == "too_thin"}
    assert thin == {"1"}  # the ODT strip, not the road


def test_overlaps_name_every_partner(register, tmp_path: Path) -> None:
    wide = shapely.box(E0, N0, E0 + 30, N0 + 10)
    path = layer(tmp_path / "partners.geojson",
                 [("1", "1", cell(0)), ("1", "2", shapely.box(E0 + 12, N0, E0 + 22, N0 + 10)),
                  ("1", "3", wide)])
    (issue,) = [i for i in check_source(register, read_source(path)) if i.parcel_ref == "2"]
    assert "feature 0" in issue.message_en and "feature 1" in issue.message_en
    report = run_import(register, path)
    detail = by_feature(report)["2"]["detail"]
    assert "feature 0 of this file" in detail and "feature 1 of this file" in detail


def test_multipart_parcels_are_reported(register, tmp_path: Path) -> None:
    two = shapely.MultiPolygon([cell(0), cell(1)])
    path = layer(tmp_path / "multi.geojson", [("1", "1", two)])
    issues = check_source(register, read_source(path))
    assert [(i.parcel_ref, i.rule, i.severity) for i in issues if i.rule == "multipart"] == [
        ("0", "multipart", "warning")]
    report = run_import(register, path)
    assert "multipart" in by_feature(report)["0"]["detail"]


def test_a_gap_beside_an_invalid_parcel_is_found(register, tmp_path: Path) -> None:
    # Eight squares around an empty one; the top middle is invalid. Left out, the gap would
    # open onto the outside and vanish; repaired, the gap is a hole of 100 m².
    x, y = E0 + 10, N0 + 20
    top = shapely.Polygon([(x, y), (x + 10, y), (x + 10, y + 10), (x + 5, y + 10),
                           (x + 5, y + 15), (x + 5, y + 10), (x, y + 10)])
    assert not top.is_valid
    ring = [(i, r) for r in range(3) for i in range(3) if (i, r) != (1, 1)]
    features = [("1", str(k + 1), top if (i, r) == (1, 2) else
                 shapely.box(E0 + 10 * i, N0 + 10 * r, E0 + 10 * i + 10, N0 + 10 * r + 10))
                for k, (i, r) in enumerate(ring)]
    path = layer(tmp_path / "gap.geojson", features)
    issues = check_source(register, read_source(path))
    holes = [i for i in issues if i.rule == "hole"]
    assert len(holes) == 1
    assert "100" in holes[0].message_en and "repaired" in holes[0].message_en
    assert shapely.from_wkb(holes[0].location).area == pytest.approx(100)
    assert ("6", "geometry_invalid") in errors_of_check(issues)  # FID 6


def test_invalid_markers_lie_inside_the_polygon_box_in_the_layer_crs(
    register, tmp_path: Path
) -> None:
    to_lonlat = pyproj.Transformer.from_crs(5897, 4326, always_xy=True).transform
    bowtie = shapely.Polygon([(E0, N0), (E0 + 10, N0 + 10), (E0 + 10, N0), (E0, N0 + 10)])
    path = layer(tmp_path / "bowtie.geojson",
                 [("1", "1", shapely.ops.transform(to_lonlat, bowtie))], crs="EPSG:4326")
    issues = check_source(register, read_source(path))
    (marker,) = [i for i in issues if i.rule == "geometry_invalid"]
    assert marker.srid == 5897
    out = write_issues(issues, tmp_path / "issues.geojson")
    meta, _fids, geometries, _fields = pyogrio.raw.read(str(out))
    assert pyproj.CRS(meta["crs"]).to_epsg() == 5897
    point = shapely.from_wkb(geometries[0])
    assert shapely.box(*bowtie.bounds).buffer(0.001).contains(point)
    # the import report: the same point, at full precision, in the register's CRS
    report = run_import(register, path)
    located = shapely.from_wkt(by_feature(report)["0"]["location_wkt"])
    assert located.distance(point) < 0.001


# -- the property: check and import agree feature by feature ---------------------------------

KINDS = ("good", "unnumbered", "duplicate", "invalid", "overlapping", "clash_identity",
         "clash_overlap", "no_geometry", "bad_number")


def generated(kinds: list[str]) -> list[tuple[str, str, shapely.Geometry | None]]:
    """Features of the given kinds on sheet 9; cells 0-1 hold the register's own parcels."""
    features: list[tuple[str, str, shapely.Geometry | None]] = []
    for k, kind in enumerate(kinds):
        i = k + 3
        number = str(100 + k)
        geometry: shapely.Geometry | None = cell(i)
        if kind == "unnumbered":
            number = "0"
        elif kind == "duplicate" and features:
            number = features[0][1]
        elif kind == "invalid":
            geometry = spiked(i)
        elif kind == "overlapping" and features:
            geometry = shapely.box(E0 + STEP * 3 + 2, N0, E0 + STEP * 3 + 12, N0 + 10)
        elif kind == "clash_identity":
            number = "1"
        elif kind == "clash_overlap":
            geometry = shapely.box(E0 + 3, N0, E0 + 13, N0 + 10)
        elif kind == "no_geometry":
            geometry = None
        elif kind == "bad_number":
            number = "12a"
        features.append(("9", number, geometry))
    return features


@pytest.fixture
def register_with_parcels(register, tmp_path_factory):
    path = layer(tmp_path_factory.mktemp("base") / "base.geojson",
                 [("9", "1", cell(0)), ("9", "2", cell(1))])
    assert run_import(register, path).outcomes == {"imported": 2}
    return register


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=8))
def test_check_and_import_agree_feature_by_feature(
    register_with_parcels, tmp_path_factory, kinds: list[str]
) -> None:
    conn = register_with_parcels
    path = layer(tmp_path_factory.mktemp("gen") / "ward.geojson", generated(kinds))
    before = table_counts(conn)
    issues = check_source(conn, read_source(path))
    assert table_counts(conn) == before  # the dry run changes nothing
    report = run_import(conn, path)
    assert errors_of_check(issues) == outcomes_of_import(report)
    located = {row["feature"]: row["location_wkt"] for row in report.rows
               if row["outcome"] == "quarantined"}
    for issue in issues:
        if issue.severity == "error" and issue.parcel_ref in located and issue.location:
            assert shapely.from_wkb(issue.location).equals_exact(
                shapely.from_wkt(located[issue.parcel_ref]), 1e-6)
    # The register keeps what was imported: the next example meets it (unchanged, clashes).


def test_generated_kinds_are_what_they_say() -> None:
    features = generated(list(KINDS))
    assert [f[1] for f in features][1] == "0"
    assert not features[3][2].is_valid
    assert features[7][2] is None
    assert np.isclose(cell(0).area, 100)
    assert json.dumps(KINDS)


def test_in_source_crs_checks_a_far_file_alone_in_its_own_crs(
    register_url: str, tmp_path: Path
) -> None:
    path = layer(tmp_path / "paris.geojson", [
        ("1", "1", shapely.box(652_000, 6_862_000, 652_010, 6_862_010)),
        ("1", "2", shapely.box(652_005, 6_862_000, 652_015, 6_862_010)),
    ], crs="EPSG:2154")
    result = run_cli(register_url, "check", str(path), "--in-source-crs")
    assert result.returncode == 0, result.stderr
    assert "in the file's own CRS" in result.stdout
    assert "overlap" in result.stdout


def test_rule_and_severity_filters_select_what_is_shown_and_written(
    register_url: str, tmp_path: Path
) -> None:
    path = layer(tmp_path / "mixed.geojson", [
        ("1", "1", cell(0)), ("1", "2", shapely.box(E0 + 5, N0, E0 + 15, N0 + 10)),
        ("1", "3", shapely.box(E0 + 40, N0, E0 + 240, N0 + 2))])
    out = tmp_path / "only.geojson"
    result = run_cli(register_url, "check", str(path), "--severity", "warning",
                     "--rule", "too_thin", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "overlap" in result.stdout  # the summary still counts every rule
    assert "selected by --rule too_thin --severity warning" in result.stdout
    written = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["rule"] for f in written] == ["too_thin"]


def test_combined_land_uses_keep_the_principal_use_and_show_no_none_area(
    register, register_url: str, tmp_path: Path
) -> None:
    path = write_layer(tmp_path / "combined.geojson",
                       {"MaXa": ["00070"], "SoTo": ["1"], "SoThua": ["1"], "LoaiDat": ["ODT+CLN"]},
                       [shapely.to_wkb(cell(0))], driver="GeoJSON")
    assert run_import(register, path).outcomes == {"imported": 1}
    (uses,) = fetch(register, "SELECT land_uses FROM cadastre.parcel")[0]
    assert [u["code"] for u in uses] == ["ODT", "CLN"]
    shown = run_cli(register_url, "parcel", "show", "00070/1/1")
    assert shown.returncode == 0, shown.stderr
    assert "None" not in shown.stdout
    assert "ODT (area not recorded), CLN (area not recorded)" in shown.stdout


def test_check_commune_finds_a_gap_beside_an_invalid_parcel_of_the_register(
    register, tmp_path: Path
) -> None:
    ring = [(i, r) for r in range(3) for i in range(3) if (i, r) not in ((1, 1), (1, 2))]
    path = layer(tmp_path / "seven.geojson", [
        ("1", str(k + 1), shapely.box(E0 + 10 * i, N0 + 10 * r, E0 + 10 * i + 10, N0 + 10 * r + 10))
        for k, (i, r) in enumerate(ring)])
    assert run_import(register, path).outcomes == {"imported": 7}
    x, y = E0 + 10, N0 + 20
    top = shapely.Polygon([(x, y), (x + 10, y), (x + 10, y + 10), (x + 5, y + 10),
                           (x + 5, y + 15), (x + 5, y + 10), (x, y + 10)])
    # A legacy invalid parcel, written past the triggers as a damaged register would hold it.
    with register, register.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute("INSERT INTO cadastre.parcel (commune_code, sheet_number, parcel_number, "
                    "geom, legal_area, land_uses, dossier_id, sys_period) "
                    "SELECT '00070', '1', 8, ST_Multi(ST_GeomFromText(%s, 5897)), 100, "
                    "'[{\"code\": \"ODT\", \"area\": 100}]', dossier_id, sys_period "
                    "FROM cadastre.parcel LIMIT 1", (top.wkt,))
        cur.execute("SET session_replication_role = origin")
    issues = check_commune(register, "00070")
    holes = [i for i in issues if i.rule == "hole"]
    assert len(holes) == 1 and "repaired" in holes[0].message_en
    assert shapely.from_wkb(holes[0].location).area == pytest.approx(100)
    assert any(i.rule == "geometry_invalid" and i.parcel_ref == "00070/1/8" for i in issues)


def test_check_with_repair_is_the_dry_run_of_import_with_repair(register, tmp_path: Path) -> None:
    path = layer(tmp_path / "spike.geojson", [("1", "1", spiked(0)), ("1", "2", cell(1))])
    issues = check_source(register, read_source(path), repair=True)
    assert errors_of_check(issues) == set()
    (warned,) = [i for i in issues if i.rule == "geometry_invalid"]
    assert (warned.parcel_ref, warned.severity) == ("0", "warning")
    assert warned.message_en.startswith("would be repaired with ST_MakeValid")
    report = run_import(register, path, repair=True)
    assert by_feature(report)["0"]["outcome"] == "repaired"


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lon=st.floats(-179, 179), lat=st.floats(-80, 80))
def test_a_file_anywhere_outside_the_zone_is_refused_whole(
    register, tmp_path_factory, lon: float, lat: float
) -> None:
    inside = 103.4 <= lon <= 106.6 and 8.2 <= lat <= 23.5  # EPSG:5897's area of use, slack
    square = shapely.box(lon, lat, lon + 0.0001, lat + 0.0001)
    good = shapely.ops.transform(
        pyproj.Transformer.from_crs(5897, 4326, always_xy=True).transform, cell(0))
    path = layer(tmp_path_factory.mktemp("far") / "far.geojson",
                 [("1", "1", good), ("1", "2", square)], crs="EPSG:4326")
    before = table_counts(register)
    if inside:
        return  # the point drawn happens to be in the zone: nothing to refuse
    with pytest.raises(CadastreError, match="1 of 2 feature"):
        check_source(register, read_source(path))
    with pytest.raises(CadastreError, match="1 of 2 feature"):
        run_import(register, path)
    assert table_counts(register) == before
