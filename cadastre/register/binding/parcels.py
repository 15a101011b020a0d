"""Parcels: first registration, boundary correction, split, merge, land-use change,
acquisition — and the officer's record of one parcel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cadastre.register.binding.call import (
    Cursor,
    Day,
    Geometry,
    Instant,
    JsonValue,
    dict_rows,
    jsonb,
    one_value,
)


def register_parcel(
    cur: Cursor,
    *,
    dossier_id: int,
    commune: str,
    sheet: str,
    number: int,
    geom: Geometry,
    legal_area: float | None,
    land_uses: JsonValue,
    holders: JsonValue | None,
    address: str | None = None,
    valid_from: Day | None = None,
) -> int:
    """cadastre.register_parcel: first registration of a parcel (and its land-use right to
    holders [{party_id, share}] when given); returns its id."""
    return one_value(
        cur,
        "SELECT cadastre.register_parcel(p_dossier_id => %(dossier_id)s, "
        "p_commune => %(commune)s, p_sheet => %(sheet)s, p_number => %(number)s, "
        "p_geom => %(geom)s::geometry, p_legal_area => %(legal_area)s, "
        "p_land_uses => %(land_uses)s, p_holders => %(holders)s, p_address => %(address)s, "
        "p_valid_from => %(valid_from)s)",
        {"dossier_id": dossier_id, "commune": commune, "sheet": sheet, "number": number,
         "geom": geom, "legal_area": legal_area, "land_uses": jsonb(land_uses),
         "holders": jsonb(holders), "address": address, "valid_from": valid_from},
    )


def correct_boundary(
    cur: Cursor,
    *,
    dossier_id: int,
    parcel_id: int,
    geom: Geometry,
    legal_area: float | None = None,
    expected_version: int | None = None,
) -> int:
    """cadastre.correct_boundary: a parcel's surveyed boundary replaced (refused if it was
    changed since `expected_version`); returns the new version."""
    return one_value(
        cur,
        "SELECT cadastre.correct_boundary(p_dossier_id => %(dossier_id)s, "
        "p_parcel_id => %(parcel_id)s, p_geom => %(geom)s::geometry, "
        "p_legal_area => %(legal_area)s, p_expected_version => %(expected_version)s)",
        {"dossier_id": dossier_id, "parcel_id": parcel_id, "geom": geom,
         "legal_area": legal_area, "expected_version": expected_version},
    )


def split_parcel(
    cur: Cursor,
    *,
    dossier_id: int,
    parent_id: int,
    geoms: Sequence[Geometry],
    numbers: Sequence[int],
    land_uses: Sequence[JsonValue] | None = None,
    legal_areas: Sequence[float | None] | None = None,
    expected_version: int | None = None,
    sheets: Sequence[str] | None = None,
) -> list[int]:
    """cadastre.split_parcel: a parcel retired into children that partition it (one number,
    and optionally land uses, legal area and sheet, per child); returns the children's ids in
    the order of `geoms`."""
    return one_value(
        cur,
        "SELECT cadastre.split_parcel(p_dossier_id => %(dossier_id)s, "
        "p_parent_id => %(parent_id)s, p_geoms => %(geoms)s::geometry[], "
        "p_numbers => %(numbers)s::integer[], p_land_uses => %(land_uses)s::jsonb[], "
        "p_legal_areas => %(legal_areas)s::numeric[], "
        "p_expected_version => %(expected_version)s, p_sheets => %(sheets)s::text[])",
        {"dossier_id": dossier_id, "parent_id": parent_id, "geoms": list(geoms),
         "numbers": list(numbers),
         "land_uses": None if land_uses is None else [jsonb(uses) for uses in land_uses],
         "legal_areas": None if legal_areas is None else list(legal_areas),
         "expected_version": expected_version,
         "sheets": None if sheets is None else list(sheets)},
    )


def merge_parcels(
    cur: Cursor,
    *,
    dossier_id: int,
    parcel_ids: Sequence[int],
    number: int,
    sheet: str | None = None,
    expected_versions: Sequence[int] | None = None,
) -> int:
    """cadastre.merge_parcels: adjacent parcels of one commune and the same holders retired
    into one; returns the merged parcel's id."""
    return one_value(
        cur,
        "SELECT cadastre.merge_parcels(p_dossier_id => %(dossier_id)s, "
        "p_parcel_ids => %(parcel_ids)s::bigint[], p_number => %(number)s, "
        "p_sheet => %(sheet)s, p_expected_versions => %(expected_versions)s::integer[])",
        {"dossier_id": dossier_id, "parcel_ids": list(parcel_ids), "number": number,
         "sheet": sheet,
         "expected_versions": None if expected_versions is None else list(expected_versions)},
    )


def change_land_use(
    cur: Cursor,
    *,
    dossier_id: int,
    parcel_id: int,
    land_uses: JsonValue,
    expected_version: int | None = None,
) -> int:
    """cadastre.change_land_use: a parcel's land uses replaced; returns the new version."""
    return one_value(
        cur,
        "SELECT cadastre.change_land_use(p_dossier_id => %(dossier_id)s, "
        "p_parcel_id => %(parcel_id)s, p_land_uses => %(land_uses)s, "
        "p_expected_version => %(expected_version)s)",
        {"dossier_id": dossier_id, "parcel_id": parcel_id, "land_uses": jsonb(land_uses),
         "expected_version": expected_version},
    )


def acquire_parcel(cur: Cursor, *, dossier_id: int, parcel_id: int, on: Day | None = None) -> None:
    """cadastre.acquire_parcel: the State acquires a parcel (its rights end, it retires)."""
    cur.execute(
        "SELECT cadastre.acquire_parcel(p_dossier_id => %(dossier_id)s, "
        "p_parcel_id => %(parcel_id)s, p_on => %(on)s)",
        {"dossier_id": dossier_id, "parcel_id": parcel_id, "on": on},
    )


def next_parcel_number(cur: Cursor, *, commune: str, sheet: str) -> int:
    """cadastre.next_parcel_number: one above any number the sheet ever used (locks the
    sheet's numbering until the transaction ends)."""
    return one_value(
        cur,
        "SELECT cadastre.next_parcel_number(p_commune => %(commune)s, p_sheet => %(sheet)s)",
        {"commune": commune, "sheet": sheet},
    )


def find_parcel_id(
    cur: Cursor, *, commune: str, sheet: str, number: int, at: Instant | None = None
) -> int | None:
    """The id of the parcel bearing an identity: the current one (else the latest retired),
    or the one current at an instant (cadastre.parcel_as_of); None when there is none."""
    if at is None:
        statement = (
            "SELECT id FROM cadastre.parcel WHERE commune_code = %(commune)s "
            "AND sheet_number = %(sheet)s AND parcel_number = %(number)s "
            "ORDER BY status = 'current' DESC, id DESC LIMIT 1"
        )
    else:
        statement = (
            "SELECT id FROM cadastre.parcel_as_of(p_commune => %(commune)s, "
            "p_sheet => %(sheet)s, p_number => %(number)s, p_at => %(at)s) LIMIT 1"
        )
    return one_value(cur, statement, {"commune": commune, "sheet": sheet, "number": number,
                                      "at": at})


def parcel_record(
    cur: Cursor, *, parcel_id: int, legal_date: Day | None = None, known_at: Instant | None = None
) -> dict[str, Any]:
    """cadastre.parcel_record: everything an officer sees about a parcel on a legal date, as
    the register knew it at an instant (refused for a commune the caller does not serve)."""
    return one_value(
        cur,
        "SELECT cadastre.parcel_record(p_parcel_id => %(parcel_id)s, "
        "p_legal_date => %(legal_date)s, p_known_at => %(known_at)s)",
        {"parcel_id": parcel_id, "legal_date": legal_date, "known_at": known_at},
    )


def split_pieces(cur: Cursor, *, parcel_id: int, line: Geometry) -> list[str]:
    """cadastre.split_pieces: the pieces (hex EWKB, west to east) a cutting line makes of a
    parcel; one piece when it does not cross the parcel. Changes nothing."""
    cur.execute(
        "SELECT geom FROM cadastre.split_pieces(p_parcel_id => %(parcel_id)s, "
        "p_line => %(line)s::geometry) ORDER BY piece",
        {"parcel_id": parcel_id, "line": line},
    )
    return [row[0] for row in cur.fetchall()]


def parcel_summaries(cur: Cursor, *, parcel_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Identity, version, legal and measured area and land uses of parcels, in the order of
    `parcel_ids`."""
    return dict_rows(
        cur,
        "SELECT p.id, cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number) "
        "AS ref, p.version, p.legal_area, round(ST_Area(p.geom)::numeric, 1) AS measured_area, "
        "p.land_uses "
        "FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS i (id, n) "
        "JOIN cadastre.parcel AS p ON p.id = i.id ORDER BY i.n",
        {"ids": list(parcel_ids)},
    )
