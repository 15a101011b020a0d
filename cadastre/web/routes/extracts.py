"""The cadastral information extract (trích lục) for citizens: the free PDF of a current
parcel, and the public verification page its QR code opens, which confirms what the extract
certifies and checks a copy (a pasted SHA-256, or the PDF itself) against it.

The public extract is free: it certifies only public facts, which the parcel page already
shows; issuing records it (public_register.issue_extract, one record per identical content)
so that its code can be verified. Extracts for an applicant are issued by officers
(`cadastre extract`, the plugin) or by an approved online application (cadastre.extract)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from cadastre.extract import LAYOUT_VERSION, Verdict, check_copy, render_extract, sha256_hex
from cadastre.web.errors import WebError
from cadastre.web.i18n import text
from cadastre.web.routes.pages import _page
from cadastre.web.routes.params import (
    CommuneCode,
    Lang,
    Number,
    Sheet,
    page_language,
    public_register,
    reject_control_characters,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(reject_control_characters)])
CODE = r"^[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){3}$"
Code = Annotated[str, Path(pattern=CODE, max_length=19)]
CodeQuery = Annotated[str | None, Query(pattern=r"^\s*[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){3}\s*$",
                                        max_length=40)]
Sha256 = Annotated[str | None, Query(pattern=r"^\s*[0-9A-Fa-f]{64}\s*$", max_length=80)]
MAX_COPY_MB = 10
PDF_TYPES = ("application/pdf", "application/octet-stream")
ISSUE_SQL = "SELECT public_register.issue_extract($1, $2, $3::integer, $4)"
RECORD_SQL = "SELECT public_register.extract_record($1)"
VERDICT_KEYS = {Verdict.FILE: "extract_verdict_file", Verdict.CONTENT: "extract_verdict_content",
                Verdict.DIFFERS: "extract_verdict_differs",
                Verdict.LAYOUT_CHANGED: "extract_verdict_layout"}


@router.get("/thua/{commune}/{sheet}/{number}/trich-luc.pdf")
async def parcel_extract(request: Request, commune: CommuneCode, sheet: Sheet,
                         number: Number) -> Response:
    """The free public extract of a current parcel, as a PDF download."""
    db = public_register(request).db
    async with db.connection() as conn, conn.transaction():
        # The web role's sessions are read-only by default; recording the extract writes.
        await conn.execute("SET TRANSACTION READ WRITE")
        answer = await conn.fetchval(ISSUE_SQL, commune, sheet, number, LAYOUT_VERSION)
    if answer is None:
        await public_register(request).parcel(commune, sheet, number)  # 404 when none at all
        raise WebError(404, "extract_not_current", ref=f"{commune}/{sheet}/{number}")
    record = json.loads(answer)
    pdf = await anyio.to_thread.run_sync(render_extract, record)
    return _pdf(pdf, f"trich-luc-{commune}-{sheet}-{number}.pdf", record["code"])


@router.get("/xac-minh", response_class=HTMLResponse)
async def verify_form(request: Request, code: CodeQuery = None, lang: Lang = None) -> Response:
    """Where a code typed from a paper copy is checked: opens its verification page."""
    lang = page_language(request, lang)
    if code:
        return RedirectResponse(f"/xac-minh/{code.strip().upper()}?lang={lang}",
                                status_code=303)
    return _page(request, "extract_lookup.html", lang, {})


@router.get("/xac-minh/{code}", response_class=HTMLResponse)
async def verify_page(request: Request, code: Code, sha256: Sha256 = None,
                      lang: Lang = None) -> Response:
    """What the extract of this code certifies, its content hash, and the check of a copy
    whose SHA-256 is given (?sha256=)."""
    lang = page_language(request, lang)
    record = await _record(request, code)
    verdict = None
    if sha256:
        verdict = await anyio.to_thread.run_sync(check_copy, record, sha256)
    content = record["content"]
    return _page(request, "extract_verify.html", lang, {
        "r": record, "c": content, "sha256": (sha256 or "").strip().lower(),
        "verdict": verdict.value if verdict else None,
        "verdict_text": text(VERDICT_KEYS[verdict], lang, code=record["code"]) if verdict
        else None,
        "adjacent": [n for n in content["neighbours"] if n["adjacent"]],
    })


@router.get("/xac-minh/{code}/trich-luc.pdf")
async def original_extract(request: Request, code: Code) -> Response:
    """The extract of this code, redrawn from its record: the same file as issued."""
    record = await _record(request, code)
    if record["layout"] != LAYOUT_VERSION:
        raise WebError(410, "extract_layout_gone", code=record["code"])
    pdf = await anyio.to_thread.run_sync(render_extract, record)
    ref = record["content"]["ref"].replace("/", "-")
    return _pdf(pdf, f"trich-luc-{ref}.pdf", record["code"])


@router.get("/api/extracts/{code}")
async def extract_api(request: Request, code: Code) -> Response:
    """The record of an issued extract, as JSON (what the verification page shows)."""
    return JSONResponse(await _record(request, code))


@router.post("/api/extracts/{code}/check")
async def check_api(request: Request, code: Code) -> Response:
    """Check a copy sent as the request's body (the PDF itself): does it match the extract
    issued under this code? Changes nothing; the body is read in pieces, at most 10 MB."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in PDF_TYPES:
        raise WebError(415, "extract_wrong_type")
    record = await _record(request, code)
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > MAX_COPY_MB * 1024 * 1024:
            raise WebError(413, "extract_too_large", limit=MAX_COPY_MB)
    digest = sha256_hex(bytes(data))
    verdict = await anyio.to_thread.run_sync(check_copy, record, digest)
    key = VERDICT_KEYS[verdict]
    return JSONResponse({
        "code": record["code"], "sha256": digest, "verdict": verdict.value,
        "matches": verdict in (Verdict.FILE, Verdict.CONTENT),
        "message_vi": text(key, "vi", code=record["code"]),
        "message_en": text(key, "en", code=record["code"]),
    })


async def _record(request: Request, code: str) -> dict[str, Any]:
    answer = await public_register(request).db.value(RECORD_SQL, code.upper())
    if answer is None:
        raise WebError(404, "not_found_extract", code=code.upper())
    record: dict[str, Any] = json.loads(answer)
    return record


def _pdf(pdf: bytes, filename: str, code: str) -> Response:
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="{filename}"',
        "cache-control": "no-store",
        "x-extract-code": code,
    })
