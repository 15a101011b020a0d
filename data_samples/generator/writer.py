"""Write a generated ward as a GeoPackage plus JSON Lines, byte-identical for the same input."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.raw import write as write_layer

from .model import Certificate, Dossier, Mortgage, Parcel, Party, Right, Ward
from .state import current_parcels

CRS = "EPSG:5897"
FIXED_TIMESTAMP = "2025-07-01T00:00:00.000Z"
GEOPACKAGE = "ward.gpkg"
JSONL_FILES = ("parties.jsonl", "rights.jsonl", "certificates.jsonl", "dossiers.jsonl")


def land_uses_text(land_uses: Iterable[tuple[str, float]]) -> str:
    """Land uses flattened for GIS tables, e.g. "ODT:60;CLN:40.5"."""
    return ";".join(f"{code}:{area:.1f}".removesuffix(".0") for code, area in land_uses)


def iso(day: date | None) -> str | None:
    """A date as YYYY-MM-DD, or None."""
    return None if day is None else day.isoformat()


def wkt(geometry: shapely.Geometry) -> str:
    """Geometry as WKT with millimetre precision."""
    return shapely.to_wkt(geometry, rounding_precision=3, trim=True)


def parcel_record(p: Parcel) -> dict:
    """A parcel as a JSON-ready dict (geometry as WKT)."""
    return {
        "key": p.key,
        "commune_code": p.commune_code,
        "sheet_number": p.sheet_number,
        "parcel_number": p.parcel_number,
        "geometry": wkt(p.geometry),
        "land_uses": [list(u) for u in p.land_uses],
        "registered_area": p.registered_area,
        "address": p.address,
        "land_use_form": p.land_use_form,
        "term_end": iso(p.term_end),
    }


def party_record(p: Party) -> dict:
    """A party as a JSON-ready dict."""
    return {
        "key": p.key,
        "kind": p.kind,
        "name": p.name,
        "members": list(p.members),
        "id_number": p.id_number,
        "birth_date": iso(p.birth_date),
        "gender": p.gender,
        "address": p.address,
    }


def right_record(r: Right) -> dict:
    """A right as a JSON-ready dict; holders as [party_key, numerator, denominator]."""
    return {
        "key": r.key,
        "parcel_key": r.parcel_key,
        "kind": r.kind,
        "holders": [list(h) for h in r.holders],
        "valid_from": iso(r.valid_from),
        "dossier_key": r.dossier_key,
    }


def certificate_record(c: Certificate) -> dict:
    """A certificate as a JSON-ready dict."""
    return {
        "serial": c.serial,
        "book_number": c.book_number,
        "issued": iso(c.issued),
        "parcel_keys": list(c.parcel_keys),
        "holder_keys": list(c.holder_keys),
        "dossier_key": c.dossier_key,
    }


def mortgage_record(m: Mortgage | None) -> dict | None:
    """A mortgage as a JSON-ready dict, or None."""
    if m is None:
        return None
    return {
        "key": m.key,
        "parcel_keys": list(m.parcel_keys),
        "creditor_key": m.creditor_key,
        "amount_vnd": m.amount_vnd,
        "valid_from": iso(m.valid_from),
        "dossier_key": m.dossier_key,
    }


def dossier_record(d: Dossier) -> dict:
    """A dossier with its full payload; every line carries every key."""
    return {
        "key": d.key,
        "number": d.number,
        "kind": d.kind,
        "received": iso(d.received),
        "decided": iso(d.decided),
        "parcel_keys": list(d.parcel_keys),
        "new_parcels": [parcel_record(p) for p in d.new_parcels],
        "retired_parcel_keys": list(d.retired_parcel_keys),
        "revised_parcels": [parcel_record(p) for p in d.revised_parcels],
        "new_rights": [right_record(r) for r in d.new_rights],
        "ended_right_keys": list(d.ended_right_keys),
        "certificates": [certificate_record(c) for c in d.certificates],
        "cancelled_serials": list(d.cancelled_serials),
        "mortgage": mortgage_record(d.mortgage),
        "released_mortgage_key": d.released_mortgage_key,
    }


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    """One compact JSON object per line, UTF-8, Vietnamese text unescaped."""
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")


def parcel_columns(parcels: list[Parcel]) -> tuple[list[np.ndarray], list[str]]:
    """Attribute columns of a parcels layer."""
    columns = {
        "key": [p.key for p in parcels],
        "commune_code": [p.commune_code for p in parcels],
        "sheet_number": np.array([p.sheet_number for p in parcels], dtype=np.int32),
        "parcel_number": np.array([p.parcel_number for p in parcels], dtype=np.int32),
        "land_uses": [land_uses_text(p.land_uses) for p in parcels],
        "registered_area": np.array([p.registered_area for p in parcels], dtype=np.float64),
        "address": [p.address for p in parcels],
        "land_use_form": [p.land_use_form for p in parcels],
        "term_end": [iso(p.term_end) for p in parcels],
    }
    return (
        [np.asarray(v, dtype=object) if isinstance(v, list) else v for v in columns.values()],
        list(columns),
    )


def write_geopackage_layer(
    path: Path, layer: str, geometries: list, columns: list, names: list[str]
) -> None:
    """One polygon layer in EPSG:5897 with a spatial index."""
    wkb = shapely.to_wkb(np.asarray(geometries, dtype=object))
    write_layer(
        str(path),
        wkb,
        columns,
        fields=names,
        geometry_type="Polygon",
        crs=CRS,
        driver="GPKG",
        layer=layer,
        encoding="UTF-8",
    )


def write_geopackage(ward: Ward, path: Path) -> None:
    """communes, sheets, parcels (first registration) and parcels_current layers."""
    if path.exists():
        path.unlink()
    communes = ward.communes
    write_geopackage_layer(
        path,
        "communes",
        [c.boundary for c in communes],
        [
            np.array([c.code for c in communes], dtype=object),
            np.array([c.name for c in communes], dtype=object),
            np.array([c.province_code for c in communes], dtype=object),
        ],
        ["code", "name", "province_code"],
    )
    sheets = ward.sheets
    write_geopackage_layer(
        path,
        "sheets",
        [s.footprint for s in sheets],
        [
            np.array([s.commune_code for s in sheets], dtype=object),
            np.array([s.number for s in sheets], dtype=np.int32),
            np.array([s.scale for s in sheets], dtype=np.int32),
        ],
        ["commune_code", "number", "scale"],
    )
    for layer, parcels in (("parcels", ward.parcels), ("parcels_current", current_parcels(ward))):
        columns, names = parcel_columns(parcels)
        write_geopackage_layer(path, layer, [p.geometry for p in parcels], columns, names)


def write(ward: Ward, out_dir: str | Path) -> list[Path]:
    """Write ward.gpkg and the JSON Lines files into out_dir; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    try:
        write_geopackage(ward, out / GEOPACKAGE)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    sources = (
        (party_record, ward.parties),
        (right_record, ward.rights),
        (certificate_record, ward.certificates),
        (dossier_record, ward.dossiers),
    )
    for name, (to_record, items) in zip(JSONL_FILES, sources, strict=True):
        write_jsonl(out / name, map(to_record, items))
    return [out / GEOPACKAGE] + [out / name for name in JSONL_FILES]
