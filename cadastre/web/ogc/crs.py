"""The coordinate reference systems the OGC API offers (Part 2, CRS by reference): CRS84,
EPSG:4326, the register's VN-2000 TM-3 and Web Mercator, named by their OGC URIs.

Axis order follows each CRS's definition, as OGC API – Features Part 2 requires: CRS84 is
longitude, latitude; EPSG:4326 is latitude, longitude; the VN-2000 TM-3 zones (EPSG:5897,
9210, 5899 …) are easting, northing, and so is EPSG:3857 — pyproj's `axis_info` decides, so
the rule is read from the EPSG definition, not written here. Pure: no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pyproj import CRS

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{code}"
WEB_MERCATOR = 3857
WGS84 = 4326
_URI = re.compile(
    r"^(?:https?://www\.opengis\.net/def/crs/(?P<auth>EPSG|OGC)/[0-9.]+/(?P<code>[A-Za-z0-9]+)"
    r"|\[?(?P<cauth>EPSG|OGC):(?P<ccode>[A-Za-z0-9]+)\]?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Crs:
    """One offered CRS: its URI, the SRID PostGIS computes in, whether the first axis is
    northing/latitude (coordinates are then swapped from PostGIS's x, y) and how many
    decimals a coordinate keeps (1 cm or better)."""

    uri: str
    srid: int
    flip: bool
    decimals: int
    title: str

    def header(self) -> str:
        """The Content-Crs header value."""
        return f"<{self.uri}>"


@cache
def _describe(authority: str, code: str) -> tuple[bool, bool, str]:
    crs = CRS.from_user_input(f"{authority}:{code}")
    first = crs.axis_info[0]
    return first.direction.lower() in ("north", "south"), crs.is_geographic, crs.name


def _make(uri: str, authority: str, code: str, srid: int) -> Crs:
    flip, geographic, name = _describe(authority, code)
    return Crs(uri, srid, flip, 7 if geographic else 3, name)


def offered(register_srid: int) -> list[Crs]:
    """The CRSs every collection offers, CRS84 (the default) first, then the register's own."""
    found = [_make(CRS84, "OGC", "CRS84", WGS84)]
    for srid in (register_srid, WGS84, WEB_MERCATOR):
        uri = EPSG_URI.format(code=srid)
        if all(c.uri != uri for c in found):
            found.append(_make(uri, "EPSG", str(srid), srid))
    return found


def normalise(value: str) -> str | None:
    """The OGC URI of a CRS given as a URI or a (safe) CURIE, or None when it is neither."""
    found = _URI.match(value.strip())
    if not found:
        return None
    authority = (found.group("auth") or found.group("cauth")).upper()
    code = (found.group("code") or found.group("ccode")).upper()
    if authority == "OGC":
        return CRS84 if code == "CRS84" else None
    return EPSG_URI.format(code=code) if code.isdigit() else None


def find(value: str | None, choices: list[Crs]) -> Crs | None:
    """The offered CRS a parameter names (None: the parameter names none of them)."""
    if value is None:
        return choices[0]
    uri = normalise(value)
    return next((c for c in choices if c.uri == uri), None)
