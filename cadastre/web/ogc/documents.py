"""The OGC API's JSON documents other than features: landing page, conformance, collections,
and the links between them (pure: the base URL is given)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadastre.web.ogc.collections import COLLECTIONS, COMMUNES, PARCELS, Collection
from cadastre.web.ogc.crs import CRS84, Crs
from cadastre.web.ogc.links import GEOJSON, HTML, JSON, OPENAPI, link, url
from cadastre.web.ogc.tiles import REL, TILES_CONFORMANCE

FEATURES = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
CONFORMANCE = [
    FEATURES + "core",
    FEATURES + "geojson",
    FEATURES + "html",
    FEATURES + "oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    *TILES_CONFORMANCE,
]
TITLE = "Sổ địa chính công khai — OGC API Features / Public land register — OGC API Features"


def self_links(base: str, path: str, json_media: str, title: str,
               **params: Any) -> list[dict[str, str]]:
    """`self` in JSON and the `alternate` HTML (or the reverse for an HTML answer)."""
    return [link(url(base, path, f="json", **params), "self", json_media, title),
            link(url(base, path, f="html", **params), "alternate", HTML, title + " (HTML)")]


def landing(base: str) -> dict[str, Any]:
    return {
        "title": TITLE,
        "description": "Thửa đất, xã phường, tờ bản đồ và mã mục đích sử dụng đất của sổ địa "
                       "chính — chỉ thông tin công khai, kèm lịch sử qua `datetime`. / Parcels, "
                       "communes, map sheets and land-use codes of the land register — public "
                       "facts only, with its history through `datetime`.",
        "links": [
            *self_links(base, "", JSON, "Landing page"),
            link(url(base, "api"), "service-desc", OPENAPI, "OpenAPI 3.0 definition"),
            link(url(base, "api", f="html"), "service-doc", HTML, "API documentation"),
            link(url(base, "conformance"), "conformance", JSON, "Conformance classes"),
            link(url(base, "collections"), "data", JSON, "Collections"),
            link(url(base, "tiles"), REL + "tilesets-vector", JSON, "Vector tiles"),
            link(url(base, "tileMatrixSets"), REL + "tiling-schemes", JSON,
                 "Tile matrix sets"),
        ],
    }


def conformance() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


def collection(base: str, c: Collection, offered: list[Crs], storage: Crs,
               extent: dict[str, Any] | None) -> dict[str, Any]:
    """A collection's description, with its CRSs (Part 2) and extent."""
    items = f"collections/{c.id}/items"
    found: dict[str, Any] = {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": c.item_type,
        "links": [
            *self_links(base, f"collections/{c.id}", JSON, c.title),
            link(url(base, items, f="json"), "items", GEOJSON, c.title),
            link(url(base, items, f="html"), "items", HTML, c.title + " (HTML)"),
        ],
    }
    if c.id in (PARCELS, COMMUNES):  # both are layers of the map's vector tiles
        found["links"].append(link(url(base, "tiles"), REL + "tilesets-vector", JSON,
                                   "Vector tiles"))
    if c.spatial:
        found["crs"] = [x.uri for x in offered]
        found["storageCrs"] = storage.uri
    if extent:
        found["extent"] = extent
    return found


def parcel_extent(west: float | None, south: float | None, east: float | None,
                  north: float | None, first: dt.datetime | None) -> dict[str, Any]:
    """The parcels' extent: spatial in CRS84, temporal from the first recorded version."""
    found: dict[str, Any] = {}
    if west is not None:
        found["spatial"] = {"bbox": [[west, south, east, north]], "crs": CRS84}
    start = first.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if first else None
    found["temporal"] = {"interval": [[start, None]],
                         "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return found


def collections(base: str, offered: list[Crs], storage: Crs,
                extents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "links": self_links(base, "collections", JSON, "Collections"),
        "crs": [x.uri for x in offered],
        "collections": [collection(base, c, offered, storage, extents.get(c.id))
                        for c in COLLECTIONS.values()],
    }


