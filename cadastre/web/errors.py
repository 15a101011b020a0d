"""Errors the web view shows: a status and a message in Vietnamese and English, as JSON for
the API and as a page for people. Bad input is always a 4xx naming the parameter."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import asyncpg
import psycopg2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cadastre.web.db import DatabaseUnavailableError
from cadastre.web.i18n import FIELDS, language, text

log = logging.getLogger(__name__)


class WebError(Exception):
    """A request the register cannot answer, with a message key of cadastre.web.i18n."""

    def __init__(self, status: int, key: str, headers: dict[str, str] | None = None,
                 **values: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values
        self.headers = headers or {}

    def messages(self) -> tuple[str, str]:
        """(Vietnamese, English)."""
        return text(self.key, "vi", **self.values), text(self.key, "en", **self.values)


def problem(status: int, message_vi: str, message_en: str, errors: list[dict] | None = None,
            headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The API's error body (model cadastre.web.models.Problem)."""
    return JSONResponse(
        {
            "status": status,
            "message": f"{message_vi} / {message_en}",
            "message_vi": message_vi,
            "message_en": message_en,
            "errors": errors or [],
        },
        status_code=status,
        headers=headers,
    )


def wants_html(request: Request) -> bool:
    """Pages answer people with pages; the API and tiles answer with JSON."""
    path = request.url.path
    return not (path.startswith("/api") or path.startswith("/tiles"))


def _field_errors(exc: RequestValidationError) -> list[dict]:
    found = []
    for error in exc.errors():
        # ("query", "commune", 2): the third ?commune= of the request; the parameter is named.
        location = [part for part in error.get("loc", ())
                    if part not in ("path", "query") and not isinstance(part, int)]
        name = str(location[0]) if location else "?"
        label = FIELDS.get(name, {"vi": name, "en": name})
        found.append(
            {
                "parameter": name,
                "message_vi": f"{label['vi']}: giá trị không hợp lệ ({error.get('msg', '')})",
                "message_en": f"{label['en']}: {error.get('msg', 'invalid value')}",
            }
        )
    return found


async def _render(request: Request, status: int, message_vi: str, message_en: str,
                  errors: list[dict] | None = None,
                  headers: Mapping[str, str] | None = None) -> Response:
    if not wants_html(request):
        return problem(status, message_vi, message_en, errors, headers)
    lang = language(request.query_params.get("lang") or request.cookies.get("lang"))
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "lang": lang,
            "status": status,
            "message": message_vi if lang == "vi" else message_en,
            "details": [e["message_vi"] if lang == "vi" else e["message_en"]
                        for e in (errors or [])],
        },
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    """Register the handlers: validation → 422, WebError → its status, database trouble → 503."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _field_errors(exc)
        vi = "Dữ liệu nhập không hợp lệ: " + "; ".join(e["message_vi"] for e in errors)
        en = "Invalid input: " + "; ".join(e["message_en"] for e in errors)
        return await _render(request, 422, vi, en, errors)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        vi, en = exc.messages()
        return await _render(request, exc.status, vi, en, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            vi, en = text("not_found_page", "vi"), text("not_found_page", "en")
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "GET")
            values = {"method": request.method, "allowed": allowed}
            vi, en = text("method_not_allowed", "vi", **values), \
                text("method_not_allowed", "en", **values)
        else:
            vi = en = str(exc.detail)
        return await _render(request, exc.status_code, vi, en, headers=exc.headers)

    async def _database(request: Request, code: str, detail: str, exc: Exception) -> Response:
        if code.startswith("22"):  # data exception: the input, not the server
            log.info("data exception on %s: %s", request.url.path, detail)
            # PostgreSQL's own text is neither bilingual nor meant for citizens.
            return await _render(request, 400, text("bad_input", "vi") + ".",
                                 text("bad_input", "en") + ".")
        log.warning("database error on %s: %s", request.url.path, exc)
        return await _render(request, 503, text("server_busy", "vi"), text("server_busy", "en"),
                             headers={"Retry-After": "5"})

    @app.exception_handler(asyncpg.PostgresError)
    async def _postgres(request: Request, exc: asyncpg.PostgresError) -> Response:
        return await _database(request, exc.sqlstate or "", exc.message or str(exc), exc)

    @app.exception_handler(DatabaseUnavailableError)
    async def _unavailable(request: Request, exc: DatabaseUnavailableError) -> Response:
        return await _database(request, "", str(exc), exc)

    @app.exception_handler(psycopg2.Error)  # the analysts' exports (cadastre.web.routes.analyst)
    async def _psycopg2(request: Request, exc: psycopg2.Error) -> Response:
        diag = getattr(exc, "diag", None)
        detail = diag.message_primary if diag and diag.message_primary else str(exc)
        return await _database(request, getattr(exc, "pgcode", None) or "", detail, exc)
