"""The OGC API – Features application, mounted by the web view under /ogc
(cadastre.web.app.create_app). Its own small Starlette app, so its answers (GeoJSON, OGC
exceptions) never take the look-up pages' error rendering; it shares the web view's
connections, middleware (security headers, rate limit, gzip, HEAD) and style sheet."""

from __future__ import annotations

import datetime as dt
import json
import logging
from importlib import resources
from typing import Any

import asyncpg
from fastapi.templating import Jinja2Templates
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cadastre.web.db import DatabaseUnavailableError
from cadastre.web.ogc import documents as docs
from cadastre.web.ogc import tiles
from cadastre.web.ogc.collections import (
    COLLECTIONS,
    COMMUNES,
    LAND_USE_CODES,
    PARCELS,
    Collection,
    commune_properties,
    feature,
    land_use_properties,
    lineage,
    parcel_properties,
    sheet_properties,
)
from cadastre.web.ogc.crs import Crs, offered
from cadastre.web.ogc.openapi import definition
from cadastre.web.ogc.query import (
    OgcError,
    invalid,
    one,
    read_bbox,
    read_codes,
    read_crs,
    read_cursor,
    read_datetime,
    read_limit,
    read_offset,
    read_status,
    reject_unknown,
)
from cadastre.web.ogc.store import OgcStore, ParcelFilter
from cadastre.web.routes.params import encoded_response

log = logging.getLogger(__name__)
TEMPLATES = Jinja2Templates(directory=str(resources.files("cadastre.web.ogc") / "templates"))
CACHE_CONTROL = "public, max-age=30"


def _params(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise invalid(name, "có ký tự điều khiển", "contains a control character")
        found.setdefault(name, []).append(value)
    return found


def _wants_html(request: Request, params: dict[str, list[str]]) -> bool:
    """`f=html|json`, else the Accept header: HTML only when asked before any JSON."""
    f = one(params, "f")
    if f is not None:
        if f not in ("json", "html", "geojson"):
            raise invalid("f", "phải là json hoặc html", "must be json or html")
        return f == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "json" not in accept.split("text/html")[0]


def _lang(request: Request, params: dict[str, list[str]]) -> str:
    lang = one(params, "lang") or request.cookies.get("lang")
    return "en" if lang == "en" else "vi"


def _base(request: Request) -> str:
    """The API's own URL, ending with / (http://host/ogc/): the mount is in root_path."""
    root = request.scope.get("root_path", "").rstrip("/")
    return str(request.url.replace(path=root + "/", query="", fragment=""))


def site_root(base: str) -> str:
    """The web view's URL above the API's (its parcel pages live there)."""
    return base.rstrip("/").rsplit("/", 1)[0] + "/"


def _json(body: str | dict[str, Any], media: str, crs: Crs | None = None) -> Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    headers = {"cache-control": CACHE_CONTROL}
    if crs is not None:
        headers["content-crs"] = crs.header()
    return Response(text, media_type=media, headers=headers)


def _html(request: Request, kind: str, context: dict[str, Any],
          crs: Crs | None = None) -> Response:
    parent = request.app.state.parent
    base = _base(request)
    context = {"kind": kind, "lang": _lang(request, _params(request)), "base": base,
               "root": site_root(base),
               "asset": parent.state.templates.env.globals["asset"], **context}
    response = TEMPLATES.TemplateResponse(request, "ogc.html", context)
    response.headers["cache-control"] = CACHE_CONTROL
    if crs is not None:
        response.headers["content-crs"] = crs.header()
    return response


def _store(request: Request) -> OgcStore:
    app = request.app
    if getattr(app.state, "store", None) is None or app.state.store.db is not \
            app.state.parent.state.register.db:
        app.state.store = OgcStore(app.state.parent.state.register.db)
    return app.state.store


async def _crs_choices(request: Request) -> tuple[list[Crs], Crs]:
    srid = await _store(request).register_srid()
    choices = offered(srid)
    storage = next(c for c in choices if c.srid == srid and not c.flip)
    return choices, storage


def _collection(request: Request) -> Collection:
    found = COLLECTIONS.get(request.path_params["collection"])
    if found is None:
        raise OgcError(404, "NotFound",
                       f"Không có bộ dữ liệu `{request.path_params['collection']}`",
                       f"No collection `{request.path_params['collection']}`")
    return found


# --- routes ---------------------------------------------------------------------------------


async def landing(request: Request) -> Response:
    params = _params(request)
    reject_unknown(params, ())
    body = docs.landing(_base(request))
    if _wants_html(request, params):
        return _html(request, "landing", {"doc": body})
    return _json(body, docs.JSON)


async def conformance(request: Request) -> Response:
    params = _params(request)
    reject_unknown(params, ())
    body = docs.conformance()
    if _wants_html(request, params):
        return _html(request, "conformance", {"doc": body})
    return _json(body, docs.JSON)


async def api(request: Request) -> Response:
    params = _params(request)
    reject_unknown(params, ())
    choices, _ = await _crs_choices(request)
    body = definition(_base(request), choices)
    if _wants_html(request, params):
        return _html(request, "api", {"doc": body})
    return _json(body, docs.OPENAPI)


async def _extents(request: Request) -> dict[str, dict[str, Any]]:
    row = await _store(request).parcel_extent()
    if row is None:
        return {}
    return {PARCELS: docs.parcel_extent(row["west"], row["south"], row["east"], row["north"],
                                        row["first_recorded"])}


async def collections(request: Request) -> Response:
    params = _params(request)
    reject_unknown(params, ())
    choices, storage = await _crs_choices(request)
    body = docs.collections(_base(request), choices, storage, await _extents(request))
    if _wants_html(request, params):
        return _html(request, "collections", {"doc": body})
    return _json(body, docs.JSON)


async def collection(request: Request) -> Response:
    params = _params(request)
    reject_unknown(params, ())
    c = _collection(request)
    choices, storage = await _crs_choices(request)
    body = docs.collection(_base(request), c, choices, storage,
                           (await _extents(request)).get(c.id))
    if _wants_html(request, params):
        return _html(request, "collection", {"doc": body, "collection": c})
    return _json(body, docs.JSON)


def _parcel_filter(params: dict[str, list[str]], bbox_crs: Crs,
                   parcel_id: int | None = None) -> ParcelFilter:
    return ParcelFilter(
        when=read_datetime(one(params, "datetime"), dt.datetime.now(dt.UTC)),
        bbox=read_bbox(one(params, "bbox"), bbox_crs),
        communes=read_codes("commune_code", params.get("commune_code", [])),
        land_uses=read_codes("land_use", params.get("land_use", []), upper=True),
        statuses=read_status(one(params, "status")) if parcel_id is None or "status" in params
        else None,
        parcel_id=parcel_id,
    )


def _parcel_feature(base: str, row: Any, with_links: bool) -> str:
    links = None
    if with_links:
        links = [docs.link(docs.url(base, f"collections/{PARCELS}/items/{pid}"), "related",
                           docs.GEOJSON, f"{relation.replace('_', ' ')} {ref}")
                 for pid, relation, ref in lineage(row)]
        links += [docs.link(docs.url(base, f"collections/{PARCELS}"), "collection", docs.JSON,
                            "Parcels"),
                  docs.link(site_root(base) + "thua/" + row["ref"], "describedby", docs.HTML,
                            "Trang thửa đất / Parcel page")]
    return feature(row["id"], row["geometry"], parcel_properties(row), links)


async def _parcel_page(request: Request, params: dict[str, list[str]], crs: Crs,
                       bbox_crs: Crs, limit: int) -> tuple[list[str], dict[str, Any]]:
    store = _store(request)
    f = _parcel_filter(params, bbox_crs)
    after = read_cursor(one(params, "after"))
    rows = await store.parcels(f, crs, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    extra: dict[str, Any] = {}
    if after is None:
        extra["numberMatched"] = await store.parcel_count(f)
    nxt = None
    if more:
        nxt = {"after": f"{rows[-1]['id']}.{rows[-1]['version']}"}
    base = _base(request)
    return [_parcel_feature(base, r, False) for r in rows], {"next": nxt, **extra}


async def _small_features(request: Request, c: Collection, params: dict[str, list[str]],
                          crs: Crs, bbox_crs: Crs) -> list[tuple[str, str]]:
    """Every feature of a small collection that the filters keep: (id as text, feature)."""
    store = _store(request)
    if c.id == LAND_USE_CODES:
        return [(r["code"], feature(r["code"], None, land_use_properties(r)))
                for r in await store.land_use_codes()]
    bbox = read_bbox(one(params, "bbox"), bbox_crs)
    if c.id == COMMUNES:
        return [(r["code"], feature(r["code"], r["geometry"], commune_properties(r)))
                for r in await store.communes(bbox, crs)]
    communes = read_codes("commune_code", params.get("commune_code", []))
    return [(str(r["id"]), feature(r["id"], r["geometry"], sheet_properties(r)))
            for r in await store.map_sheets(bbox, communes, crs)]


async def _small_page(request: Request, c: Collection, params: dict[str, list[str]], crs: Crs,
                      bbox_crs: Crs, limit: int) -> tuple[list[str], dict[str, Any]]:
    """A page of a small collection (read whole, a few thousand at most), by `offset`."""
    offset = read_offset(one(params, "offset"))
    features = [f for _, f in await _small_features(request, c, params, crs, bbox_crs)]
    page = features[offset:offset + limit]
    nxt = {"offset": offset + limit} if offset + limit < len(features) else None
    return page, {"next": nxt, "numberMatched": len(features)}


async def items(request: Request) -> Response:
    params = _params(request)
    c = _collection(request)
    reject_unknown(params, c.parameters())
    choices, _ = await _crs_choices(request)
    crs = read_crs("crs", one(params, "crs"), choices)
    bbox_crs = read_crs("bbox-crs", one(params, "bbox-crs"), choices)
    limit = read_limit(one(params, "limit"))
    html = _wants_html(request, params)
    if c.id == PARCELS:
        features, paging = await _parcel_page(request, params, crs, bbox_crs, limit)
    else:
        features, paging = await _small_page(request, c, params, crs, bbox_crs, limit)
    base = _base(request)
    path = f"collections/{c.id}/items"
    kept = {k: v[-1] for k, v in params.items() if k not in ("f", "after", "offset")}
    current = {k: v[-1] for k, v in params.items() if k != "f"}
    links = [*docs.self_links(base, path, docs.GEOJSON, c.title, **current),
             docs.link(docs.url(base, f"collections/{c.id}"), "collection", docs.JSON, c.title)]
    if paging["next"] is not None:
        links.append(docs.link(docs.url(base, path, **kept, **paging["next"]), "next",
                               docs.GEOJSON, "Next page / Trang sau"))
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    head: dict[str, Any] = {"type": "FeatureCollection", "timeStamp": stamp}
    if "numberMatched" in paging:
        head["numberMatched"] = paging["numberMatched"]
    head["numberReturned"] = len(features)
    head["links"] = links
    if html:
        return _html(request, "items", {
            "collection": c, "links": links, "head": head,
            "features": [json.loads(f) for f in features]}, crs if c.spatial else None)
    body = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",".join(features) + "]}"
    return _json(body, docs.GEOJSON, crs if c.spatial else None)


async def item(request: Request) -> Response:
    params = _params(request)
    c = _collection(request)
    allowed = [p for p in ("crs", "datetime", "status") if p in c.parameters()]
    reject_unknown(params, allowed)
    choices, _ = await _crs_choices(request)
    crs = read_crs("crs", one(params, "crs"), choices)
    raw_id = request.path_params["feature"]
    base = _base(request)
    found: str | None = None
    if c.id == PARCELS:
        if raw_id.isdigit() and len(raw_id) <= 18:
            f = _parcel_filter(params, choices[0], parcel_id=int(raw_id))
            if f.when.interval:
                raise invalid("datetime", "một đối tượng chỉ nhận một thời điểm",
                              "an item is one version: give an instant, not an interval")
            rows = await _store(request).parcels(f, crs, None, 1)
            found = _parcel_feature(base, rows[0], True) if rows else None
    else:
        found = next((f for key, f in await _small_features(request, c, {}, crs, choices[0])
                      if key == raw_id), None)
    if found is None:
        raise OgcError(404, "NotFound", f"Không có đối tượng `{raw_id}` trong `{c.id}`",
                       f"No feature `{raw_id}` in `{c.id}`")
    path = f"collections/{c.id}/items/{raw_id}"
    current = {k: v[-1] for k, v in params.items() if k != "f"}
    if _wants_html(request, params):
        return _html(request, "item", {"collection": c, "feature": json.loads(found),
                                       "links": docs.self_links(base, path, docs.GEOJSON,
                                                                c.title, **current)},
                     crs if c.spatial else None)
    doc = json.loads(found)
    doc["links"] = [*docs.self_links(base, path, docs.GEOJSON, c.title, **current),
                    docs.link(docs.url(base, f"collections/{c.id}"), "collection", docs.JSON,
                              c.title), *doc.get("links", [])]
    return _json(doc, docs.GEOJSON, crs if c.spatial else None)


async def tilesets(request: Request) -> Response:
    reject_unknown(_params(request), ())
    return _json(tiles.tilesets(_base(request)), docs.JSON)


async def tileset(request: Request) -> Response:
    reject_unknown(_params(request), ())
    _matrix_set(request)
    return _json(tiles.tileset(_base(request)), docs.JSON)


async def matrix_sets(request: Request) -> Response:
    reject_unknown(_params(request), ())
    return _json(tiles.matrix_sets(_base(request)), docs.JSON)


async def matrix_set(request: Request) -> Response:
    reject_unknown(_params(request), ())
    _matrix_set(request)
    return _json(tiles.matrix_set(), docs.JSON)


def _matrix_set(request: Request) -> None:
    if request.path_params["matrix_set"] != tiles.MATRIX_SET:
        raise OgcError(404, "NotFound", f"Chỉ có lưới {tiles.MATRIX_SET}",
                       f"The only tile matrix set is {tiles.MATRIX_SET}")


async def tile(request: Request) -> Response:
    """A vector tile, the same (and from the same cache) as /tiles/{z}/{x}/{y}.pbf."""
    reject_unknown(_params(request), ())
    _matrix_set(request)
    z, row, col = (request.path_params[k] for k in ("z", "row", "col"))
    if not tiles.in_matrix(z, row, col):
        raise OgcError(404, "NotFound", f"Không có ô {z}/{row}/{col}",
                       f"No tile {z}/{row}/{col} in {tiles.MATRIX_SET}")
    parent = request.app.state.parent
    found = await parent.state.register.tile(z, col, row)
    return encoded_response(request, found, tiles.MVT,
                            f"public, max-age={parent.state.settings.tile_max_age}")


# --- errors ---------------------------------------------------------------------------------


def _exception(status: int, code: str, vi: str, en: str,
               headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "description": f"{vi} / {en}", "description_vi": vi,
                         "description_en": en, "status": status},
                        status_code=status, headers=headers)


async def _ogc_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OgcError)
    return _exception(exc.status, exc.code, exc.vi, exc.en)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _exception(404, "NotFound", "Không có trang này", "No such resource")
    if exc.status_code == 405:
        return _exception(405, "MethodNotAllowed", "Chỉ nhận GET", "Only GET is allowed",
                          headers={"Allow": "GET, HEAD"})
    return _exception(exc.status_code, "Error", str(exc.detail), str(exc.detail))


async def _database_error(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "sqlstate", None) or ""
    if code.startswith("22"):  # a data exception: the input, not the server
        log.info("data exception on %s: %s", request.url.path, exc)
        return _exception(400, "InvalidParameterValue", "Dữ liệu nhập không hợp lệ",
                          "Invalid input")
    log.warning("database error on %s: %s", request.url.path, exc)
    return _exception(503, "ServiceUnavailable", "Máy chủ đang bận, hãy thử lại sau",
                      "The server is busy, try again later", headers={"Retry-After": "5"})


def create_app(parent: Any) -> Starlette:
    """The OGC API over the parent web view's register (its connections and style sheet)."""
    routes = [
        Route("/", landing, methods=["GET"]),
        Route("/conformance", conformance, methods=["GET"]),
        Route("/api", api, methods=["GET"]),
        Route("/collections", collections, methods=["GET"]),
        Route("/collections/{collection}", collection, methods=["GET"]),
        Route("/collections/{collection}/items", items, methods=["GET"]),
        Route("/collections/{collection}/items/{feature}", item, methods=["GET"]),
        Route("/tiles", tilesets, methods=["GET"]),
        Route("/tiles/{matrix_set}", tileset, methods=["GET"]),
        Route("/tiles/{matrix_set}/{z:int}/{row:int}/{col:int}", tile, methods=["GET"]),
        Route("/tileMatrixSets", matrix_sets, methods=["GET"]),
        Route("/tileMatrixSets/{matrix_set}", matrix_set, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={
        OgcError: _ogc_error,
        HTTPException: _http_error,
        asyncpg.PostgresError: _database_error,
        DatabaseUnavailableError: _database_error,
    })
    app.state.parent = parent
    app.state.store = None
    return app
