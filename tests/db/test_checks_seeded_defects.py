"""Seeded defects on the sample ward: each edit defect is found by check_edit, once, alone,
and where it is; the unedited ward has none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shapely
from shapely import affinity
from shapely.geometry import LineString, Polygon
from shapely.ops import split

from cadastre.checks.runner import check_edit
from cadastre.db.connection import connect
from cadastre.samples.loader import load_ward
from data_samples.generator import generate
from tests.db.import_helpers import fresh_database

WARD = "91001"


@pytest.fixture(scope="module")
def ward(server_url: str, admin_url: str, register_template_name: str) -> Iterator:
    """A register holding the sample ward, and one inner house plot with a neighbour."""
    with fresh_database(server_url, admin_url, register_template_name) as url:
        conn = connect(url)
        load_ward(conn, generate(1500, 7))
        with conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO cadastre.split_minimum (admin_code, land_use_code, min_area, valid, "
                "legal_basis) VALUES ('01', 'ODT', 30, '[2000-01-01,)', 'test rule')")
            cur.execute(
                "SELECT a.id, a.version, ST_AsBinary(a.geom), b.id, ST_AsBinary(b.geom) "
                "FROM cadastre.parcel AS a JOIN cadastre.parcel AS b "
                "  ON b.status = 'current' AND b.id <> a.id AND ST_Intersects(a.geom, b.geom) "
                "  AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) > 5 "
                "JOIN cadastre.admin_unit AS u ON u.code = a.commune_code "
                "WHERE a.commune_code = %s AND a.status = 'current' "
                "  AND a.land_uses -> 0 ->> 'code' = 'ODT' AND ST_Area(a.geom) > 80 "
                "  AND ST_Within(ST_Buffer(a.geom, 5), u.boundary) ORDER BY a.id LIMIT 1",
                (WARD,))
            a_id, a_version, a_wkb, _neighbour_id, b_wkb = cur.fetchone()
        yield {"conn": conn, "id": a_id, "version": a_version,
               "a": shapely.from_wkb(bytes(a_wkb)).geoms[0], "b": shapely.from_wkb(bytes(b_wkb))}
        conn.close()


def edit(ward, geom, **extra) -> dict:
    return {"parcel_id": ward["id"], "version": ward["version"],
            "geom": f"SRID=5897;{geom.wkt}", "legal_area": round(geom.area, 1), **extra}


def rules(issues) -> list[str]:
    return sorted(issue.rule for issue in issues)


def test_the_unedited_plot_has_no_issue(ward) -> None:
    assert check_edit(ward["conn"], [edit(ward, ward["a"])]) == []


def test_pushing_into_the_neighbour_is_one_overlap_inside_the_neighbour(ward) -> None:
    grown = ward["a"].union(ward["a"].buffer(0.5, join_style="mitre").intersection(ward["b"]))
    issues = check_edit(ward["conn"], [edit(ward, grown)])
    assert rules(issues) == ["overlap"]
    assert shapely.from_wkb(issues[0].location).within(ward["b"].buffer(0.001))


def test_pulling_back_from_the_neighbour_is_one_gap_where_the_plot_was(ward) -> None:
    shrunk = ward["a"].difference(ward["b"].buffer(0.5, join_style="mitre"))
    issues = check_edit(ward["conn"], [edit(ward, shrunk)])
    assert rules(issues) == ["gap"]
    assert shapely.from_wkb(issues[0].location).within(ward["a"].buffer(0.001))


def test_a_one_centimetre_strip_left_behind_is_a_sliver(ward) -> None:
    shrunk = ward["a"].difference(ward["b"].buffer(0.01, join_style="mitre"))
    issues = check_edit(ward["conn"], [edit(ward, shrunk)])
    assert rules(issues) == ["sliver"]
    assert issues[0].severity == "warning"


def test_a_needle_on_a_corner_is_a_spike_at_its_tip(ward) -> None:
    points = list(ward["a"].exterior.coords)[:-1]
    p0, p1, p2 = (shapely.Point(p) for p in points[:3])
    along = LineString([p0, p1])
    tip = affinity.scale(along, xfact=1 + 0.5 / along.length, yfact=1 + 0.5 / along.length,
                         origin=p0.coords[0]).coords[1]
    step = LineString([p1, p2]).interpolate(0.005).coords[0]
    needled = Polygon([points[0], points[1], tip, step, *points[2:]])
    issues = check_edit(ward["conn"], [edit(ward, needled)])
    assert rules(issues) == ["spike"]
    assert shapely.from_wkb(issues[0].location).distance(shapely.Point(tip)) < 0.001


def test_a_bow_tie_is_invalid_with_the_crossing_point(ward) -> None:
    x, y = ward["a"].centroid.coords[0]
    bow_tie = Polygon([(x, y), (x + 5, y + 5), (x + 5, y), (x, y + 5), (x, y)])
    issues = check_edit(ward["conn"], [edit(ward, bow_tie)])
    assert rules(issues) == ["geometry_invalid"]
    assert "Self-intersection" in issues[0].message_en
    assert shapely.from_wkb(issues[0].location).distance(shapely.Point(x + 2.5, y + 2.5)) < 1e-6


def test_a_tiny_split_child_is_below_the_minimum(ward) -> None:
    plot = ward["a"]
    minx, miny, maxx, maxy = plot.bounds
    cut_x = minx + (maxx - minx) * 0.1
    children = sorted(split(plot, LineString([(cut_x, miny - 1), (cut_x, maxy + 1)])).geoms,
                      key=lambda child: child.area)
    edits = [{"parcel_id": None, "split_of": ward["id"], "commune_code": WARD,
              "sheet_number": "1", "parcel_number": 9000 + n, "land_use": "ODT",
              "geom": f"SRID=5897;{child.wkt}", "legal_area": round(child.area, 1)}
             for n, child in enumerate(children)]
    issues = check_edit(ward["conn"], edits)
    assert rules(issues) == ["split_minimum"]
    assert issues[0].parcel_ref == f"{WARD}/1/9000"


def test_a_stale_version_is_refused_naming_the_last_change(ward) -> None:
    issues = check_edit(ward["conn"], [edit(ward, ward["a"], version=ward["version"] - 1)])
    assert rules(issues) == ["stale_edit"]
    assert "dossier" in issues[0].message_en and "officer" in issues[0].message_en
    assert issues[0].message_vi.startswith("Thửa đã được sửa")
