"""The application factory: `create_app(settings)` wires the routes, the database pool (opened
and closed in the lifespan), the caches, the error handlers and the middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from cadastre import __version__
from cadastre.web import errors
from cadastre.web.assets import Assets
from cadastre.web.config import WebSettings, basemap_origin, web_database_url
from cadastre.web.db import Database
from cadastre.web.i18n import HOLDER_KINDS, STATUS_LABELS, label, land_use_name, text
from cadastre.web.middleware import Compress, HeadAsGet, RateLimit, SecurityHeaders
from cadastre.web.ogc import create_app as create_ogc_app
from cadastre.web.register import PublicRegister
from cadastre.web.routes import (
    addresses,
    analyst,
    applications,
    backoffice,
    certificates,
    communes,
    docs,
    extracts,
    pages,
    params,
    parcels,
    tiles,
)

PACKAGE = resources.files("cadastre.web")


def _templates(assets: Assets) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    templates.env.globals.update(
        t=text,
        asset=assets.url,
        land_use_name=land_use_name,
        status_label=lambda code, lang: label(STATUS_LABELS, code, lang),
        holder_kind=lambda code, lang: label(HOLDER_KINDS, code, lang),
    )
    return templates


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web view's FastAPI application."""
    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(web_database_url(settings), settings.pool_size)
        try:
            await db.open()
            app.state.register = PublicRegister(settings, db)
            await app.state.register.start()
            yield
        finally:
            await db.close()

    app = FastAPI(
        title="Cadastre — public register API",
        summary="Public facts about parcels of the land register: identity, area, land use, "
        "status, history of changes (never personal data).",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # the default pages load their scripts from a CDN; /api is served here
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    assets = Assets(PACKAGE / "static")
    app.state.templates = _templates(assets)
    errors.install(app)
    params.register_convertors()
    app.add_route(parcels.WELL_FORMED_PATH, parcels.well_formed_parcel, methods=["GET"],
                  include_in_schema=False)  # first: the busiest request, without parameter models
    for module in (parcels, addresses, certificates, communes, tiles, analyst, docs, pages,
                   extracts, applications, backoffice):
        app.include_router(module.router)
    app.add_route("/static/{path:path}", assets.serve, methods=["GET"], include_in_schema=False)
    app.mount("/ogc", create_ogc_app(app))  # OGC API – Features (docs/ogc-api.md)
    app.add_middleware(Compress)
    app.add_middleware(RateLimit, rate=settings.rate_limit, burst=settings.rate_burst)
    app.add_middleware(SecurityHeaders, extra_origin=basemap_origin(settings))
    app.add_middleware(HeadAsGet)  # outermost: a HEAD runs as a GET and drops the body
    return app
