"""Pages for people: the home page (forms and map), the parcel page, search results, the
certificate page. Server-rendered, in Vietnamese with an English switch (?lang=en)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cadastre.web.errors import WebError
from cadastre.web.i18n import STATUS_LABELS, label, land_use_name, map_locale, text
from cadastre.web.routes.params import (
    MAX_PARCEL_NUMBER,
    SERIAL,
    SHEET,
    CommuneCode,
    Lang,
    Number,
    Serial,
    Sheet,
    page_language,
    public_register,
    reject_control_characters,
)

router = APIRouter(include_in_schema=False,
                   dependencies=[Depends(reject_control_characters)])
COOKIE_MAX_AGE = 365 * 24 * 3600
PAGE_CACHE_CONTROL = "private, max-age=30"
SEARCH_PAGE_SIZE = 50


def _page(request: Request, template: str, lang: str, context: dict[str, Any],
          status_code: int = 200) -> Response:
    response = request.app.state.templates.TemplateResponse(
        request, template, {"lang": lang, **context}, status_code=status_code
    )
    # Short: a page shows the register as it is now, in the language of the cookie.
    response.headers["cache-control"] = PAGE_CACHE_CONTROL
    response.headers["vary"] = "Accept-Encoding, Cookie"
    if request.query_params.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)
    return response


async def _map_context(request: Request, lang: str) -> dict[str, Any]:
    """What the map script needs: its labels (statuses, land-use names by code) and MapLibre's
    locale in the page's language, and the office's base map if one is set."""
    labels: dict[str, Any] = {code: label(STATUS_LABELS, code, lang) for code in STATUS_LABELS}
    names = await public_register(request).land_use_names()
    labels.update(view_parcel=text("view_parcel", lang), point_outside=text("point_outside", lang),
                  land_use=text("land_uses", lang),
                  land_uses={code: land_use_name(code, name, lang) for code, name in names.items()})
    settings = request.app.state.settings
    basemap = None
    if settings.basemap_tiles:
        basemap = {"tiles": settings.basemap_tiles, "attribution": settings.basemap_attribution,
                   "maxzoom": settings.basemap_max_zoom}
    return {"map_labels": labels, "map_locale": map_locale(lang), "basemap": basemap}


async def _map_bbox(request: Request) -> list[float] | None:
    communes = await public_register(request).communes()
    boxes = [c["bbox"] for c in communes if c["bbox"] and c["in_force"]]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, lang: Lang = None) -> Response:
    """The look-up forms and the map."""
    lang = page_language(request, lang)
    communes = [c for c in await public_register(request).communes() if c["in_force"]]
    return _page(request, "home.html", lang, {
        "communes": communes, "map_bbox": await _map_bbox(request), "highlight": None,
        **await _map_context(request, lang),
    })


@router.get("/thua/{commune}/{sheet}/{number}", response_class=HTMLResponse)
async def parcel_page(request: Request, commune: CommuneCode, sheet: Sheet, number: Number,
                      lang: Lang = None) -> Response:
    """Everything public about a parcel, its status first."""
    lang = page_language(request, lang)
    answer = await public_register(request).parcel(commune, sheet, number)
    document = answer.document
    return _page(request, "parcel.html", lang, {
        "p": document, "map_bbox": document["location"]["bbox"],
        "highlight": document["ref"] if document["status"] == "current" else None,
        **await _map_context(request, lang),
    })


@router.get("/giay-chung-nhan/{serial}", response_class=HTMLResponse)
async def certificate_page(request: Request, serial: Serial, lang: Lang = None) -> Response:
    """A certificate and the parcels it covers."""
    lang = page_language(request, lang)
    found = await public_register(request).certificate(serial.upper())
    return _page(request, "certificate.html", lang, {"c": found})


@router.get("/tim", response_class=HTMLResponse)
async def search(
    request: Request,
    lang: Lang = None,
    commune: Annotated[str | None, Query(max_length=100)] = None,
    sheet: Annotated[str | None, Query(pattern=SHEET, max_length=16)] = None,
    number: Annotated[int | None, Query(ge=1, le=MAX_PARCEL_NUMBER)] = None,
    serial: Annotated[str | None, Query(pattern=SERIAL, max_length=8)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The forms' target: a parcel or certificate opens its page; an address lists parcels."""
    lang = page_language(request, lang)
    register = public_register(request)
    if commune and sheet and number:
        code = await register.resolve_commune(commune)
        await register.parcel(code, sheet, number)  # 404 here, not after a redirect
        return RedirectResponse(f"/thua/{code}/{sheet}/{number}?lang={lang}", status_code=303)
    if serial:
        found = await register.certificate(serial.upper())
        return RedirectResponse(f"/giay-chung-nhan/{found['serial']}?lang={lang}",
                                status_code=303)
    if q and q.strip():
        hits, more = await register.search(q, SEARCH_PAGE_SIZE)
        return _page(request, "results.html", lang, {"q": q, "hits": hits, "more": more})
    raise WebError(422, "bad_input")
