"""The 2015–2025 history is valid event by event and keeps the fabric exact."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import numpy as np
import pytest
import shapely

from data_samples.generator import (
    DOSSIER_KINDS,
    InvalidDossierError,
    RegisterState,
    generate,
    replay,
)


@pytest.fixture(scope="module")
def ward():
    """A ward with enough events of every kind."""
    return generate(parcels=6000, seed=11)


def events(ward, kind=None):
    """Event dossiers, optionally of one kind."""
    return [d for d in ward.event_dossiers() if kind is None or d.kind == kind]


@pytest.fixture(scope="module")
def before(ward):
    """For each event dossier: its parcels and their rights just before it was applied."""
    state = RegisterState(ward.parcels, ward.rights, ward.certificates)
    seen = {}
    for d in ward.dossiers:
        if d.kind != "first_registration":
            seen[d.key] = (
                {k: state.parcels[k] for k in d.parcel_keys},
                {k: state.rights[k] for k in d.parcel_keys},
            )
        state.apply(d)
    return seen


def test_every_kind_of_event_occurs(ward):
    kinds = Counter(d.kind for d in ward.dossiers)
    assert set(kinds) == set(DOSSIER_KINDS)


def test_events_are_dated_2015_to_2025_in_decision_order(ward):
    evs = events(ward)
    assert all(date(2015, 1, 1) <= d.received <= d.decided <= date(2025, 12, 31) for d in evs)
    assert [d.decided for d in evs] == sorted(d.decided for d in evs)
    numbers = [d.number for d in ward.dossiers]
    assert len(set(numbers)) == len(numbers)


def test_about_eight_percent_of_lots_get_events(ward):
    touched = {k for d in events(ward) for k in d.parcel_keys}
    originals = {p.key for p in ward.parcels if p.land_uses[0][0] == "ODT"}
    share = len(touched & originals) / len(originals)
    assert 0.05 < share < 0.11


def test_history_replays_without_invalid_event(ward):
    state = replay(ward)
    assert len(state.parcels) >= len(ward.parcels) - len(events(ward, "merge"))


def test_fabric_stays_exact_after_history(ward):
    current = np.array([p.geometry for p in replay(ward).parcels.values()])
    boundary = ward.communes[0].boundary
    assert shapely.is_valid(current).all()
    assert shapely.coverage_is_valid(current)
    assert abs(shapely.area(current).sum() - boundary.area) < 1e-6
    assert shapely.union_all(current).equals(boundary)


def test_split_children_partition_parent(ward, before):
    splits = events(ward, "split")
    assert splits
    for d in splits:
        parent = before[d.key][0][d.parcel_keys[0]].geometry
        a, b = (c.geometry for c in d.new_parcels)
        assert min(a.area, b.area) >= 30.0
        assert abs(a.area + b.area - parent.area) < 1e-6
        assert a.intersection(b).area == 0.0
        assert shapely.union(a, b).equals(parent)
        assert shapely.coverage_is_valid(np.array([a, b]))


def test_split_children_keep_street_frontage(ward):
    roads = [p.geometry for p in ward.parcels if p.land_uses[0][0] == "DGT"]
    streets = shapely.union_all(roads)
    for d in events(ward, "split"):
        for child in d.new_parcels:
            assert child.geometry.boundary.intersection(streets).length > 2.5


def test_merge_result_is_union_of_parents(ward, before):
    merges = events(ward, "merge")
    assert merges
    for d in merges:
        a, b = (before[d.key][0][k].geometry for k in d.parcel_keys)
        (merged,) = d.new_parcels
        assert a.touches(b) and a.intersection(b).length > 5.0
        assert merged.geometry.equals(shapely.union(a, b))
        assert abs(merged.geometry.area - a.area - b.area) < 1e-6


def test_merged_parcels_had_the_same_holders(ward, before):
    for d in events(ward, "merge"):
        a, b = (before[d.key][1][k] for k in d.parcel_keys)
        assert sorted(a.holders) == sorted(b.holders)


def test_resurvey_moves_the_shared_boundary_and_still_tiles(ward, before):
    resurveys = events(ward, "resurvey")
    assert resurveys
    for d in resurveys:
        old = [before[d.key][0][k].geometry for k in d.parcel_keys]
        new = [p.geometry for p in d.revised_parcels]
        assert not all(o.equals(n) for o, n in zip(old, new, strict=True))
        assert shapely.union_all(new).equals(shapely.union_all(old))
        assert abs(sum(g.area for g in new) - sum(g.area for g in old)) < 1e-6
        assert shapely.coverage_is_valid(np.array(new))


def test_mortgage_release_follows_its_mortgage(ward):
    registered = {}
    for d in events(ward):
        if d.kind == "mortgage":
            registered[d.mortgage.key] = d
        if d.kind == "mortgage_release":
            mortgage = registered.pop(d.released_mortgage_key)
            assert mortgage.decided < d.received
            assert mortgage.parcel_keys == d.parcel_keys


def test_inheritance_goes_to_two_or_three_heirs(ward):
    for d in events(ward, "inheritance"):
        (right,) = d.new_rights
        assert 2 <= len(right.holders) <= 3


def test_replay_rejects_a_sale_of_a_merged_away_parcel(ward):
    merge = events(ward, "merge")[0]
    sale = events(ward, "sale")[-1]
    bogus = dataclasses.replace(
        sale,
        key="DX",
        decided=date(2026, 1, 1),
        received=date(2025, 12, 1),
        parcel_keys=merge.parcel_keys[:1],
    )
    state = replay(ward)
    with pytest.raises(InvalidDossierError):
        state.apply(bogus)


def test_replay_rejects_a_sale_of_a_mortgaged_parcel(ward):
    state = replay(ward)
    mortgaged = next(iter(state.mortgage_on))
    sale = events(ward, "sale")[-1]
    bogus = dataclasses.replace(
        sale,
        key="DY",
        decided=date(2026, 1, 1),
        received=date(2025, 12, 1),
        parcel_keys=(mortgaged,),
        ended_right_keys=(state.rights[mortgaged].key,),
        new_rights=(
            dataclasses.replace(sale.new_rights[0], parcel_key=mortgaged, dossier_key="DY"),
        ),
        cancelled_serials=(state.certificates[mortgaged].serial,),
        certificates=(),
    )
    with pytest.raises(InvalidDossierError, match="mortgaged"):
        state.apply(bogus)
