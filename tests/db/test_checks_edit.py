"""`cadastre.check_edit`: each rule on an officer's edit, with a case that triggers it and a
near miss that does not, against a small live register in commune 00070 (EPSG:5897).

Parcels 00070/12/1 (A) and 00070/12/2 (B) are two 20 m squares sharing an edge; every edit is
checked through `cadastre.checks.runner.check_edit`, which changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import shapely

from cadastre.checks.runner import Issue, check_edit
from tests.db.register_helpers import (
    COMMUNE,
    SHEET,
    SRID,
    Connection,
    approve,
    change,
    correct_boundary,
    first_registration,
    open_dossier,
    rect,
    ring_wkt,
    scalar,
    square,
    table_counts,
)

REF_A = f"{COMMUNE}/{SHEET}/1"
REF_B = f"{COMMUNE}/{SHEET}/2"


@dataclass
class Fabric:
    conn: Connection
    a: int
    b: int


@pytest.fixture
def fabric(register: Connection) -> Fabric:
    """Two registered neighbours: A = [0, 20] × [0, 20] and B = [20, 40] × [0, 20]."""
    a, _ = first_registration(register, "2024-01-10 12:00+00", 1, square(0, 0, 20))
    b, _ = first_registration(register, "2024-01-11 12:00+00", 2, square(20, 0, 20))
    return Fabric(register, a, b)


def ewkt(wkt: str, srid: int = SRID) -> str:
    return f"SRID={srid};{wkt}"


def new_parcel(wkt: str, number: int, **extra) -> dict:
    """An edit creating a new parcel in commune 00070, sheet 12."""
    return {"parcel_id": None, "geom": ewkt(wkt), "commune_code": COMMUNE,
            "sheet_number": SHEET, "parcel_number": number, **extra}


def edit_of(parcel_id: int, wkt: str, version: int = 1, **extra) -> dict:
    """An edit of an existing parcel's geometry, as loaded at `version`."""
    return {"parcel_id": parcel_id, "version": version, "geom": ewkt(wkt), **extra}


def rules(issues: list[Issue]) -> list[str]:
    return sorted(issue.rule for issue in issues)


def only(issues: list[Issue], rule: str) -> Issue:
    found = [issue for issue in issues if issue.rule == rule]
    assert len(found) == 1, f"expected one {rule} issue, got {issues}"
    return found[0]


def location(issue: Issue):
    assert issue.location is not None, f"{issue.rule} has no location"
    return shapely.from_wkb(issue.location)


# Overlap ------------------------------------------------------------------------------------


def test_a_boundary_pushed_half_a_metre_into_the_neighbour_is_an_overlap_naming_both(
    fabric: Fabric,
) -> None:
    issues = check_edit(fabric.conn, [edit_of(fabric.a, rect(0, 0, 20.5, 20), legal_area=410)])

    assert rules(issues) == ["overlap"]
    overlap = issues[0]
    assert overlap.severity == "error"
    assert {overlap.parcel_ref, overlap.other_ref} == {REF_A, REF_B}
    assert REF_B in overlap.message_en and "10.000 m²" in overlap.message_en
    assert location(overlap).area == pytest.approx(10.0, abs=1e-6)


def test_a_new_parcel_merely_touching_its_neighbour_has_no_issue(fabric: Fabric) -> None:
    assert check_edit(fabric.conn, [new_parcel(square(40, 0, 20), 3)]) == []


def test_a_one_millimetre_sliver_along_a_shared_edge_is_not_an_overlap(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [new_parcel(rect(39.999, 0, 60, 20), 3)])

    assert issues == []


def test_two_edited_geometries_overlapping_each_other_are_reported_once(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [new_parcel(square(40, 0, 20), 3),
                                      new_parcel(rect(59.5, 0, 80, 20), 4)])

    overlap = only(issues, "overlap")
    assert {overlap.parcel_ref, overlap.other_ref} == {f"{COMMUNE}/{SHEET}/3",
                                                       f"{COMMUNE}/{SHEET}/4"}


# Gap ----------------------------------------------------------------------------------------


def test_shrinking_a_parcel_leaves_a_gap_located_by_a_polygon(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [edit_of(fabric.a, rect(0, 0, 19, 20), legal_area=380)])

    gap = only(issues, "gap")
    assert rules(issues) == ["gap"]
    assert gap.severity == "error"
    assert gap.parcel_ref == REF_A
    assert "20.000 m²" in gap.message_en
    where = location(gap)
    assert where.geom_type == "Polygon"
    assert where.area == pytest.approx(20.0, abs=1e-6)
    assert where.bounds[0] == pytest.approx(586019.0) and where.bounds[2] == pytest.approx(
        586020.0)


def test_redrawing_a_parcel_without_changing_its_coverage_leaves_no_gap(fabric: Fabric) -> None:
    same_land = ring_wkt([(0, 0), (10, 0), (20, 0), (20, 20), (0, 20)])

    assert check_edit(fabric.conn, [edit_of(fabric.a, same_land)]) == []


# Stale edit ---------------------------------------------------------------------------------


def test_an_edit_of_an_outdated_version_names_the_dossier_and_officer_that_changed_it(
    fabric: Fabric,
) -> None:
    with change(fabric.conn, "2024-02-01 12:00+00") as cur:
        dossier = open_dossier(cur, "correction", "2024-02-01", number="CORR-777",
                               officer="Trần Thị Đo đạc")
        approve(cur, dossier, "2024-02-01")
        # The same land surveyed again with one more vertex: a new version (a correction that
        # changes nothing at all makes none).
        correct_boundary(cur, dossier, fabric.a, ring_wkt([(0, 0), (10, 0), (20, 0), (20, 20),
                                                           (0, 20)]))

    issues = check_edit(fabric.conn, [edit_of(fabric.a, square(0, 0, 20), version=1)])

    stale = only(issues, "stale_edit")
    assert stale.severity == "error"
    assert stale.parcel_ref == REF_A
    assert "version 1" in stale.message_en and "has 2" in stale.message_en
    assert "CORR-777" in stale.message_en and "Trần Thị Đo đạc" in stale.message_en
    assert check_edit(fabric.conn, [edit_of(fabric.a, square(0, 0, 20), version=2)]) == []


# Geometry rules -----------------------------------------------------------------------------


def test_a_bow_tie_is_invalid_with_the_geos_reason_and_a_location_point(fabric: Fabric) -> None:
    bow_tie = ring_wkt([(100, 0), (110, 10), (110, 0), (100, 10)])

    issues = check_edit(fabric.conn, [new_parcel(bow_tie, 5)])

    assert rules(issues) == ["geometry_invalid"]
    assert "Self-intersection" in issues[0].message_en
    point = location(issues[0])
    assert point.geom_type == "Point"
    assert (point.x, point.y) == pytest.approx((586105.0, 2326005.0))


@pytest.mark.parametrize(
    ("geom", "rule"),
    [("SRID=5897;POLYGON EMPTY", "geometry_empty"),
     ("SRID=5897;POINT(586100 2326005)", "geometry_not_polygon")],
)
def test_an_empty_or_point_geometry_is_refused(fabric: Fabric, geom: str, rule: str) -> None:
    issues = check_edit(fabric.conn, [{"parcel_id": None, "geom": geom,
                                       "commune_code": COMMUNE, "sheet_number": SHEET,
                                       "parcel_number": 5}])

    assert rules(issues) == [rule]
    assert issues[0].severity == "error"


def test_a_geometry_without_srid_is_refused(fabric: Fabric) -> None:
    edit = new_parcel(square(100, 0, 10), 5)
    edit["geom"] = square(100, 0, 10)

    issues = check_edit(fabric.conn, [edit])

    assert rules(issues) == ["geometry_wrong_srid"]
    assert "SRID" in issues[0].message_en


def test_a_wgs84_geometry_is_reprojected_before_the_rules_run(fabric: Fabric) -> None:
    def in_wgs84(wkt: str) -> str:
        return scalar(fabric.conn, "SELECT ST_AsEWKT(ST_Transform(ST_GeomFromText(%s, %s), "
                      "4326), 12)", (wkt, SRID))

    clear = new_parcel(square(40, 0, 20), 3)
    clear["geom"] = in_wgs84(square(40, 0, 20))
    overlapping = new_parcel(rect(39, 0, 60, 20), 3)
    overlapping["geom"] = in_wgs84(rect(39, 0, 60, 20))

    assert clear["geom"].startswith("SRID=4326;")
    assert check_edit(fabric.conn, [clear]) == []
    overlap = only(check_edit(fabric.conn, [overlapping]), "overlap")
    assert overlap.other_ref == REF_B
    assert location(overlap).area == pytest.approx(20.0, rel=1e-3)


# Shape rules --------------------------------------------------------------------------------


def needle(width: float) -> str:
    """A 10 m square with a 20 m needle on its north side, `width` wide at its base."""
    half = width / 2
    return ring_wkt([(100, 0), (110, 0), (110, 10), (105 + half, 10), (105, 30),
                     (105 - half, 10), (100, 10)])


def test_a_needle_sharper_than_one_degree_is_a_spike(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [new_parcel(needle(0.1), 5)])

    spike = only(issues, "spike")
    assert rules(issues) == ["spike"]
    assert spike.severity == "warning"
    assert "0.29°" in spike.message_en
    tip = location(spike)
    assert (tip.x, tip.y) == pytest.approx((586105.0, 2326030.0))


def test_a_needle_whose_tip_opens_the_ring_is_a_spike(fabric: Fabric) -> None:
    half = 0.05
    tip_first = ring_wkt([(105, 30), (105 - half, 10), (100, 10), (100, 0), (110, 0), (110, 10),
                          (105 + half, 10)])

    issues = check_edit(fabric.conn, [new_parcel(tip_first, 5)])

    assert rules(issues) == ["spike"]
    tip = location(only(issues, "spike"))
    assert (tip.x, tip.y) == pytest.approx((586105.0, 2326030.0))


def test_a_blunt_point_is_not_a_spike(fabric: Fabric) -> None:
    assert check_edit(fabric.conn, [new_parcel(needle(2.0), 5)]) == []


def test_two_coincident_consecutive_vertices_are_reported(fabric: Fabric) -> None:
    doubled = ring_wkt([(100, 0), (110, 0), (110, 0), (110, 10), (100, 10)])

    issues = check_edit(fabric.conn, [new_parcel(doubled, 5)])

    assert rules(issues) == ["duplicate_vertex"]
    corner = location(issues[0])
    assert (corner.x, corner.y) == pytest.approx((586110.0, 2326000.0))


def test_vertices_a_centimetre_apart_are_not_duplicates(fabric: Fabric) -> None:
    close = ring_wkt([(100, 0), (109.99, 0), (110, 0), (110, 10), (100, 10)])

    assert check_edit(fabric.conn, [new_parcel(close, 5)]) == []


def test_a_one_metre_wide_strip_a_hundred_metres_long_is_too_thin(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [new_parcel(rect(100, 0, 200, 1), 5)])

    thin = only(issues, "too_thin")
    assert rules(issues) == ["too_thin"]
    assert "0.031" in thin.message_en


def test_a_three_metre_wide_strip_is_not_too_thin(fabric: Fabric) -> None:
    assert check_edit(fabric.conn, [new_parcel(rect(100, 0, 200, 3), 5)]) == []


# Area against the registered area ------------------------------------------------------------


def test_an_area_beyond_tolerance_of_the_registered_area_is_a_warning(fabric: Fabric) -> None:
    # ΔP = 0.0004 · 500 · √410 ≈ 4.05 m²; the drawn 400 m² is 10 m² off.
    issues = check_edit(fabric.conn, [new_parcel(square(100, 0, 20), 5, legal_area=410)])

    area = only(issues, "area_tolerance")
    assert rules(issues) == ["area_tolerance"]
    assert area.severity == "warning"
    assert "400.0 m²" in area.message_en and "410" in area.message_en


def test_an_area_within_tolerance_of_the_registered_area_is_accepted(fabric: Fabric) -> None:
    assert check_edit(fabric.conn, [new_parcel(square(100, 0, 20), 5, legal_area=402)]) == []


# Identity -----------------------------------------------------------------------------------


def test_two_edits_with_the_same_identity_are_both_reported(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [new_parcel(square(100, 0, 10), 5),
                                      new_parcel(square(120, 0, 10), 5)])

    assert rules(issues) == ["duplicate_identity", "duplicate_identity"]
    assert {issue.parcel_ref for issue in issues} == {f"{COMMUNE}/{SHEET}/5"}


def test_a_new_parcel_taking_an_existing_current_identity_is_reported(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [new_parcel(square(100, 0, 10), 2)])

    duplicate = only(issues, "duplicate_identity")
    assert rules(issues) == ["duplicate_identity"]
    assert duplicate.parcel_ref == REF_B and REF_B in duplicate.message_en


def test_an_edited_parcel_keeping_its_own_identity_is_not_a_duplicate(fabric: Fabric) -> None:
    edit = edit_of(fabric.b, square(20, 0, 20), parcel_number=2)

    assert check_edit(fabric.conn, [edit]) == []


# Split minimum ------------------------------------------------------------------------------


@pytest.fixture
def split_rule(fabric: Fabric) -> Fabric:
    """Hà Nội's minimum for a split ODT parcel: 30 m², 3 m frontage, 5 m depth."""
    with fabric.conn, fabric.conn.cursor() as cur:
        cur.execute("INSERT INTO cadastre.split_minimum (admin_code, land_use_code, min_area, "
                    "min_frontage, min_depth, valid, legal_basis) "
                    "VALUES ('01', 'ODT', 30, 3, 5, '[2000-01-01,)', 'QĐ 61/2024/QĐ-UBND')")
    return fabric


def split_of_a(fabric: Fabric, child: tuple[float, float]) -> list[dict]:
    """A split of A into a child [0, w] × [0, h] (number 11) and the rest (number 12)."""
    w, h = child
    rest = ring_wkt([(w, 0), (20, 0), (20, 20), (0, 20), (0, h), (w, h)])
    return [new_parcel(rect(0, 0, w, h), 11, split_of=fabric.a, land_use="ODT"),
            new_parcel(rest, 12, split_of=fabric.a, land_use="ODT")]


def test_a_split_child_below_the_minimum_area_is_an_error(split_rule: Fabric) -> None:
    issues = check_edit(split_rule.conn, split_of_a(split_rule, (4, 5)))

    minimum = only(issues, "split_minimum")
    assert rules(issues) == ["split_minimum"]
    assert minimum.severity == "error"
    assert minimum.parcel_ref == f"{COMMUNE}/{SHEET}/11"
    assert "20.0 m²" in minimum.message_en and "30.0 m²" in minimum.message_en
    assert "QĐ 61/2024/QĐ-UBND" in minimum.message_en


def test_a_split_child_above_the_minimum_is_accepted(split_rule: Fabric) -> None:
    assert check_edit(split_rule.conn, split_of_a(split_rule, (5, 8))) == []


def test_the_split_minimum_applies_only_to_parcels_created_by_a_split(split_rule: Fabric) -> None:
    assert check_edit(split_rule.conn, [new_parcel(rect(100, 0, 104, 5), 5,
                                                   land_use="ODT")]) == []


def test_checking_an_edit_changes_nothing(fabric: Fabric) -> None:
    before = table_counts(fabric.conn)

    check_edit(fabric.conn, [edit_of(fabric.a, rect(0, 0, 20.5, 20)),
                             new_parcel(square(100, 0, 10), 5)])

    assert table_counts(fabric.conn) == before


# Merges ---------------------------------------------------------------------------------------


def merge_of(fabric: Fabric, wkt: str) -> dict:
    """An edit merging A and B into one parcel (number 3) drawn as `wkt`."""
    return {"parcel_id": None, "replaces": [fabric.a, fabric.b],
            "versions": {str(fabric.a): 1, str(fabric.b): 1}, "geom": ewkt(wkt),
            "commune_code": COMMUNE, "sheet_number": SHEET, "parcel_number": 3}


def test_a_merge_covering_the_parcels_it_replaces_overlaps_neither(fabric: Fabric) -> None:
    assert check_edit(fabric.conn, [merge_of(fabric, rect(0, 0, 40, 20))]) == []


def test_a_merge_short_of_the_parcels_it_replaces_leaves_a_gap(fabric: Fabric) -> None:
    issues = check_edit(fabric.conn, [merge_of(fabric, rect(0, 0, 39, 20))])

    gap = only(issues, "gap")
    assert rules(issues) == ["gap"]
    assert location(gap).area == pytest.approx(20.0, abs=1e-6)
