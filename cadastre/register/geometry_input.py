"""Geometries as an officer gives them at a terminal: WKT or EWKT text, or a file any GDAL
driver reads (GeoJSON, GeoPackage, shapefile …) or a .wkt text file.

Everything comes back as hex EWKB carrying its SRID, for the operations to bring to the
register's CRS (cadastre.to_register_crs). Text without an SRID is in the register's own CRS.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyogrio
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from cadastre.errors import CadastreError

EWKT = re.compile(r"^\s*SRID=(?P<srid>[0-9]+)\s*;(?P<wkt>.*)$", re.DOTALL | re.IGNORECASE)
TEXT_SUFFIXES = {".wkt", ".txt"}
FILE_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".gml", ".csv"}


def srid_of(crs: str) -> int:
    """The EPSG code of a file's CRS; a CRS without one is refused with a hint."""
    epsg = CRS.from_user_input(crs).to_epsg()
    if epsg is None:
        raise CadastreError(f"The file's CRS ({crs}) has no EPSG code",
                            hint="Reproject the file to an EPSG CRS (e.g. with ogr2ogr -t_srs).")
    return epsg


def read_geometries(value: str, option: str, register_srid: int) -> list[str]:
    """The geometries `value` gives (a file's features in order, or one WKT), as hex EWKB."""
    path = _file(value, option)
    if path is None:
        return [parse_text(value, option, register_srid)]
    if path.suffix.lower() in TEXT_SUFFIXES:
        return [parse_text(path.read_text(encoding="utf-8"), f"{option} {path}", register_srid)]
    return _read_file(path, option)


def _file(value: str, option: str) -> Path | None:
    """The file `value` names, None when it is geometry text; a missing file is named."""
    path = Path(value)
    try:
        if path.is_file():
            return path
    except OSError:  # far too long for a file name: text
        return None
    if "(" not in value and path.suffix.lower() in TEXT_SUFFIXES | FILE_SUFFIXES:
        raise CadastreError(f"{option}: no file {path}",
                            hint="Give a file's path, or the geometry itself as WKT.")
    return None


def parse_text(text: str, where: str, register_srid: int) -> str:
    """One WKT or EWKT geometry as hex EWKB (no SRID: the register's CRS)."""
    match = EWKT.match(text)
    srid, wkt = (int(match["srid"]), match["wkt"]) if match else (register_srid, text)
    try:
        geometry = shapely.from_wkt(wkt.strip())
    except shapely.errors.GEOSException as exc:
        raise CadastreError(
            f"{where}: '{_shorten(text)}' is neither a file nor a WKT geometry ({exc})",
            hint="Write e.g. 'LINESTRING(586010 2325990, 586010 2326030)' in the register's "
            "CRS, 'SRID=4326;LINESTRING(…)' in another, or give a GeoJSON/GeoPackage file.",
        ) from exc
    return _ewkb(geometry, srid, where)


def _read_file(path: Path, option: str) -> list[str]:
    try:
        meta, _, geometries, _ = pyogrio.raw.read(str(path), columns=[])
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise CadastreError(
            f"{option}: {path} cannot be read ({exc})",
            hint="Give a file GDAL reads: GeoJSON, GeoPackage, shapefile …",
        ) from exc
    if not meta.get("crs"):
        raise CadastreError(f"{option}: {path} has no coordinate reference system",
                            hint="Give the file its CRS (.prj) so it is not guessed.")
    srid = srid_of(meta["crs"])
    found = [_ewkb(shapely.from_wkb(wkb), srid, f"{option} {path} feature {n}")
             for n, wkb in enumerate(geometries, start=1) if wkb is not None]
    if not found:
        raise CadastreError(f"{option}: {path} has no geometry",
                            hint="The file must hold at least one feature with a geometry.")
    return found


def _ewkb(geometry: BaseGeometry, srid: int, where: str) -> str:
    if geometry.is_empty:
        raise CadastreError(f"{where}: the geometry is empty", hint="Give one with coordinates.")
    return shapely.to_wkb(shapely.set_srid(geometry, srid), hex=True, include_srid=True)


def _shorten(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
