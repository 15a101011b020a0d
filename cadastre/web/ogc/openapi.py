"""The OGC API's OpenAPI 3.0 definition (conformance class oas30), written from the
collections' own description so the document and the routes cannot disagree (pure)."""

from __future__ import annotations

from typing import Any

from cadastre import __version__
from cadastre.web.ogc.collections import COLLECTIONS, Collection
from cadastre.web.ogc.crs import Crs
from cadastre.web.ogc.query import DEFAULT_LIMIT, MAX_LIMIT

_FORMAT = {"name": "f", "in": "query", "required": False,
           "description": "json (default for programs) or html",
           "schema": {"type": "string", "enum": ["json", "html"]}}
_EXCEPTION = {"description": "An exception: code, description (Vietnamese / English)",
              "content": {"application/json": {"schema": {"$ref":
                                                          "#/components/schemas/exception"}}}}


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **extra}


def _parameters(c: Collection, offered: list[Crs]) -> list[dict[str, Any]]:
    uris = [x.uri for x in offered]
    known: dict[str, dict[str, Any]] = {
        "limit": _query("limit", "Features per page", {"type": "integer", "minimum": 1,
                                                        "maximum": MAX_LIMIT,
                                                        "default": DEFAULT_LIMIT}),
        "after": _query("after", "Cursor of the `next` link (id.version)", {"type": "string"}),
        "offset": _query("offset", "Features to skip (the `next` link sets it)",
                         {"type": "integer", "minimum": 0, "default": 0}),
        "bbox": _query("bbox", "Lower corner, upper corner, in the axis order of bbox-crs",
                       {"type": "array", "minItems": 4, "maxItems": 6,
                        "items": {"type": "number"}}, style="form", explode=False),
        "bbox-crs": _query("bbox-crs", "CRS of bbox (default CRS84)",
                           {"type": "string", "format": "uri", "enum": uris}),
        "crs": _query("crs", "CRS of the answer's geometries (default CRS84)",
                      {"type": "string", "format": "uri", "enum": uris}),
        "datetime": _query("datetime", "An instant (the register as it stood then; a date "
                           "alone: end of that day, UTC) or an interval start/end (`..` open): "
                           "every version in force during it", {"type": "string"}),
        "commune_code": _query("commune_code", "Commune code(s), comma-separated",
                               {"type": "string"}),
        "land_use": _query("land_use", "Land-use code(s): parcels with a purpose of that code "
                           "or under it (NNP: all agricultural)", {"type": "string"}),
        "status": _query("status", "current (default), retired or all",
                         {"type": "string", "enum": ["current", "retired", "all"]}),
    }
    return [known[name] for name in c.parameters()] + [_FORMAT]


def _feature_schema(c: Collection) -> dict[str, Any]:
    return {"type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"type": {"type": "string", "enum": ["Feature"]},
                           "id": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                           "geometry": {"type": "object", "nullable": True},
                           "properties": {"type": "object", "properties": {
                               p.name: p.schema() for p in c.properties}}}}


def _path_parameter(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": kind}}


def _tile_paths() -> dict[str, Any]:
    """OGC API – Tiles: the tilesets, the tileset, a tile and the tile matrix sets."""
    json_ok = {"description": "OK", "content": {"application/json": {}}}
    matrix_set = _path_parameter("tileMatrixSetId", "WebMercatorQuad")
    return {
        "/tiles": {"get": {"summary": "Vector tilesets", "operationId": "getTileSetsList",
                           "responses": {"200": json_ok}}},
        "/tiles/{tileMatrixSetId}": {"get": {
            "summary": "The vector tileset (layers, URL template)", "operationId": "getTileSet",
            "parameters": [matrix_set], "responses": {"200": json_ok, "404": _EXCEPTION}}},
        "/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}": {"get": {
            "summary": "A vector tile", "operationId": "getTile",
            "parameters": [matrix_set,
                           _path_parameter("tileMatrix", "Zoom level 0–22", "integer"),
                           _path_parameter("tileRow", "Row, from the top", "integer"),
                           _path_parameter("tileCol", "Column, from the left", "integer")],
            "responses": {"200": {"description": "A Mapbox vector tile (may be empty)",
                                  "content": {"application/vnd.mapbox-vector-tile": {}}},
                          "404": _EXCEPTION}}},
        "/tileMatrixSets": {"get": {"summary": "Tile matrix sets",
                                    "operationId": "getTileMatrixSetsList",
                                    "responses": {"200": json_ok}}},
        "/tileMatrixSets/{tileMatrixSetId}": {"get": {
            "summary": "A tile matrix set's definition", "operationId": "getTileMatrixSet",
            "parameters": [matrix_set], "responses": {"200": json_ok, "404": _EXCEPTION}}},
    }


def definition(base: str, offered: list[Crs]) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document of the API mounted at `base`."""
    json_ok = {"description": "OK", "content": {"application/json": {}, "text/html": {}}}
    paths: dict[str, Any] = {
        "/": {"get": {"summary": "Landing page", "operationId": "getLandingPage",
                      "parameters": [_FORMAT], "responses": {"200": json_ok}}},
        "/conformance": {"get": {"summary": "Conformance classes",
                                 "operationId": "getConformance", "parameters": [_FORMAT],
                                 "responses": {"200": json_ok}}},
        "/api": {"get": {"summary": "This definition", "operationId": "getApi",
                         "responses": {"200": {"description": "OK", "content": {
                             "application/vnd.oai.openapi+json;version=3.0": {}}}}}},
        "/collections": {"get": {"summary": "Collections", "operationId": "getCollections",
                                 "parameters": [_FORMAT], "responses": {"200": json_ok}}},
    }
    schemas: dict[str, Any] = {"exception": {
        "type": "object", "required": ["code"],
        "properties": {"code": {"type": "string"}, "description": {"type": "string"},
                       "description_vi": {"type": "string"},
                       "description_en": {"type": "string"}}}}
    for c in COLLECTIONS.values():
        schemas[c.id] = _feature_schema(c)
        features = {"description": "Features", "headers": {
            "Content-Crs": {"description": "CRS of the geometries", "schema": {
                "type": "string"}}},
            "content": {"application/geo+json": {"schema": {
                "type": "object", "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array",
                                 "items": {"$ref": f"#/components/schemas/{c.id}"}},
                    "links": {"type": "array"}, "numberMatched": {"type": "integer"},
                    "numberReturned": {"type": "integer"},
                    "timeStamp": {"type": "string", "format": "date-time"}}}},
                "text/html": {}}}
        paths[f"/collections/{c.id}"] = {"get": {
            "summary": c.title, "operationId": f"describe-{c.id}", "parameters": [_FORMAT],
            "responses": {"200": json_ok, "404": _EXCEPTION}}}
        paths[f"/collections/{c.id}/items"] = {"get": {
            "summary": f"{c.title}: features", "operationId": f"get-{c.id}-features",
            "description": c.description, "parameters": _parameters(c, offered),
            "responses": {"200": features, "400": _EXCEPTION, "503": _EXCEPTION}}}
        item_parameters = [{"name": "featureId", "in": "path", "required": True,
                            "schema": {"type": "string"}}, _FORMAT]
        if c.spatial:
            item_parameters.append(_parameters(c, offered)[
                c.parameters().index("crs")])
        if c.temporal:
            item_parameters.append(_parameters(c, offered)[c.parameters().index("datetime")])
        paths[f"/collections/{c.id}/items/{{featureId}}"] = {"get": {
            "summary": f"{c.title}: one feature", "operationId": f"get-{c.id}-feature",
            "parameters": item_parameters,
            "responses": {"200": {"description": "A feature", "content": {
                "application/geo+json": {"schema": {"$ref": f"#/components/schemas/{c.id}"}},
                "text/html": {}}}, "400": _EXCEPTION, "404": _EXCEPTION}}}
    paths.update(_tile_paths())
    return {
        "openapi": "3.0.3",
        "info": {"title": "Public land register — OGC API Features", "version": __version__,
                 "description": "Public facts of the land register (never personal data), "
                                "with its history through `datetime`.",
                 "license": {"name": "GPL-3.0-or-later"}},
        "servers": [{"url": base.rstrip("/")}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
