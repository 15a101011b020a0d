"""Parcel identity: commune code, 1:500 sheet and parcel number, numbered as surveyors do."""

from __future__ import annotations

import math
import re
from collections import defaultdict

import pytest
import shapely

from data_samples.generator import generate, replay
from data_samples.generator.sheets import NUMBERING_BAND_M, SHEET_SIZE_M


@pytest.fixture(scope="module")
def ward():
    """The default sample."""
    return generate()


def test_identities_are_unique(ward):
    identities = [(p.commune_code, p.sheet_number, p.parcel_number) for p in ward.parcels]
    assert len(set(identities)) == len(identities)
    assert len({p.key for p in ward.parcels}) == len(ward.parcels)


def test_identities_stay_unique_after_history(ward):
    current = replay(ward).parcels.values()
    identities = [(p.commune_code, p.sheet_number, p.parcel_number) for p in current]
    assert len(set(identities)) == len(identities)


def test_commune_codes_are_synthetic_five_digits_in_hanoi(ward):
    for commune in ward.communes:
        assert re.fullmatch(r"9\d{4}", commune.code)
        assert commune.province_code == "01"
        assert commune.name.startswith("Phường Mẫu ")


def test_sheets_are_250_m_frames_at_1_500_numbered_from_one(ward):
    numbers = sorted(s.number for s in ward.sheets)
    assert numbers == list(range(1, len(numbers) + 1))
    for sheet in ward.sheets:
        x0, y0, x1, y1 = sheet.footprint.bounds
        assert sheet.scale == 500
        assert (x1 - x0, y1 - y0) == (SHEET_SIZE_M, SHEET_SIZE_M)
        assert x0 % SHEET_SIZE_M == 0 and y0 % SHEET_SIZE_M == 0


def test_sheets_are_numbered_from_the_north_west(ward):
    order = sorted(ward.sheets, key=lambda s: s.number)
    keys = [(-s.footprint.bounds[1], s.footprint.bounds[0]) for s in order]
    assert keys == sorted(keys)


def test_parcel_lies_on_the_sheet_containing_its_point_on_surface(ward):
    footprint = {(s.commune_code, s.number): s.footprint for s in ward.sheets}
    for p in ward.parcels:
        point = p.geometry.point_on_surface()
        frame = footprint[(p.commune_code, p.sheet_number)]
        assert frame.covers(point)


def test_parcel_numbers_run_from_north_west_to_south_east(ward):
    per_sheet = defaultdict(list)
    for p in ward.parcels:
        per_sheet[(p.commune_code, p.sheet_number)].append(p)
    for parcels in per_sheet.values():
        parcels.sort(key=lambda p: p.parcel_number)
        assert [p.parcel_number for p in parcels] == list(range(1, len(parcels) + 1))
        keys = []
        for p in parcels:
            point = p.geometry.point_on_surface()
            top = (math.floor(point.y / SHEET_SIZE_M) + 1) * SHEET_SIZE_M
            keys.append((math.floor((top - point.y) / NUMBERING_BAND_M), point.x))
        assert keys == sorted(keys)


def test_new_parcels_take_the_next_free_numbers_on_their_sheet(ward):
    last = defaultdict(int)
    for p in ward.parcels:
        sheet = (p.commune_code, p.sheet_number)
        last[sheet] = max(last[sheet], p.parcel_number)
    footprint = {(s.commune_code, s.number): s.footprint for s in ward.sheets}
    created = [p for d in ward.event_dossiers() for p in d.new_parcels]
    assert created
    for p in created:
        sheet = (p.commune_code, p.sheet_number)
        assert p.parcel_number == last[sheet] + 1
        last[sheet] = p.parcel_number
        assert footprint[sheet].covers(shapely.Point(p.geometry.point_on_surface()))
