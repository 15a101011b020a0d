"""Vietnam's administrative units as reference data, from two maintained packages.

- `vietnam-provinces` (the statistics office's list, `__data_version__` says when it was read):
  the provinces and communes in force since the 2025 reorganisation (34 provinces, about 3,300
  communes and wards, no district level). Codes and names of the register come from here.
- `vietnamadminunits` (MIT): the pre-2025 list (63 provinces, about 10,000 communes with their
  districts) and the official old -> new correspondence, which it keys by normalised names.
  An old commune divided among several new ones is listed with every new one it went to.

Nothing here is typed by hand: a unit the packages do not name is not invented.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cadastre.errors import CadastreError

REORGANISATION_DATE = "2025-07-01"  # two-tier local government (Resolution 202/2025/QH15)


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone of the list in force."""

    code: str
    name: str


@dataclass(frozen=True)
class Correspondence:
    """A pre-2025 commune and a commune in force that took it over (all or part of it)."""

    old_code: str
    old_name: str
    old_district: str
    old_province_code: str
    new_code: str
    divided: bool


def data_version() -> str:
    """Which packages and list versions the reference data comes from."""
    from importlib.metadata import version

    import vietnam_provinces

    return (
        f"vietnam-provinces {vietnam_provinces.__version__} (list of "
        f"{vietnam_provinces.__data_version__}), vietnamadminunits "
        f"{version('vietnamadminunits')}"
    )


@cache
def _nested_divisions() -> list[dict]:
    from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

    return json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))


def province_name(province_code: str) -> str | None:
    """The official name of a province in force, or None when the list has no such code."""
    for province in _nested_divisions():
        if f"{province['code']:02d}" == province_code:
            return province["name"]
    return None


def provinces() -> list[tuple[str, str]]:
    """Every province in force: (2-digit code, name)."""
    return [(f"{p['code']:02d}", p["name"]) for p in _nested_divisions()]


def communes_in_force(province_code: str) -> list[Commune]:
    """The communes, wards and special zones of a province in the list in force."""
    for province in _nested_divisions():
        if f"{province['code']:02d}" == province_code:
            return [Commune(f"{w['code']:05d}", w["name"]) for w in province["wards"]]
    return []


def _adminunits_file(name: str) -> Path:
    """A data file of vietnamadminunits, found without importing the package (its import
    loads its address parser and geocoder, 0.6 s, which the register does not use)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise CadastreError("The vietnamadminunits package is not installed",
                            hint="Run scripts/install (it installs the pinned dependencies).")
    return Path(spec.submodule_search_locations[0]) / "data" / name


@cache
def _legacy_rows() -> dict[str, tuple[str, str, str, str]]:
    """Old 'province_district_ward' key -> (old code, old name, district, old province code)."""
    conn = sqlite3.connect(f"file:{_adminunits_file('dataset.db')}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT provinceKey || '_' || districtKey || '_' || coalesce(wardKey, ''), "
            "wardCode, ward, district, provinceCode FROM admin_units_legacy "
            "WHERE wardCode IS NOT NULL"
        ).fetchall()
        new_keys = conn.execute(
            "SELECT DISTINCT provinceKey, provinceCode, wardKey, ward FROM admin_units"
        ).fetchall()
    finally:
        conn.close()
    _new_keys.update({(p, w): name for p, _code, w, name in new_keys})
    _province_keys.update({code: p for p, code, _w, _name in new_keys})
    return {key: (code, name, district, province) for key, code, name, district, province in rows}


_new_keys: dict[tuple[str, str], str] = {}  # (province key, ward key) -> name in force
_province_keys: dict[str, str] = {}  # province code -> province key


def _new_code(province_code: str, province_key: str, ward_key: str) -> str | None:
    """The code in force of a new commune the converter names by key (matched on the official
    list by its name: the two packages' codes for a few new wards differ; the list wins)."""
    by_codename = {
        w["codename"].replace("_", ""): f"{w['code']:05d}"
        for p in _nested_divisions() if f"{p['code']:02d}" == province_code
        for w in p["wards"]
    }
    if ward_key in by_codename:
        return by_codename[ward_key]
    name = _new_keys.get((province_key, ward_key))
    by_name = {c.name: c.code for c in communes_in_force(province_code)}
    return None if name is None else by_name.get(name)


def correspondence(province_code: str) -> list[Correspondence]:
    """Every pre-2025 commune now in this province, with the commune(s) in force that took it."""
    legacy = _legacy_rows()
    converter = json.loads(_adminunits_file("converter_2025.json").read_text(encoding="utf-8"))
    province_key = _province_keys.get(province_code)
    if province_key is None:
        return []
    rows: dict[tuple[str, str], Correspondence] = {}
    whole = converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {})
    for ward_key, old_keys in whole.items():
        new_code = _new_code(province_code, province_key, ward_key)
        for old_key in old_keys:
            _add(rows, legacy.get(old_key), new_code, divided=False)
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {})
    for old_key, parts in divided.items():
        for part in parts:
            new_code = _new_code(province_code, province_key, part["newWardKey"])
            _add(rows, legacy.get(old_key), new_code, divided=True)
    return sorted(rows.values(), key=lambda c: (c.old_code, c.new_code))


def _add(rows: dict, old: tuple | None, new_code: str | None, divided: bool) -> None:
    if old is None or new_code is None:
        return  # a key the other list does not know: left out, never guessed
    code, name, district, province = old
    key = (code, new_code)
    if key in rows and not divided:
        return
    rows[key] = Correspondence(code, name, district or "", province, new_code, divided)
