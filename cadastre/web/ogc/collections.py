"""The collections the OGC API serves and how a database row becomes a GeoJSON feature.

Pure: no database, no request. Parcel properties are the public facts of the parcel page
(never a holder or anything personal), named and flattened as `cadastre export` names them
(`cadastre.export.fields`: land uses as `ODT+CLN`, old identities as text), so a copy made
through the API and an export carry the same attributes; the history adds the version's
system period, retirement and lineage."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cadastre.export.fields import flatten_land_uses, old_refs_text

PARCELS = "parcels"
COMMUNES = "communes"
MAP_SHEETS = "map-sheets"
LAND_USE_CODES = "land-use-codes"


@dataclass(frozen=True)
class Property:
    """One property of a collection's features: JSON Schema type and a description."""

    name: str
    type: str  # string, integer, number, boolean, array, date, date-time
    description: str

    def schema(self) -> dict[str, Any]:
        if self.type in ("date", "date-time"):
            return {"type": "string", "format": self.type, "description": self.description}
        if self.type == "array":
            return {"type": "array", "items": {"type": "string"},
                    "description": self.description}
        return {"type": self.type, "description": self.description}


@dataclass(frozen=True)
class Collection:
    """A collection: identity, titles in both languages, what it can filter on."""

    id: str
    title_vi: str
    title_en: str
    description: str
    properties: tuple[Property, ...]
    filters: tuple[str, ...] = ()
    temporal: bool = False
    spatial: bool = True
    keyset: bool = False  # paged by an `after` cursor (else by `offset`)
    item_type: str = "feature"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.title_vi} / {self.title_en}"

    def parameters(self) -> tuple[str, ...]:
        """Every query parameter its /items accepts (besides f and lang)."""
        paging = ("after",) if self.keyset else ("offset",)
        spatial = ("bbox", "bbox-crs", "crs") if self.spatial else ()
        temporal = ("datetime",) if self.temporal else ()
        return ("limit", *paging, *spatial, *temporal, *self.filters)


P = Property
PARCEL_PROPERTIES = (
    P("ref", "string", "Identity commune/sheet/number, e.g. 91001/1/5"),
    P("commune_code", "string", "Commune code (5 digits)"),
    P("commune_name", "string", "Commune name"),
    P("sheet_number", "string", "Map sheet number (số tờ)"),
    P("parcel_number", "integer", "Parcel number on the sheet (số thửa)"),
    P("legal_area", "number", "Registered (legal) area, m²"),
    P("measured_area", "number", "Area of the geometry in the register CRS, m²"),
    P("land_use", "string", "Land-use codes joined by '+', largest area first (ODT+CLN)"),
    P("land_use_areas", "string", "Their areas in the same order, m² ('?' = not recorded)"),
    P("main_land_use", "string", "Code of the purpose with the largest area"),
    P("land_use_count", "integer", "Number of land-use purposes"),
    P("address", "string", "Address of the parcel"),
    P("old_refs", "string", "Earlier identities commune/sheet/number (until date), '; '-joined"),
    P("status", "string", "current or retired, at the instant asked"),
    P("status_codes", "array", "Public status codes today, least serious first (registered, "
      "dossier_in_progress, planning, mortgaged, disputed, seized …; retired): answers about "
      "now only, null in a historical answer"),
    P("version", "integer", "Version of the parcel"),
    P("version_since", "date", "Day (UTC) the register recorded this version"),
    P("valid_from", "date-time", "When the register recorded this version"),
    P("valid_to", "date-time", "When a later version replaced it (null: still held)"),
    P("retired_on", "date", "Decision date of the split, merge or acquisition that retired it"),
    P("replaced_by", "array", "Identities of the parcels made from it (retired parcels)"),
    P("made_from", "array", "Identities of the parcels it was made from (split, merge)"),
)
COMMUNE_PROPERTIES = (
    P("code", "string", "National commune code (5 digits)"),
    P("name", "string", "Official name"),
    P("in_force", "boolean", "Whether the commune exists today (not merged away)"),
    P("replaced_by", "string", "Code of the commune that took it over after a merger"),
    P("valid_from", "date", "First day of its legal validity"),
    P("valid_to", "date", "Day its validity ended (null: in force)"),
)
SHEET_PROPERTIES = (
    P("commune_code", "string", "Commune code"),
    P("number", "string", "Sheet number (số tờ)"),
    P("scale", "integer", "Scale denominator (1:M)"),
    P("valid_from", "date", "First day the sheet is in force"),
    P("valid_to", "date", "Day the sheet ended (null: in force)"),
)
LAND_USE_PROPERTIES = (
    P("code", "string", "Land-use purpose code (TT 27/2018)"),
    P("name", "string", "Name in Vietnamese"),
    P("group_code", "string", "NNP agricultural, PNN non-agricultural, CSD unused"),
    P("fill_color", "string", "Standard map colour"),
)

COLLECTIONS: dict[str, Collection] = {c.id: c for c in (
    Collection(PARCELS, "Thửa đất", "Parcels",
               "Parcels of the public register: current parcels by default; with `datetime` "
               "an instant answers the parcels as the register stood then, an interval every "
               "version in force during it. Public facts only: identity, areas, land uses, "
               "address, status, history and lineage — never holders.",
               PARCEL_PROPERTIES, filters=("commune_code", "land_use", "status"),
               temporal=True, keyset=True),
    Collection(COMMUNES, "Xã, phường", "Communes and wards",
               "Communes and wards of the province with their boundaries (when recorded).",
               COMMUNE_PROPERTIES),
    Collection(MAP_SHEETS, "Tờ bản đồ địa chính", "Cadastral map sheets",
               "Map sheets in force today: number, scale and frame.",
               SHEET_PROPERTIES, filters=("commune_code",)),
    Collection(LAND_USE_CODES, "Mã mục đích sử dụng đất", "Land-use purpose codes",
               "The land-use purpose codes of TT 27/2018 with their standard map colours "
               "(no geometry).",
               LAND_USE_PROPERTIES, spatial=False, item_type="record"),
)}


def _text(value: Any) -> Any:
    """JSON the driver hands over as text, decoded (the common empty list without a parse)."""
    if value == "[]":
        return []
    return json.loads(value) if isinstance(value, str) else value


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def parcel_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    """A parcel row of public_register.ogc_parcels → its feature's properties."""
    valid_from = row["valid_from"]
    uses = flatten_land_uses(_text(row["land_uses"]))
    return {
        "ref": row["ref"], "commune_code": row["commune_code"],
        "commune_name": row["commune_name"], "sheet_number": row["sheet_number"],
        "parcel_number": row["parcel_number"], "legal_area": row["legal_area"],
        "measured_area": row["measured_area"], **uses, "address": row["address"],
        "old_refs": old_refs_text(_text(row["old_identifiers"])), "status": row["status"],
        "status_codes": list(row["status_codes"]) if row["status_codes"] is not None else None,
        "version": row["version"],
        "version_since": _iso(valid_from.astimezone(dt.UTC).date()),
        "valid_from": _iso(valid_from), "valid_to": _iso(row["valid_to"]),
        "retired_on": _iso(row["retired_on"]),
        "replaced_by": [p["ref"] for p in _text(row["replaced_by"])],
        "made_from": [p["ref"] for p in _text(row["made_from"])],
    }


def lineage(row: Mapping[str, Any]) -> list[tuple[int, str, str]]:
    """(id, relation, ref) of the parcels a parcel was made from and was replaced by."""
    return ([(p["id"], "made_from", f"{p['ref']} ({p['kind']})")
             for p in _text(row["made_from"])]
            + [(p["id"], "replaced_by", f"{p['ref']} ({p['kind']})")
               for p in _text(row["replaced_by"])])


def commune_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"], "in_force": row["in_force"],
            "replaced_by": row["replaced_by"], "valid_from": _iso(row["valid_from"]),
            "valid_to": _iso(row["valid_to"])}


def sheet_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"commune_code": row["commune_code"], "number": row["number"],
            "scale": row["scale"], "valid_from": _iso(row["valid_from"]),
            "valid_to": _iso(row["valid_to"])}


def land_use_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"], "group_code": row["group_code"],
            "fill_color": row["fill_color"]}


def feature(feature_id: int | str, geometry: str | None, properties: dict[str, Any],
            links: list[dict[str, Any]] | None = None) -> str:
    """One GeoJSON feature as text: the geometry is spliced in as PostGIS wrote it."""
    head = f'{{"type":"Feature","id":{json.dumps(feature_id)},"geometry":{geometry or "null"}'
    tail = f',"properties":{json.dumps(properties, ensure_ascii=False)}'
    if links is not None:
        tail += f',"links":{json.dumps(links, ensure_ascii=False)}'
    return head + tail + "}"
