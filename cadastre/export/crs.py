"""Target coordinate reference systems of an export: names → EPSG codes (pure)."""

from __future__ import annotations

import re

import pyproj

from cadastre.errors import CadastreError

WGS84 = 4326
VN2000_UTM = {48: 3405, 49: 3406}  # VN-2000 / UTM zone 48N (102–108°E), 49N (108–114°E)
_EPSG = re.compile(r"^(?:EPSG:)?([0-9]{4,6})$", re.IGNORECASE)


def utm_zone(central_meridian: float) -> int:
    """The UTM zone holding a meridian (zone 48 spans 102–108°E)."""
    return int((central_meridian + 180) // 6) + 1


def target_srid(choice: str, province_srid: int, central_meridian: float) -> int:
    """EPSG code for --crs: tm3 (the province's VN-2000 TM-3), utm, wgs84 or EPSG:n."""
    name = choice.strip().lower()
    if name in ("tm3", "vn2000", "vn2000-tm3"):
        return province_srid
    if name in ("utm", "vn2000-utm"):
        zone = utm_zone(central_meridian)
        if zone not in VN2000_UTM:
            raise CadastreError(f"--crs utm: no VN-2000 UTM zone for meridian {central_meridian}")
        return VN2000_UTM[zone]
    if name in ("wgs84", "wgs 84", "epsg:4326"):
        return WGS84
    match = _EPSG.match(choice.strip())
    if not match:
        raise CadastreError(
            f"--crs {choice}: not a known CRS name", hint="Use tm3, utm, wgs84 or EPSG:<code>."
        )
    return int(match.group(1))


def esri_wkt(srid: int) -> str:
    """The ESRI WKT of an EPSG CRS: what a .prj holds for QGIS and ArcGIS alike."""
    return pyproj.CRS.from_epsg(srid).to_wkt(pyproj.enums.WktVersion.WKT1_ESRI)
