"""OGC API – Tiles over the web view's vector tiles (/tiles/{z}/{x}/{y}.pbf): the tileset
list, the tileset's metadata with its URL template and layers, and the WebMercatorQuad tile
matrix set, so a client discovers the tiles it would otherwise have to be told about (pure)."""

from __future__ import annotations

from typing import Any

from cadastre.web.ogc.links import JSON, link, url

TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
TILES_CONFORMANCE = [TILES + c for c in ("core", "tileset", "tilesets-list",
                                         "dataset-tilesets", "tilematrixset", "mvt")]
MVT = "application/vnd.mapbox-vector-tile"
MATRIX_SET = "WebMercatorQuad"
MATRIX_SET_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
WEB_MERCATOR = "http://www.opengis.net/def/crs/EPSG/0/3857"
MAX_ZOOM = 22  # as cadastre.web.routes.tiles
PARCELS_FROM_ZOOM = 15  # the parcels layer starts there (public_register.parcel_tile)
REL = "http://www.opengis.net/def/rel/ogc/1.0/"
HALF = 20037508.3427892
TITLE = "Bản đồ thửa đất (tile vector) / Parcel map (vector tiles)"


def template(root: str) -> str:
    """The tiles' URL template, on the OGC API's own tile route."""
    return root + f"tiles/{MATRIX_SET}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"


def tilesets(base: str) -> dict[str, Any]:
    """/tiles: the one tileset."""
    return {
        "links": [link(url(base, "tiles"), "self", JSON, "Tilesets")],
        "tilesets": [{
            "title": TITLE, "dataType": "vector", "crs": WEB_MERCATOR,
            "tileMatrixSetURI": MATRIX_SET_URI,
            "links": [
                link(url(base, f"tiles/{MATRIX_SET}"), "self", JSON, TITLE),
                link(url(base, f"tileMatrixSets/{MATRIX_SET}"),
                     REL + "tiling-scheme", JSON, "WebMercatorQuad"),
            ],
        }],
    }


def tileset(base: str) -> dict[str, Any]:
    """/tiles/WebMercatorQuad: what the tiles hold and where they are."""
    item = link(template(base), "item", MVT, "Tile (Mapbox Vector Tile)") | {"templated": True}
    return {
        "title": TITLE,
        "description": "Layer `communes` at every zoom; from zoom 15 layer `parcels` with ref, "
                       "number, land_use, color and status — the web view's map tiles.",
        "dataType": "vector",
        "crs": WEB_MERCATOR,
        "tileMatrixSetURI": MATRIX_SET_URI,
        "links": [
            link(url(base, f"tiles/{MATRIX_SET}"), "self", JSON, TITLE),
            link(url(base, f"tileMatrixSets/{MATRIX_SET}"), REL + "tiling-scheme", JSON,
                 "WebMercatorQuad"),
            link(url(base, ""), REL + "dataset", JSON, "Landing page"),
            item,
        ],
        "tileMatrixSetLimits": [
            {"tileMatrix": str(z), "minTileRow": 0, "maxTileRow": (1 << z) - 1,
             "minTileCol": 0, "maxTileCol": (1 << z) - 1} for z in range(MAX_ZOOM + 1)],
        "layers": [
            {"id": "communes", "dataType": "vector", "geometryType": "polygons",
             "minTileMatrix": "0", "maxTileMatrix": str(MAX_ZOOM)},
            {"id": "parcels", "dataType": "vector", "geometryType": "polygons",
             "minTileMatrix": str(PARCELS_FROM_ZOOM), "maxTileMatrix": str(MAX_ZOOM),
             "propertiesSchema": {"type": "object", "properties": {
                 "ref": {"type": "string"}, "number": {"type": "integer"},
                 "land_use": {"type": "string"}, "color": {"type": "string"},
                 "status": {"type": "string"}}}},
        ],
    }


def matrix_sets(base: str) -> dict[str, Any]:
    return {"tileMatrixSets": [{
        "id": MATRIX_SET, "title": "Google Maps Compatible for the World", "uri": MATRIX_SET_URI,
        "links": [link(url(base, f"tileMatrixSets/{MATRIX_SET}"), "self", JSON, MATRIX_SET)],
    }]}


def matrix_set() -> dict[str, Any]:
    """The WebMercatorQuad definition (OGC Two Dimensional Tile Matrix Set 2.0)."""
    return {
        "id": MATRIX_SET, "title": "Google Maps Compatible for the World",
        "uri": MATRIX_SET_URI, "crs": WEB_MERCATOR, "orderedAxes": ["E", "N"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "tileMatrices": [{
            "id": str(z),
            "scaleDenominator": 559082264.028717 / 2 ** z,
            "cellSize": 2 * HALF / 256 / 2 ** z,
            "cornerOfOrigin": "topLeft",
            "pointOfOrigin": [-HALF, HALF],
            "tileWidth": 256, "tileHeight": 256,
            "matrixWidth": 2 ** z, "matrixHeight": 2 ** z,
        } for z in range(MAX_ZOOM + 1)],
    }


def in_matrix(z: int, row: int, col: int) -> bool:
    """Whether a tile exists in WebMercatorQuad."""
    return 0 <= z <= MAX_ZOOM and 0 <= row < 2 ** z and 0 <= col < 2 ** z
