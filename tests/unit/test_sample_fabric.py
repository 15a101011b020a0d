"""The generated fabric is an exact, noded, millimetre coverage of each commune."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely

from data_samples.generator import generate
from data_samples.generator.grid import ANCHOR_EN

ODT_TYPICAL_M2 = (30.0, 300.0)


@pytest.fixture(scope="module")
def ward():
    """The default sample: one ward of about 3,000 parcels."""
    return generate()


@pytest.fixture(scope="module")
def two_wards():
    """Just over 10,000 parcels: two wards side by side."""
    return generate(parcels=10_001, seed=7)


def geometries(parcels) -> np.ndarray:
    """Parcel geometries as a shapely array."""
    return np.array([p.geometry for p in parcels])


def by_commune(ward) -> dict[str, np.ndarray]:
    """Parcel geometries grouped by commune code."""
    groups: dict[str, list] = {}
    for p in ward.parcels:
        groups.setdefault(p.commune_code, []).append(p.geometry)
    return {code: np.array(geoms) for code, geoms in groups.items()}


def test_anchor_is_hoan_kiem_in_vn2000_tm3():
    to_tm3 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:5897", always_xy=True)
    east, north = to_tm3.transform(105.85, 21.03)
    assert east == pytest.approx(ANCHOR_EN[0], abs=0.01)
    assert north == pytest.approx(ANCHOR_EN[1], abs=0.01)


def test_default_sample_is_one_ward_of_about_3000_parcels(ward):
    assert len(ward.communes) == 1
    assert 2700 <= len(ward.parcels) <= 3300


def test_ward_lies_around_hoan_kiem(ward):
    centre = ward.communes[0].boundary.centroid
    assert centre.distance(shapely.Point(ANCHOR_EN)) < 200.0


def test_fabric_is_exact_coverage_of_each_commune(ward, two_wards):
    for sample in (ward, two_wards):
        groups = by_commune(sample)
        for commune in sample.communes:
            parcels = groups[commune.code]
            assert shapely.coverage_is_valid(parcels)
            assert abs(shapely.area(parcels).sum() - commune.boundary.area) < 1e-6
            assert shapely.union_all(parcels).equals(commune.boundary)


def test_every_parcel_is_valid_and_rounded_to_millimetres(ward):
    geoms = geometries(ward.parcels)
    assert shapely.is_valid(geoms).all()
    coords = shapely.get_coordinates(geoms)
    assert np.array_equal(np.round(coords, 3), coords)


def test_adjacent_communes_share_their_boundary_exactly(two_wards):
    a, b = (c.boundary for c in two_wards.communes)
    shared = a.intersection(b)
    assert shared.length > 500.0
    assert a.intersection(b).area == 0.0
    assert shapely.coverage_is_valid(np.array([a, b]))
    assert shapely.coverage_is_valid(geometries(two_wards.parcels))


def test_roads_are_state_held_dgt_parcels(ward):
    roads = [p for p in ward.parcels if p.land_uses[0][0] == "DGT"]
    state = {p.key for p in ward.parties if p.kind == "state"}
    rights = {r.parcel_key: r for r in ward.rights}
    certified = {k for c in ward.certificates for k in c.parcel_keys}
    assert 0.04 * len(ward.parcels) < len(roads) < 0.12 * len(ward.parcels)
    for road in roads:
        assert [h[0] for h in rights[road.key].holders] == [rights[road.key].holders[0][0]]
        assert rights[road.key].holders[0][0] in state
        assert road.key not in certified


def test_parcel_sizes_are_urban(ward):
    odt = np.array([p.geometry.area for p in ward.parcels if p.land_uses[0][0] == "ODT"])
    typical = (odt >= ODT_TYPICAL_M2[0]) & (odt <= ODT_TYPICAL_M2[1])
    assert typical.mean() > 0.97
    assert odt.min() > 25.0
    assert 60.0 < np.median(odt) < 160.0


def test_institutional_lots_are_rare_and_large(ward):
    codes = ("DGD", "DYT", "TON", "TMD")
    inst = [p for p in ward.parcels if p.land_uses[0][0] in codes]
    share = len(inst) / len(ward.parcels)
    assert 0.005 < share < 0.03
    assert all(450.0 < p.geometry.area < 3100.0 for p in inst)


def test_some_residential_lots_have_a_garden_purpose(ward):
    lots = [p for p in ward.parcels if p.land_uses[0][0] == "ODT"]
    garden = [p for p in lots if [c for c, _ in p.land_uses] == ["ODT", "CLN"]]
    assert 0.02 < len(garden) / len(lots) < 0.08
