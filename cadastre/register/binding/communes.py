"""Communes: the official list, additions, names, boundaries and mergers."""

from __future__ import annotations

from typing import Any

from cadastre.register.binding.call import Cursor, Day, Geometry, JsonValue, jsonb, one_value


def load_communes(
    cur: Cursor, *, communes: JsonValue, correspondence: JsonValue, valid_from: Day, source: str
) -> dict[str, Any]:
    """cadastre.load_communes: the province's communes in force and the pre-2025
    correspondence (idempotent); returns what it added."""
    return one_value(
        cur,
        "SELECT cadastre.load_communes(p_communes => %(communes)s, "
        "p_correspondence => %(correspondence)s, p_valid_from => %(valid_from)s, "
        "p_source => %(source)s)",
        {"communes": jsonb(communes), "correspondence": jsonb(correspondence),
         "valid_from": valid_from, "source": source},
    )


def add_commune(
    cur: Cursor,
    *,
    code: str,
    name: str,
    valid_from: Day = "1900-01-01",
    boundary: Geometry | None = None,
) -> None:
    """cadastre.add_commune (owner only): a commune of the register's province."""
    cur.execute(
        "SELECT cadastre.add_commune(p_code => %(code)s, p_name => %(name)s, "
        "p_valid_from => %(valid_from)s, p_boundary => %(boundary)s::geometry)",
        {"code": code, "name": name, "valid_from": valid_from, "boundary": boundary},
    )


def rename_commune(cur: Cursor, *, code: str, name: str) -> None:
    """cadastre.rename_commune: a commune's new official name."""
    cur.execute(
        "SELECT cadastre.rename_commune(p_code => %(code)s, p_name => %(name)s)",
        {"code": code, "name": name},
    )


def set_commune_boundary(cur: Cursor, *, code: str, boundary: Geometry) -> None:
    """cadastre.set_commune_boundary: a commune's boundary (any CRS with an SRID)."""
    cur.execute(
        "SELECT cadastre.set_commune_boundary(p_code => %(code)s, "
        "p_boundary => %(boundary)s::geometry)",
        {"code": code, "boundary": boundary},
    )


def reassign_commune(
    cur: Cursor,
    *,
    dossier_id: int,
    old_code: str,
    new_code: str,
    effective: Day,
    sheet_prefix: str = "",
) -> int:
    """cadastre.reassign_commune: a commune merged into another from a date (its parcels move
    and keep their old identity); returns how many parcels moved."""
    return one_value(
        cur,
        "SELECT cadastre.reassign_commune(p_dossier_id => %(dossier_id)s, "
        "p_old_code => %(old_code)s, p_new_code => %(new_code)s, "
        "p_effective => %(effective)s, p_sheet_prefix => %(sheet_prefix)s)",
        {"dossier_id": dossier_id, "old_code": old_code, "new_code": new_code,
         "effective": effective, "sheet_prefix": sheet_prefix},
    )
