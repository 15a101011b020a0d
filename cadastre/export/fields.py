"""The export's attribute table: field names, shapefile names, and how values are flattened.

Pure: no database, no files. Every format carries the same fields; a shapefile names them
with at most 10 characters (the Vietnamese cadastral names `cadastre import --mapping
vn_standard` reads back where one exists) and the mapping is written beside it as fields.csv.
Several land-use purposes of a parcel become '+'-joined codes and areas, largest area first
(the order of the `current_parcel` view): `ODT+CLN` and `60.0+40.0`. Text longer than its
shapefile field (at most 254 bytes of UTF-8) is shortened there and kept whole in
long_text.csv.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cadastre.errors import CadastreError

DBF_TEXT_BYTES = 254
"""Largest dBASE character field; GDAL counts its width in bytes of the declared encoding."""
SHAPEFILE_NAME_LENGTH = 10

# Which optional group a field belongs to (None: always exported).
HOLDERS = "holders"
RIGHTS = "rights"
PERSONAL = "personal"


@dataclass(frozen=True)
class Field:
    """One exported attribute."""

    name: str
    short: str
    kind: str  # int, float, text, date
    description: str
    group: str | None = None
    width: int = 254  # text: bytes of its shapefile (dBASE) field; longer text is cut there
    digits: tuple[int, int] = (9, 0)  # numbers: dBASE N(width, decimals) in a shapefile

    @property
    def dbf_width(self) -> int:
        """Bytes the field takes in a .dbf record."""
        return {"text": self.width, "date": 8}.get(self.kind, self.digits[0])


FIELDS: tuple[Field, ...] = (
    Field("parcel_id", "ParcelID", "int", "Register id of the parcel (stable across versions)"),
    Field("ref", "MaThua", "text", "Identity commune/sheet/number, e.g. 00070/12/45",
          width=34),
    Field("commune_code", "MaXa", "text", "Commune code (5 digits)", width=5),
    Field("commune_name", "TenXa", "text", "Commune name", width=150),
    Field("sheet_number", "SoTo", "text", "Map sheet number (số tờ)", width=16),
    Field("parcel_number", "SoThua", "int", "Parcel number on the sheet (số thửa)"),
    Field("legal_area", "DienTich", "float", "Registered (legal) area, m²",
          digits=(14, 1)),
    Field("measured_area", "DTDoDac", "float", "Area of the geometry in the register CRS, m²",
          digits=(16, 3)),
    Field("land_use", "LoaiDat", "text",
          "Land-use codes joined by '+', largest area first (ODT+CLN)", width=100),
    Field("land_use_areas", "DTLoaiDat", "text",
          "Areas of those purposes in the same order, m², joined by '+' ('?' = not recorded)",
          width=120),
    Field("main_land_use", "MDSDChinh", "text", "Code of the purpose with the largest area",
          width=6),
    Field("land_use_count", "SoMDSD", "int", "Number of land-use purposes", digits=(4, 0)),
    Field("address", "DiaChi", "text", "Address of the parcel"),
    Field("old_refs", "SoHieuCu", "text",
          "Earlier identities commune/sheet/number (until date), joined by '; '"),
    Field("status", "TrangThai", "text", "current or retired (at the export date)", width=7),
    Field("version", "PhienBan", "int", "Version number of the parcel at the export date"),
    Field("version_since", "TuNgay", "date", "Date (UTC) the register recorded this version"),
    Field("holders", "ChuSuDung", "text",
          "Holders of the land-use right with their shares: name (share); …", HOLDERS),
    Field("holder_count", "SoChu", "int", "Number of holders of the land-use right", HOLDERS,
          digits=(4, 0)),
    Field("rights", "QuyenSD", "text", "Rights in force (kinds), joined by '; '", RIGHTS,
          width=100),
    Field("restrictions", "HanChe", "text",
          "Restrictions in force (mortgage, seizure, dispute…), joined by '; '", RIGHTS,
          width=120),
    Field("holder_ids", "SoGiayTo", "text",
          "PERSONAL DATA: holders' ID numbers (CCCD/CMND): name: number; …", PERSONAL),
)


def selected_fields(holders: bool, rights: bool, personal: bool) -> list[Field]:
    """The fields of an export with these optional groups, in file order."""
    wanted = {None} | {g for g, on in ((HOLDERS, holders), (RIGHTS, rights),
                                        (PERSONAL, personal)) if on}
    return [f for f in FIELDS if f.group in wanted]


def mapping_rows(fields: Sequence[Field]) -> list[dict[str, str]]:
    """The fields.csv table: shapefile name, full name, type, description."""
    return [
        {"shapefile_field": f.short, "field": f.name, "type": f.kind,
         "description": f.description}
        for f in fields
    ]


# --- values -------------------------------------------------------------------------------


def _area_text(area: Any) -> str:
    if area is None:
        return "?"
    return repr(float(area))


def _use_order(indexed: tuple[int, dict[str, Any]]) -> tuple[float, int]:
    position, use = indexed
    area = use.get("area")
    return (-(float(area)) if area is not None else float("inf"), position)


def flatten_land_uses(land_uses: Iterable[dict[str, Any]] | None) -> dict[str, Any]:
    """land_use, land_use_areas, main_land_use and land_use_count of a parcel's purposes.

    The largest known area first; otherwise the recorded order, which is the source's
    (principal use first: 'ODT+CLN' stays ODT+CLN, its main use ODT)."""
    uses = [use for _, use in sorted(enumerate(land_uses or []), key=_use_order)]
    codes = [str(u.get("code")) for u in uses]
    return {
        "land_use": "+".join(codes) or None,
        "land_use_areas": "+".join(_area_text(u.get("area")) for u in uses) or None,
        "main_land_use": codes[0] if codes else None,
        "land_use_count": len(codes),
    }


def old_refs_text(old_identifiers: Iterable[dict[str, Any]] | None) -> str | None:
    """Earlier identities as 'commune/sheet/number (until date)', joined by '; '."""
    parts = []
    for old in old_identifiers or []:
        ref = f"{old.get('commune_code')}/{old.get('sheet_number')}/{old.get('parcel_number')}"
        parts.append(f"{ref} (until {old['until']})" if old.get("until") else ref)
    return "; ".join(parts) or None


def fit_text(value: str, limit: int = DBF_TEXT_BYTES) -> tuple[str, bool]:
    """The longest prefix of `value` whose UTF-8 fits in `limit` bytes, and whether it was cut."""
    encoded = value.encode("utf-8")
    if len(encoded) <= limit:
        return value, False
    return encoded[:limit].decode("utf-8", errors="ignore"), True


@dataclass(frozen=True)
class LongText:
    """A text value too long for a dBASE field: kept whole in the side table."""

    parcel_id: int
    ref: str
    field: str
    shapefile_field: str
    text: str


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def record(row: dict[str, Any]) -> dict[str, Any]:
    """One parcel row from the database → the export's values (flattened)."""
    values = dict(row)
    values.update(flatten_land_uses(_json(values.pop("land_uses", None))))
    values["old_refs"] = old_refs_text(_json(values.pop("old_identifiers", None)))
    return values


def columns(
    records: Sequence[dict[str, Any]], fields: Sequence[Field], shapefile: bool,
    dates_as_text: bool = False,
) -> tuple[list[np.ndarray], list[np.ndarray | None], list[LongText]]:
    """Column arrays for pyogrio, their null masks and, for a shapefile, the texts cut to fit.

    A shapefile's text fields get their declared width (fixed from the first batch, so GDAL
    never widens a field and rewrites the .dbf mid-stream, and part sizes are predictable); its
    integers must fit their N(width) field. `dates_as_text` gives ISO dates (2012-08-09) as
    text, for CSV, where GDAL would write 2012/08/09.
    """
    arrays: list[np.ndarray] = []
    masks: list[np.ndarray | None] = []
    long_texts: list[LongText] = []
    for f in fields:
        values = [r.get(f.name) for r in records]
        mask = None
        if f.kind == "text" and shapefile:
            mask = np.array([v is None for v in values], dtype=bool)
            cut = [_fit(v, r, f, long_texts) for v, r in zip(values, records, strict=True)]
            array = np.array(["" if v is None else v for v in cut], dtype=f"U{f.width}")
        elif f.kind == "text":
            array = np.array(values, dtype=object)
        elif f.kind == "date" and dates_as_text:
            array = np.array([None if v is None else _iso(v) for v in values], dtype=object)
        elif f.kind == "date":
            array = np.array([_date(v) for v in values], dtype="datetime64[D]")
        elif f.kind == "float":
            array = np.array([np.nan if v is None else float(v) for v in values])
        else:
            integers = [v for v in values if v is not None]
            if len(integers) < len(values):
                raise ValueError(f"field {f.name}: an integer field has no value")
            array = np.array([int(v) for v in integers], dtype="int64")
            if shapefile:
                _check_digits(array, f)
        arrays.append(array)
        masks.append(mask)
    return arrays, masks, long_texts


def _fit(value: Any, row: dict[str, Any], f: Field, long_texts: list[LongText]) -> Any:
    if value is None:
        return None
    kept, cut = fit_text(str(value), f.width)
    if cut:
        long_texts.append(LongText(int(row["parcel_id"]), str(row["ref"]), f.name, f.short,
                                   str(value)))
    return kept


def _date(value: Any) -> Any:
    if value is None:
        return np.datetime64("NaT")
    if isinstance(value, dt.datetime):
        value = value.date()
    return np.datetime64(value, "D")


def _iso(value: Any) -> str:
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def _check_digits(array: np.ndarray, f: Field) -> None:
    if len(array) and np.abs(array).max() >= 10 ** f.digits[0]:
        raise CadastreError(
            f"field {f.name}: the value {int(np.abs(array).max())} does not fit the "
            f"shapefile's {f.digits[0]}-digit field {f.short}",
            hint="Export to GeoPackage or FlatGeobuf instead.")
