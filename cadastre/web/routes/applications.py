"""Citizens' online services: the services offered, applying online (documents streamed to
disk), the receipt, and tracking an application with its receipt code and secret.

Every form carries a CSRF token (cadastre.applications.csrf); filing and tracking are limited
per client; the register decides (online.submit_application, online.track_application) and
its refusals are worded here by rule code. Pages with a form or a secret are never cached.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cadastre.applications import csrf
from cadastre.applications.settings import OnlineSettings
from cadastre.applications.uploads import (
    Limits,
    ParsedForm,
    UploadRefused,
    discard,
    receive_form,
)
from cadastre.register.binding.applications import (
    READ_WRITE_SQL,
    SUBMIT_ARGUMENTS,
    SUBMIT_CASTS,
    SUBMIT_SQL,
    SUPPLEMENT_ARGUMENTS,
    SUPPLEMENT_SQL,
    TRACK_SQL,
    numbered,
)
from cadastre.web.application_texts import APPLICATION_STATUS, DOSSIER_KINDS, RELATIONS
from cadastre.web.errors import WebError
from cadastre.web.i18n import MESSAGES, label, text
from cadastre.web.middleware import TokenBuckets
from cadastre.web.routes.params import (
    Lang,
    page_language,
    public_register,
    reject_control_characters,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(reject_control_characters)])
SERVICES_SQL = """
    SELECT code, name_vi, name_en, dossier_kinds, required_documents::text AS documents,
           fee_note_vi, fee_note_en, processing_days, max_parcels
    FROM online.service WHERE active ORDER BY code = 'extract', code
"""
REF = re.compile(r"[0-9]{5}/[0-9A-Za-z.\-]{1,16}/[0-9]{1,10}")
MAX_SMALL_FORM = 16 * 1024
NO_STORE = "no-store"


@dataclass
class Online:
    """The online services' runtime: settings, upload folder, form key and client limits."""

    settings: OnlineSettings
    folder: Path
    key: bytes
    submissions: TokenBuckets | None
    tracking: TokenBuckets | None

    @property
    def limits(self) -> Limits:
        return Limits(self.settings.max_file_bytes, self.settings.max_files)


def online(request: Request) -> Online:
    """The application's online-services runtime (made on first use)."""
    found = getattr(request.app.state, "online", None)
    if found is None:
        settings = OnlineSettings()
        folder = settings.documents_folder()
        static = (Path(__file__).resolve().parent.parent / "static").resolve()
        if folder == static or static in folder.parents:
            raise RuntimeError(f"the upload folder {folder} lies inside the web's static files")
        found = Online(
            settings, folder, csrf.load_key(folder, settings.secret_key),
            TokenBuckets(settings.submissions_per_hour / 3600, settings.submission_burst)
            if settings.submissions_per_hour > 0 else None,
            TokenBuckets(settings.tracking_per_minute / 60, settings.tracking_burst)
            if settings.tracking_per_minute > 0 else None,
        )
        request.app.state.online = found
    return found


def client_of(request: Request) -> str:
    """The client's address as the server sees it."""
    return request.client.host if request.client else "unknown"


def limit(buckets: TokenBuckets | None, request: Request) -> None:
    """429 with Retry-After when the client has used up its allowance."""
    if buckets is None:
        return
    wait = buckets.take(client_of(request))
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise WebError(429, "submissions_limited", headers={"Retry-After": str(seconds)},
                       seconds=seconds)


def render(request: Request, template: str, lang: str, context: dict[str, Any],
           status_code: int = 200) -> Response:
    """A page with a fresh form token (its cookie set when the browser has none); never
    cached, never stored."""
    runtime = online(request)
    cookie = request.cookies.get(csrf.COOKIE) or csrf.new_cookie()
    response = request.app.state.templates.TemplateResponse(
        request, template,
        {"lang": lang, "csrf_field": csrf.FIELD, "csrf_token": csrf.token_for(runtime.key, cookie),
         "app_status": lambda code, lg: label(APPLICATION_STATUS, code, lg),
         "relation_label": lambda code, lg: label(RELATIONS, code, lg),
         "kind_label": lambda code, lg: label(DOSSIER_KINDS, code, lg),
         "relations": list(RELATIONS), **context},
        status_code=status_code,
    )
    response.headers["cache-control"] = NO_STORE
    if request.cookies.get(csrf.COOKIE) != cookie:
        response.set_cookie(csrf.COOKIE, cookie, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
    return response


def token_checker(request: Request) -> Any:
    """A check of a submitted token against the request's cookie."""
    key = online(request).key
    cookie = request.cookies.get(csrf.COOKIE)
    return lambda token: csrf.valid(key, cookie, token)


async def small_form(request: Request) -> dict[str, str]:
    """A short url-encoded form, its CSRF token checked (403 without a valid one)."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit() or int(length) > MAX_SMALL_FORM:
        raise WebError(413, "upload_too_many_fields")
    form = await request.form(max_files=0, max_fields=20)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not token_checker(request)(values.get(csrf.FIELD)):
        raise WebError(403, "csrf_refused")
    return values


def refusal(exc: asyncpg.PostgresError | Any) -> tuple[int, str, dict[str, object]]:
    """(HTTP status, message key, values) of a register refusal, by its rule code."""
    sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None) or ""
    constraint = getattr(exc, "constraint_name", None)
    if constraint is None and getattr(exc, "diag", None) is not None:
        constraint = exc.diag.constraint_name
    message = getattr(exc, "message", None) or str(exc)
    detail = getattr(exc, "detail", None)
    if detail is None and getattr(exc, "diag", None) is not None:
        detail = exc.diag.message_detail
    status = {"22023": 422, "P0002": 404, "42501": 403, "55000": 409}.get(sqlstate)
    if status is None:
        raise exc
    key = f"refusal_{constraint}"
    if key not in MESSAGES:
        return status, "refusal_other", {"detail": message}
    return status, key, {"detail": detail or ""}


async def services(request: Request) -> list[dict[str, Any]]:
    """The active services, their documents decoded."""
    rows = await public_register(request).db.all(SERVICES_SQL)
    return [dict(r, documents=json.loads(r["documents"])) for r in rows]


@router.get("/dich-vu", response_class=HTMLResponse)
async def services_page(request: Request, lang: Lang = None) -> Response:
    """The services offered: documents, fee, processing time; links to apply and track."""
    lang = page_language(request, lang)
    return render(request, "services.html", lang, {"services": await services(request)})


def _apply_context(request: Request, offered: list[dict[str, Any]], service: str | None,
                   values: dict[str, str]) -> dict[str, Any]:
    chosen = next((s for s in offered if s["code"] == service), None)
    limits = online(request).limits
    return {"services": offered, "service": chosen, "values": values,
            "max_files": limits.max_files,
            "max_megabytes": round(limits.max_file_bytes / 1048576, 1)}


@router.get("/nop-ho-so", response_class=HTMLResponse)
async def apply_form(
    request: Request, lang: Lang = None,
    service: str | None = Query(None, pattern=r"^[a-z][a-z0-9_]{1,39}$"),
    parcel: str | None = Query(None, max_length=40),
) -> Response:
    """The application form: the service first, then parcels, identity and documents."""
    lang = page_language(request, lang)
    values = {"parcels": parcel if parcel and REF.fullmatch(parcel) else ""}
    context = _apply_context(request, await services(request), service, values)
    return render(request, "apply.html", lang, context)


@router.post("/nop-ho-so", response_class=HTMLResponse)
async def apply(request: Request, lang: Lang = None) -> Response:
    """File an application: the body is streamed (documents to disk, typed by content), then
    the register checks and records it; the receipt shows the code and secret once."""
    lang = page_language(request, lang)
    runtime = online(request)
    form = await _receive(request, runtime)
    values = {name: form.first(name) for name in
              ("service", "dossier_kind", "parcels", "name", "id_number", "phone", "email",
               "relation", "note")}
    arguments = {
        "service": values["service"], "dossier_kind": values["dossier_kind"] or None,
        "parcels": REF.findall(values["parcels"])
        or ([values["parcels"].strip()[:40]] if values["parcels"].strip() else []),
        "name": values["name"], "id_number": re.sub(r"\s", "", values["id_number"]),
        "phone": values["phone"], "email": values["email"], "relation": values["relation"],
        "note": values["note"],
        "documents": json.dumps([d.as_json() for d in form.documents]),
        "client_addr": _address(client_of(request)),
    }
    try:
        async with public_register(request).db.connection() as conn, conn.transaction():
            await conn.execute(READ_WRITE_SQL)
            row = await conn.fetchrow(numbered(SUBMIT_SQL, SUBMIT_ARGUMENTS, SUBMIT_CASTS),
                                      *[arguments[n] for n in SUBMIT_ARGUMENTS])
    except asyncpg.PostgresError as exc:
        discard(runtime.folder, form.documents)
        status, key, extra = refusal(exc)
        context = _apply_context(request, await services(request), values["service"], values)
        context["problem"] = text(key, lang, **extra)
        return render(request, "apply.html", lang, context, status_code=status)
    except BaseException:
        discard(runtime.folder, form.documents)
        raise
    return render(request, "receipt.html", lang, {
        "receipt_code": row["receipt_code"], "secret": row["secret"],
        "documents": len(form.documents)})


async def _receive(request: Request, runtime: Online) -> ParsedForm:
    """A multipart form with documents, within the client's filing allowance, streamed to the
    upload folder (a refusal is a worded WebError and leaves nothing on disk)."""
    limit(runtime.submissions, request)
    length = request.headers.get("content-length")
    try:
        return await receive_form(
            request.stream(), request.headers.get("content-type", ""),
            int(length) if length and length.isdigit() else None,
            runtime.folder, runtime.limits, token_checker(request))
    except UploadRefused as exc:
        raise WebError(exc.status, exc.key, None, **exc.values) from None


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@router.get("/tra-cuu-ho-so", response_class=HTMLResponse)
async def track_form(request: Request, lang: Lang = None) -> Response:
    """The tracking form (receipt code and secret)."""
    lang = page_language(request, lang)
    return render(request, "track.html", lang, {"found": None, "values": {}})


@router.post("/tra-cuu-ho-so", response_class=HTMLResponse)
async def track(request: Request, lang: Lang = None) -> Response:
    """An application's status, history, due date and overdue days, for its receipt code and
    secret (sent in the body, never in the address)."""
    lang = page_language(request, lang)
    limit(online(request).tracking, request)
    values = await small_form(request)
    return await _tracking_page(request, lang, values.get("receipt", "")[:40],
                                values.get("secret", "")[:60])


async def _tracking_page(request: Request, lang: str, receipt: str, secret: str,
                         notice: str | None = None) -> Response:
    try:
        found = await public_register(request).db.value(
            numbered(TRACK_SQL, ("receipt", "secret")), receipt, secret)
    except asyncpg.PostgresError as exc:
        status, key, extra = refusal(exc)
        return render(request, "track.html", lang, {
            "found": None, "values": {"receipt": receipt},
            "problem": text(key, lang, **extra)}, status_code=status)
    return render(request, "track.html", lang, {
        "found": json.loads(found), "values": {"receipt": receipt}, "notice": notice,
        "max_files": online(request).limits.max_files,
        "max_megabytes": round(online(request).limits.max_file_bytes / 1048576, 1)})


@router.post("/tra-cuu-ho-so/bo-sung", response_class=HTMLResponse)
async def supplement(request: Request, lang: Lang = None) -> Response:
    """The applicant adds the documents the office asked for (receipt code and secret again,
    documents streamed to disk as when filing); the tracking page then shows it received."""
    lang = page_language(request, lang)
    runtime = online(request)
    form = await _receive(request, runtime)
    receipt, secret = form.first("receipt")[:40], form.first("secret")[:60]
    arguments = {"receipt": receipt, "secret": secret,
                 "documents": json.dumps([d.as_json() for d in form.documents]),
                 "client_addr": _address(client_of(request))}
    try:
        async with public_register(request).db.connection() as conn, conn.transaction():
            await conn.execute(READ_WRITE_SQL)
            await conn.fetchval(numbered(SUPPLEMENT_SQL, SUPPLEMENT_ARGUMENTS, SUBMIT_CASTS),
                                *[arguments[n] for n in SUPPLEMENT_ARGUMENTS])
    except asyncpg.PostgresError as exc:
        discard(runtime.folder, form.documents)
        status, key, extra = refusal(exc)
        return render(request, "track.html", lang, {
            "found": None, "values": {"receipt": receipt},
            "problem": text(key, lang, **extra)}, status_code=status)
    except BaseException:
        discard(runtime.folder, form.documents)
        raise
    return await _tracking_page(request, lang, receipt, secret,
                                notice=text("supplement_done", lang, count=len(form.documents)))
