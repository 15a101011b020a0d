"""`cadastre serve --national`: the citizens' national look-up. It reads the national cluster
as its read-only web role: one small pool per province database, the provinces' freshness
from the control database. Pages and words are the province web view's (cadastre.web), its
map replaced by how fresh each province's data is."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from cadastre import __version__
from cadastre.national import i18n
from cadastre.national.cluster import NationalCluster
from cadastre.national.settings import NationalSettings
from cadastre.web import errors
from cadastre.web.assets import Assets
from cadastre.web.db import Database
from cadastre.web.errors import WebError
from cadastre.web.i18n import HOLDER_KINDS, STATUS_LABELS, label, land_use_name
from cadastre.web.middleware import Compress, HeadAsGet, RateLimit, SecurityHeaders
from cadastre.web.register import fold
from cadastre.web.routes import docs
from cadastre.web.routes.pages import _page  # the province view's page response
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
    reject_control_characters,
)

WEB = resources.files("cadastre.web")
HERE = resources.files("cadastre.national")
PROVINCE_CODE = r"^[0-9]{2}$"
ProvinceCode = Annotated[str, Path(pattern=PROVINCE_CODE, description="Province code, 2 digits",
                                   examples=["01"])]
QUALIFIED_COMMUNE = re.compile(r"^\s*(?:([0-9]{2})\s*[/:]\s*)?([0-9]{5})\s*$")
SEARCH_PAGE_SIZE = 50
CACHE_CONTROL = "public, max-age=30"

FEEDS_SQL = ("SELECT code, name, database, connected, last_contact_at, stale "
             "FROM national.feeds(make_interval(secs => $1))")
PARCEL_SQL = "SELECT national.parcel($1, $2, $3)::text"
SEARCH_SQL = "SELECT * FROM national.search_address($1, $2)"
CERTIFICATE_SQL = "SELECT national.certificate($1)::text"
COMMUNES_SQL = (
    "SELECT code, name FROM cadastre.admin_unit WHERE level = 'commune' "
    "AND (upper_inf(valid) OR upper(valid) > current_date) ORDER BY name, code")
HAS_COMMUNE_SQL = "SELECT EXISTS (SELECT 1 FROM cadastre.admin_unit WHERE code = $1)"


class NationalError(WebError):
    """A WebError worded by the national view's messages (cadastre.national.i18n)."""

    def messages(self) -> tuple[str, str]:
        return (i18n.text(self.key, "vi", **self.values),
                i18n.text(self.key, "en", **self.values))


@dataclass(frozen=True)
class Feed:
    """A province and how fresh its data is here."""

    code: str
    name: str
    streaming: bool
    stale: bool
    data_as_of: datetime | None

    def public(self) -> dict[str, Any]:
        found = asdict(self)
        found["data_as_of"] = self.data_as_of.isoformat() if self.data_as_of else None
        return found


class NationalRegister:
    """The national cluster as the web view reads it."""

    def __init__(self, cluster: NationalCluster, settings: NationalSettings) -> None:
        self.cluster = cluster
        self.settings = settings
        self.control = Database(cluster.web_url(), 1)
        self.databases: dict[str, Database] = {}
        self.feeds: dict[str, Feed] = {}
        self._read_at = 0.0
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        await self.control.open()
        await self.refresh()

    async def close(self) -> None:
        for db in (self.control, *self.databases.values()):
            await db.close()

    async def refresh(self) -> None:
        """Re-read the provinces and their freshness, at most every status_poll_seconds;
        record the contact of those streaming (READ WRITE: the role is read-only by default
        and only national.feeds writes, as its owner)."""
        if time.monotonic() - self._read_at < self.settings.status_poll_seconds:
            return
        async with self._lock:
            if time.monotonic() - self._read_at < self.settings.status_poll_seconds:
                return
            async with self.control.connection() as conn, conn.transaction(readonly=False):
                await conn.execute("SET TRANSACTION READ WRITE")
                rows = await conn.fetch(FEEDS_SQL, self.settings.stale_after_seconds)
            feeds = {}
            for code, name, database, connected, contact, stale in rows:
                feeds[code] = Feed(code, name, bool(connected), bool(stale), contact)
                if code not in self.databases:
                    db = Database(self.cluster.web_url(database), self.settings.pool_size)
                    await db.open()
                    self.databases[code] = db
            for code in set(self.databases) - set(feeds):  # dropped from the look-up
                await self.databases.pop(code).close()
            self.feeds = feeds
            self._read_at = time.monotonic()

    def feed(self, province: str) -> Feed:
        found = self.feeds.get(province)
        if found is None:
            raise NationalError(404, "not_found_province", province=province)
        return found

    async def _all(self, query: str, *args: Any) -> dict[str, list[Any]]:
        """One statement in every province's database, concurrently."""
        codes = sorted(self.feeds)
        results = await asyncio.gather(*(self.databases[c].all(query, *args) for c in codes))
        return dict(zip(codes, results, strict=True))

    async def province_of(self, commune: str) -> str:
        """The province whose register holds a commune code (codes are national)."""
        found = await self._all(HAS_COMMUNE_SQL, commune)
        for code, rows in found.items():
            if rows[0][0]:
                return code
        raise NationalError(404, "not_found_commune", commune=commune)

    async def resolve_commune(self, given: str) -> tuple[str, str]:
        """(province, commune code) from `01/91001`, `91001` or a commune name."""
        match = QUALIFIED_COMMUNE.match(given)
        if match:
            province, code = match.groups()
            return (self.feed(province).code if province else await self.province_of(code)), code
        wanted = fold(given.strip())
        hits = [(province, row["code"], row["name"])
                for province, rows in (await self._all(COMMUNES_SQL)).items() for row in rows
                if fold(row["name"]) == wanted]
        if not hits:
            raise NationalError(404, "not_found_commune", commune=given)
        if len(hits) > 1:
            names = ", ".join(f"{n} ({p}/{c})" for p, c, n in hits)
            raise NationalError(409, "ambiguous_commune", commune=given, names=names)
        return hits[0][0], hits[0][1]

    async def parcel(self, province: str, commune: str, sheet: str,
                     number: int) -> dict[str, Any]:
        """The parcel and its published page (None while re-published), with its province."""
        feed = self.feed(province)
        value = await self.databases[province].one(PARCEL_SQL, commune, sheet, number)
        if value is None or value[0] is None:
            raise NationalError(404, "not_found_parcel",
                                ref=f"{province}/{commune}/{sheet}/{number}")
        answer = json.loads(value[0])
        document = answer.pop("document")
        return {"province": feed.public(), "ref": f"{province}/{answer['ref']}",
                "parcel": answer, "page_in_force": document is not None, "document": document}

    async def communes(self) -> list[dict[str, str]]:
        found = await self._all(COMMUNES_SQL)
        return [{"code": r["code"], "name": r["name"], "province": p}
                for p, rows in found.items() for r in rows]

    async def search(self, query: str, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """Current parcels at an address, in every province (by province, then address)."""
        found = await self._all(SEARCH_SQL, query, limit + 1)
        hits = [{"province": self.feeds[p].public(), "ref": f"{p}/{r['ref']}",
                 "local_ref": r["ref"], "address": r["address"],
                 "commune_name": r["commune_name"], "status_codes": r["status_codes"]}
                for p, rows in found.items() for r in rows]
        return hits[:limit], len(hits) > limit

    async def certificate(self, serial: str) -> dict[str, Any]:
        found = await self._all(CERTIFICATE_SQL, serial)
        for province, rows in found.items():
            if rows[0][0] is not None:
                certificate = json.loads(rows[0][0])
                return {"province": self.feeds[province].public(), **certificate}
        raise NationalError(404, "not_found_certificate", serial=serial)


def _register(request: Request) -> NationalRegister:
    return request.app.state.register


async def _fresh(request: Request) -> None:
    await _register(request).refresh()


api = APIRouter(prefix="/api", dependencies=[Depends(reject_control_characters),
                                             Depends(_fresh)])
pages = APIRouter(include_in_schema=False,
                  dependencies=[Depends(reject_control_characters), Depends(_fresh)])


def _json(data: Any) -> JSONResponse:
    return JSONResponse(data, headers={"cache-control": CACHE_CONTROL})


@api.get("/provinces", summary="Each province in the look-up and how fresh its data is")
async def provinces(request: Request) -> JSONResponse:
    return _json([f.public() for f in _register(request).feeds.values()])


@api.get("/parcels/{province}/{commune}/{sheet}/{number}",
         summary="A parcel by province-qualified identity: its published page and freshness")
async def parcel_api(request: Request, province: ProvinceCode, commune: CommuneCode,
                     sheet: Sheet, number: Number) -> JSONResponse:
    return _json(await _register(request).parcel(province, commune, sheet, number))


@api.get("/parcels/{commune}/{sheet}/{number}",
         summary="A parcel by identity (commune codes are national: the province is found)")
async def parcel_by_commune_api(request: Request, commune: CommuneCode, sheet: Sheet,
                                number: Number) -> JSONResponse:
    register = _register(request)
    province = await register.province_of(commune)
    return _json(await register.parcel(province, commune, sheet, number))


@api.get("/addresses", summary="Current parcels at an address, in every province")
async def addresses_api(request: Request, q: Annotated[str, Query(min_length=1, max_length=100)],
                        limit: Annotated[int, Query(ge=1, le=100)] = 20) -> JSONResponse:
    hits, more = await _register(request).search(q, limit)
    response = _json(hits)
    if more:
        response.headers["x-more-results"] = "true"
    return response


@api.get("/certificates/{serial}", summary="A certificate by serial, in whichever province")
async def certificate_api(request: Request, serial: Serial) -> JSONResponse:
    return _json(await _register(request).certificate(serial.upper()))


@pages.get("/", response_class=HTMLResponse)
async def home(request: Request, lang: Lang = None) -> Response:
    lang = page_language(request, lang)
    register = _register(request)
    return _page(request, "national_home.html", lang, {
        "communes": await register.communes(), "feeds": list(register.feeds.values())})


async def _parcel_page(request: Request, province: str, commune: str, sheet: str, number: int,
                       lang: str | None) -> Response:
    lang = page_language(request, lang)
    register = _register(request)
    answer = await register.parcel(province, commune, sheet, number)
    feed = register.feed(province)
    if answer["document"] is None:
        return _page(request, "national_pending.html", lang, {"p": answer["parcel"], "feed": feed})
    return _page(request, "national_parcel.html", lang, {"p": answer["document"], "feed": feed})


@pages.get("/thua/{province}/{commune}/{sheet}/{number}", response_class=HTMLResponse)
async def parcel_page(request: Request, province: ProvinceCode, commune: CommuneCode,
                      sheet: Sheet, number: Number, lang: Lang = None) -> Response:
    return await _parcel_page(request, province, commune, sheet, number, lang)


@pages.get("/thua/{commune}/{sheet}/{number}", response_class=HTMLResponse)
async def parcel_page_by_commune(request: Request, commune: CommuneCode, sheet: Sheet,
                                 number: Number, lang: Lang = None) -> Response:
    province = await _register(request).province_of(commune)
    return await _parcel_page(request, province, commune, sheet, number, lang)


@pages.get("/giay-chung-nhan/{serial}", response_class=HTMLResponse)
async def certificate_page(request: Request, serial: Serial, lang: Lang = None) -> Response:
    lang = page_language(request, lang)
    return _page(request, "certificate.html", lang,
                 {"c": await _register(request).certificate(serial.upper())})


@pages.get("/tim", response_class=HTMLResponse)
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
    register = _register(request)
    if commune and sheet and number:
        province, code = await register.resolve_commune(commune)
        await register.parcel(province, code, sheet, number)  # 404 here, not after a redirect
        return RedirectResponse(f"/thua/{province}/{code}/{sheet}/{number}?lang={lang}",
                                status_code=303)
    if serial:
        found = await register.certificate(serial.upper())
        return RedirectResponse(f"/giay-chung-nhan/{found['serial']}?lang={lang}",
                                status_code=303)
    if q and q.strip():
        hits, more = await register.search(q, SEARCH_PAGE_SIZE)
        for hit in hits:
            hit["status_codes"] = hit["status_codes"] or []
        return _page(request, "results.html", lang, {"q": q, "hits": hits, "more": more})
    raise WebError(422, "bad_input")


def _templates(assets: Assets) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(WEB / "templates"))
    templates.env.loader = ChoiceLoader([FileSystemLoader(str(HERE / "templates")),
                                         FileSystemLoader(str(WEB / "templates"))])
    templates.env.globals.update(
        t=i18n.text,
        asset=assets.url,
        land_use_name=land_use_name,
        status_label=lambda code, lang: label(STATUS_LABELS, code, lang),
        holder_kind=lambda code, lang: label(HOLDER_KINDS, code, lang),
    )
    return templates


def create_national_app(cluster: NationalCluster | None = None,
                        settings: NationalSettings | None = None) -> FastAPI:
    """The national look-up's FastAPI application."""
    settings = settings or NationalSettings()
    cluster = cluster or NationalCluster.from_settings(national=settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        register = NationalRegister(cluster, settings)
        try:
            await register.start()
            app.state.register = register
            yield
        finally:
            await register.close()

    app = FastAPI(
        title="Cadastre — national look-up API",
        summary="Any parcel in the country by province-qualified identity, address or "
        "certificate serial, from the provinces' published public registers (never personal "
        "data), with how fresh each province's data is.",
        version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
        openapi_url="/openapi.json")
    assets = Assets(WEB / "static")
    app.state.templates = _templates(assets)
    errors.install(app)
    app.include_router(api)
    app.include_router(pages)
    app.include_router(docs.router)  # /api: the province view's page, from this app's OpenAPI
    app.add_route("/static/{path:path}", assets.serve, methods=["GET"], include_in_schema=False)
    app.add_middleware(Compress)
    app.add_middleware(RateLimit, rate=50.0, burst=400)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    return app
