"""Parties, rights, certificates and registered areas follow Vietnamese registration rules."""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

import numpy as np
import pytest

from data_samples.generator import LAND_USE_FORMS, PARTY_KINDS, generate
from data_samples.generator.people import FAMILY_NAMES, PartyBook, birth_dates
from data_samples.generator.registration import SERIES_BY_YEAR, tolerance_m2


@pytest.fixture(scope="module")
def ward():
    """The default sample."""
    return generate()


def all_rights(ward):
    """Rights at first registration and those registered by later dossiers."""
    return list(ward.rights) + [r for d in ward.event_dossiers() for r in d.new_rights]


def all_certificates(ward):
    """Certificates at first registration and those issued by later dossiers."""
    return list(ward.certificates) + [c for d in ward.event_dossiers() for c in d.certificates]


def all_parcel_versions(ward):
    """Every parcel version: first registration, new and revised parcels."""
    events = list(ward.event_dossiers())
    return (
        list(ward.parcels)
        + [p for d in events for p in d.new_parcels]
        + [p for d in events for p in d.revised_parcels]
    )


def test_cccd_format(ward):
    individuals = [p for p in ward.parties if p.kind == "individual"]
    assert individuals
    for person in individuals:
        assert re.fullmatch(r"\d{12}", person.id_number)
        year = person.birth_date.year
        century_gender = (2 if year >= 2000 else 0) + (person.gender == "female")
        assert person.id_number[3] == str(century_gender)
        assert person.id_number[4:6] == f"{year % 100:02d}"
    hanoi = sum(p.id_number.startswith("001") for p in individuals) / len(individuals)
    assert hanoi > 0.7


def test_cccd_numbers_are_unique(ward):
    ids = [p.id_number for p in ward.parties if p.kind == "individual"]
    assert len(set(ids)) == len(ids)


def test_party_kinds_and_group_members(ward):
    parties = {p.key: p for p in ward.parties}
    kinds = {p.kind for p in ward.parties}
    assert kinds == set(PARTY_KINDS)
    for party in ward.parties:
        if party.kind in ("household", "couple"):
            assert party.members
            assert all(parties[m].kind == "individual" for m in party.members)
        if party.kind == "couple":
            genders = [parties[m].gender for m in party.members]
            assert genders == ["male", "female"]
        if party.kind != "individual":
            assert party.id_number is None and party.birth_date is None


def test_names_are_vietnamese_in_nfc(ward):
    texts = [p.name for p in ward.parties] + [p.address for p in ward.parties if p.address]
    texts += [p.address for p in ward.parcels] + [c.name for c in ward.communes]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    families = {p.name.split()[0] for p in ward.parties if p.kind == "individual"}
    assert families <= set(FAMILY_NAMES)
    assert "Nguyễn" in families


def test_shares_sum_to_one(ward):
    parties = {p.key for p in ward.parties}
    for right in all_rights(ward):
        assert right.kind == "land_use"
        assert sum(Fraction(n, d) for _, n, d in right.holders) == 1
        assert all(key in parties for key, _, _ in right.holders)


def test_one_right_per_parcel_at_first_registration(ward):
    assert sorted(r.parcel_key for r in ward.rights) == sorted(p.key for p in ward.parcels)


def test_land_uses_sum_to_registered_area(ward):
    for parcel in all_parcel_versions(ward):
        total = sum(area for _, area in parcel.land_uses)
        assert round(total, 1) == parcel.registered_area
        assert round(parcel.registered_area, 1) == parcel.registered_area


def test_registered_area_within_tolerance_of_measured_area(ward):
    drifted = 0
    for parcel in all_parcel_versions(ward):
        gap = abs(parcel.registered_area - parcel.geometry.area)
        assert gap <= tolerance_m2(parcel.geometry.area) / 2 + 0.05
        drifted += gap > 0.05
    assert drifted > 0


def test_land_use_forms_and_terms(ward):
    for parcel in all_parcel_versions(ward):
        assert parcel.land_use_form in LAND_USE_FORMS
        leased = parcel.land_use_form in ("THN", "TMT")
        assert (parcel.term_end is not None) == leased
    residential = [p for p in ward.parcels if p.land_uses[0][0] == "ODT"]
    assert all(p.term_end is None for p in residential)


def test_certificate_serial_and_book_number_formats(ward):
    serials = [c.serial for c in all_certificates(ward)]
    assert len(set(serials)) == len(serials)
    for cert in all_certificates(ward):
        assert re.fullmatch(r"[A-Z]{2}\d{6}", cert.serial)
        assert cert.serial[:2] == SERIES_BY_YEAR[cert.issued.year]
        assert re.fullmatch(r"C[HT]\d{5}", cert.book_number)
        assert cert.parcel_keys and cert.holder_keys


def test_some_certificates_cover_two_parcels(ward):
    assert any(len(c.parcel_keys) == 2 for c in ward.certificates)


def test_first_registration_dates_2012_to_2014(ward):
    first = [d for d in ward.dossiers if d.kind == "first_registration"]
    assert all(d.received.year >= 2012 and d.decided.year <= 2014 for d in first)
    assert all(d.received <= d.decided and d.decided.weekday() < 5 for d in first)
    assert all(re.fullmatch(r"\d+/\d{4}/ĐK", d.number) for d in first)


def test_party_book_finds_every_party_by_key():
    book = PartyBook(np.random.default_rng(1))
    book.state("Phường Mẫu 1")
    book.banks()
    female = np.array([True, False, True])
    draws = book.draw_persons(female, birth_dates(book.rng, 3, 1960, 1990))
    book.individuals(draws, ["a", "b", "c"])
    book.household(["I0000001", "I0000002"], "Nguyễn Văn An", False)
    book.individual(draws, 0, "d")
    assert all(book.get(p.key) is p for p in book.parties)
