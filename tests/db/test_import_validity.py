"""`cadastre import` against the 87 GEOS validity cases (GEOS TestValid.xml).

Every case becomes one feature of a GeoPackage (parcel number = case number), moved to a place of
its own (1 km apart) so that no two cases overlap, then imported into a Lambert-93 register
(EPSG:2154) whose commune 00070 holds them all. The import's verdict on every polygon case must
agree with GEOS's `expected_valid`; the non-polygon cases (points, lines, rings, NaN points) must
be quarantined with a reason that says what is wrong, never dropped.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import shapely

from cadastre.db.connection import connect
from cadastre.io.importer import ImportReport
from tests.db.import_helpers import (
    GEOS_CASES,
    Connection,
    by_feature,
    fetch,
    fresh_database,
    init_register,
    run_import,
    write_layer,
)

LAMBERT_93 = 2154
BASE_X, BASE_Y, STEP = 600_000.0, 6_800_000.0, 1_000.0  # in Paris's Lambert-93 range
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Case:
    number: int
    description: str
    wkt: str
    expected_valid: bool
    geos_reason: str  # "Self-intersection", "Valid Geometry"... (GEOS 3.13, as in the CSV)
    geos_point: tuple[float, float] | None  # where GEOS finds the problem (moved with the case)
    geometry: shapely.Geometry  # moved to the case's own place

    @property
    def ref(self) -> str:
        return f"case{self.number}"

    @property
    def polygonal(self) -> bool:
        return self.geometry.geom_type in POLYGONAL


def load_cases() -> list[Case]:
    """The CSV's cases (columns: case, desc, wkt, expected_valid, shapely_valid, ...)."""
    with GEOS_CASES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cases = []
    for row in rows:
        number = int(row["case"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NaN coordinates
            shape = shapely.from_wkt(row["wkt"])
        offset = np.array([BASE_X + STEP * number, BASE_Y])
        point = re.search(r"\[(\S+) (\S+)\]$", row["shapely_reason"])
        xy = (float(point[1]), float(point[2])) if point else None
        cases.append(
            Case(
                number=number,
                description=row["desc"],
                wkt=row["wkt"],
                expected_valid=row["expected_valid"] == "true",
                geos_reason=row["shapely_reason"].split("[")[0],
                geos_point=None
                if xy is None or np.isnan(xy).any()
                else (xy[0] + offset[0], xy[1] + offset[1]),
                geometry=shapely.transform(shape, lambda xy, offset=offset: xy + offset),
            )
        )
    return cases


def same_geos_reason(detail: str, prefix: str, case: Case) -> bool:
    """Whether a detail is `prefix` + the case's GEOS reason.

    PostGIS here links GEOS 3.11, the CSV was made with GEOS 3.13: they name the same defect
    alike except that 3.11 says "Self-intersection" where 3.13 says "Ring Self-intersection"
    (case 50), so the "Ring " qualifier is not compared.
    """
    if not detail.startswith(prefix):
        return False
    # A repair that leaves several polygons is reported as multipart after the reason.
    detail = re.sub(r"; multipart: the parcel is made of \d+ separate parts$", "", detail)
    return detail.removeprefix(prefix).removeprefix("Ring ") == case.geos_reason.removeprefix(
        "Ring "
    )


def encloses_nothing(geometry: shapely.Geometry) -> bool:
    """Whether all the (finite) vertices lie on one line: no ring can enclose any area."""
    xy = shapely.get_coordinates(geometry)
    xy = xy[~np.isnan(xy).any(axis=1)]
    return len(xy) == 0 or bool(np.linalg.matrix_rank(xy - xy[0]) < 2)


def vertices(geometry: shapely.Geometry) -> set[tuple[float, float]]:
    """The distinct vertices of a geometry, rounded to the micrometre."""
    return {(round(x, 6), round(y, 6)) for x, y in shapely.get_coordinates(geometry).tolist()}


CASES = load_cases()
POLYGON_CASES = [case for case in CASES if case.polygonal]
OTHER_CASES = [case for case in CASES if not case.polygonal]


def test_the_csv_holds_87_cases_68_of_them_polygons() -> None:
    assert [case.number for case in CASES] == list(range(1, 88))
    assert len(POLYGON_CASES) == 68
    assert sum(case.expected_valid for case in POLYGON_CASES) == 26
    assert {case.geometry.geom_type for case in OTHER_CASES} == {
        "Point", "MultiPoint", "LineString", "MultiLineString", "LinearRing",
    }  # fmt: skip


def write_cases(folder: Path) -> tuple[Path, Path]:
    """The GeoPackage of all cases (EPSG:2154) and a mapping naming each feature by its case."""
    layer = write_layer(
        folder / "geos_cases.gpkg",
        {
            "MaXa": ["00070"] * len(CASES),
            "SoTo": ["1"] * len(CASES),
            "SoThua": [str(case.number) for case in CASES],
            "Ma": [case.ref for case in CASES],
        },
        [shapely.to_wkb(case.geometry) for case in CASES],
        crs=f"EPSG:{LAMBERT_93}",
        driver="GPKG",
        geometry_type="Unknown",
    )
    mapping = folder / "geos_cases.toml"
    mapping.write_text('extends = "vn_standard"\n[fields]\nid_field = "Ma"\n', encoding="utf-8")
    return layer, mapping


@dataclass
class CaseImport:
    conn: Connection
    report: ImportReport

    def row(self, case: Case) -> dict:
        return by_feature(self.report)[case.ref]


def _imported_cases(
    server_url: str, admin_url: str, template: str, folder: Path, repair: bool
) -> Iterator[CaseImport]:
    layer, mapping = write_cases(folder)
    with fresh_database(server_url, admin_url, template) as url:
        init_register(url, LAMBERT_93, [("00070", "Phường Hoàn Kiếm")])
        conn = connect(url)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # shapely on NaN coordinates
                report = run_import(conn, layer, mapping=mapping, repair=repair)
            yield CaseImport(conn, report)
        finally:
            conn.close()


@pytest.fixture(scope="module")
def checked(
    server_url: str, admin_url: str, template_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CaseImport]:
    """All cases imported without repair."""
    yield from _imported_cases(
        server_url, admin_url, template_name, tmp_path_factory.mktemp("geos"), repair=False
    )


@pytest.fixture(scope="module")
def repaired(
    server_url: str, admin_url: str, template_name: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CaseImport]:
    """All cases imported with --repair."""
    yield from _imported_cases(
        server_url, admin_url, template_name, tmp_path_factory.mktemp("geos_repair"), repair=True
    )


def test_every_case_is_accounted_for(checked: CaseImport) -> None:
    report = checked.report
    assert report.features == report.accounted == 87
    assert {row["feature"] for row in report.rows} == {case.ref for case in CASES}
    # 25 valid polygons imported; 42 invalid polygons, 17 non-polygons and 3 empties quarantined.
    assert report.outcomes == {"imported": 25, "quarantined": 62}
    assert report.reasons == {
        "geometry_invalid": 42,
        "geometry_not_polygon": 17,
        "geometry_empty": 3,
    }
    assert "overlap" not in report.reasons  # every case has a place of its own


def test_import_verdict_on_every_polygon_case_agrees_with_geos(checked: CaseImport) -> None:
    disagreements = []
    for case in POLYGON_CASES:
        row = checked.row(case)
        verdict = (row["outcome"], row["reason"])
        if case.expected_valid and case.geometry.is_empty:
            # Case 16, POLYGON (EMPTY, EMPTY, EMPTY): valid for GEOS, but a parcel needs an area.
            expected = ("quarantined", "geometry_empty")
        elif case.expected_valid:
            expected = ("imported", None)
        else:
            expected = ("quarantined", "geometry_invalid")
        if verdict != expected:
            disagreements.append((case.number, case.description, verdict, row["detail"]))
        elif not case.expected_valid and not same_geos_reason(
            row["detail"], "Invalid geometry: ", case
        ):
            disagreements.append((case.number, case.geos_reason, "detail", row["detail"]))
    assert disagreements == []
    assert [c.number for c in POLYGON_CASES if c.expected_valid and c.geometry.is_empty] == [16]


def test_invalid_polygon_cases_are_located_on_the_defect_in_their_own_place(
    checked: CaseImport,
) -> None:
    # The quarantine location is GEOS's point: a vertex or crossing on the case's boundary,
    # e.g. "Self-intersection[10 0]" moved with its case. (GEOS 3.11 and 3.13 may pick another
    # point of the same defect, e.g. the other end of a duplicated edge, so the exact point is
    # not compared.) Case 49's defect is a NaN vertex: no point there, but one in its place.
    misplaced = []
    for case in POLYGON_CASES:
        if case.expected_valid:
            continue
        location = shapely.from_wkt(checked.row(case)["location_wkt"])
        centre = BASE_X + STEP * case.number
        in_place = location.geom_type == "Point" and abs(location.x - centre) < STEP / 2
        on_defect = case.geos_point is None or location.distance(case.geometry.boundary) < 1e-3
        if not (in_place and on_defect):
            misplaced.append((case.number, location.wkt))
    assert misplaced == []
    unlocated = [c.number for c in POLYGON_CASES if not c.expected_valid and c.geos_point is None]
    assert unlocated == [49]


def test_database_validity_rule_agrees_with_geos_on_the_staged_geometries(
    checked: CaseImport,
) -> None:
    # The staged geometry is the one read from the file: PostGIS's own verdict on it.
    valid = dict(
        fetch(
            checked.conn,
            "SELECT feature_ref, ST_IsValid(geom) FROM cadastre.staged_parcel "
            "WHERE geom IS NOT NULL",
        )
    )
    assert {case.number: valid[case.ref] for case in POLYGON_CASES} == {
        case.number: case.expected_valid for case in POLYGON_CASES
    }


def test_non_polygon_cases_are_quarantined_naming_what_they_are(checked: CaseImport) -> None:
    explained = {}
    for case in OTHER_CASES:
        row = checked.row(case)
        assert row["outcome"] == "quarantined"
        assert f"geos_cases.gpkg, feature {case.ref} (FID {case.number})" in row["detail"]
        explained[case.number] = (row["reason"], row["detail"].split(": ", 1)[1].split(";")[0])
    # A LinearRing has no type of its own in a GeoPackage: it is stored as a LineString.
    kinds = {case.number: case.geometry.geom_type.replace("LinearRing", "LineString")
             for case in OTHER_CASES}  # fmt: skip
    assert explained == {
        case.number: (
            ("geometry_empty", "the geometry is empty")
            if case.geometry.is_empty
            else ("geometry_not_polygon", f"the geometry is a {kinds[case.number]}, not a polygon")
        )
        for case in OTHER_CASES
    }
    assert sorted(n for n, (reason, _) in explained.items() if reason == "geometry_empty") == [
        2,
        5,
    ]


def test_imported_cases_are_valid_parcels_each_in_its_own_place(checked: CaseImport) -> None:
    parcels = fetch(
        checked.conn,
        "SELECT parcel_number, ST_IsValid(geom), ST_SRID(geom), ST_AsBinary(geom) "
        "FROM cadastre.parcel",
    )
    imported = {c.number: c for c in POLYGON_CASES if checked.row(c)["outcome"] == "imported"}
    assert sorted(number for number, *_ in parcels) == sorted(imported)
    for number, is_valid, srid, wkb in parcels:
        assert is_valid and srid == LAMBERT_93
        stored, source = shapely.from_wkb(bytes(wkb)), imported[number].geometry
        # Same vertices and area as the case in its place (shapely.equals crashes GEOS 3.13 on
        # case 36's empty component, so the comparison is done by hand).
        assert stored.geom_type == "MultiPolygon"
        assert vertices(stored) == vertices(source), number
        assert stored.area == pytest.approx(source.area), number


def test_repair_makes_invalid_polygons_valid_and_reports_the_geos_reason(
    repaired: CaseImport,
) -> None:
    geometry = dict(
        fetch(
            repaired.conn,
            "SELECT s.feature_ref, ST_IsValid(p.geom) AND NOT ST_IsEmpty(p.geom) "
            "FROM cadastre.staged_parcel AS s JOIN cadastre.parcel AS p ON p.id = s.parcel_id",
        )
    )
    problems = []
    for case in POLYGON_CASES:
        row = repaired.row(case)
        prefix = "repaired with ST_MakeValid: Invalid geometry: "
        if case.expected_valid:  # left as it was: imported, or the empty case 16 quarantined
            expected = (
                ("quarantined", "geometry_empty") if case.geometry.is_empty else ("imported", None)
            )
            ok = (row["outcome"], row["reason"]) == expected
        elif encloses_nothing(case.geometry):
            # Rings whose vertices all lie on one line (cases 46-48) enclose nothing: once made
            # valid nothing polygonal is left, and an empty parcel is quarantined after all.
            ok = (
                row["outcome"] == "quarantined"
                and row["reason"] == "geometry_empty"
                and row["detail"].endswith("; geometry is empty after repair")
                and same_geos_reason(
                    row["detail"].removesuffix("; geometry is empty after repair"), prefix, case
                )
            )
        else:
            ok = (
                row["outcome"] == "repaired"
                and row["reason"] == "geometry_invalid"
                and same_geos_reason(row["detail"], prefix, case)
                and geometry[case.ref] is True
            )
        if not ok:
            problems.append((case.number, case.description, row))
    assert problems == [], problems
    report = repaired.report
    assert report.features == report.accounted == 87
    assert report.outcomes == {"imported": 25, "repaired": 39, "quarantined": 23}
    # Repair does not touch what is not an invalid polygon: non-polygons stay quarantined.
    assert report.reasons == {
        "geometry_invalid": 39,
        "geometry_not_polygon": 17,
        "geometry_empty": 2 + 1 + 3,  # POINT/LINESTRING EMPTY, case 16, cases 46-48
    }
    degenerate = [c.number for c in POLYGON_CASES if encloses_nothing(c.geometry)]
    assert degenerate == [16, 46, 47, 48]  # 16 is the empty polygon
    # Every parcel in the register, repaired or not, satisfies ST_IsValid.
    assert fetch(repaired.conn, "SELECT bool_and(ST_IsValid(geom)) FROM cadastre.parcel") == [
        (True,)
    ]
