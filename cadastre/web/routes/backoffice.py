"""The officers' back office of online applications: the queue of their communes (overdue
first), one application with its documents, and the actions (accept — opening the register
dossier —, request documents, refuse, result ready).

Officers log in with their own database account (HTTP Basic, cadastre.web.logins); every page
and action runs on a connection of that role, so the register decides which applications they
see and may act on (online.application_for: their communes only) and logs each read. Every
form carries a CSRF token: the browser would send the login to a forged form too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import psycopg2
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPBasicCredentials
from starlette.concurrency import run_in_threadpool

from cadastre.register.binding import applications
from cadastre.web.errors import WebError
from cadastre.web.logins import basic, role_connection
from cadastre.web.routes.applications import online, refusal, render, small_form
from cadastre.web.routes.params import (
    COMMUNE_CODE,
    Lang,
    page_language,
    reject_control_characters,
)

router = APIRouter(prefix="/can-bo", include_in_schema=False,
                   dependencies=[Depends(reject_control_characters)])
OFFICER_GROUPS = ("cadastre_officer", "cadastre_admin")
Receipt = Annotated[str, Path(pattern=r"^[0-9]{5}-[0-9]{6}-[2-9A-HJ-NP-Z]{6}$")]
ACTIONS = ("accept", "request-documents", "refuse", "result-ready")
MEDIA_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def officer_connection(
    request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]
) -> Iterator[psycopg2.extensions.connection]:
    """A connection as the officer's own role, or 401/403."""
    for conn in role_connection(request, credentials, OFFICER_GROUPS, "officer_login",
                                "officer_denied"):
        with conn.cursor() as cur:
            cur.execute("SELECT set_config('application_name', 'cadastre-web-backoffice', false)")
        yield conn


Officer = Annotated[psycopg2.extensions.connection, Depends(officer_connection)]


def _register(conn: psycopg2.extensions.connection, action: Any) -> Any:
    """Run one binding call in its own transaction; a refusal becomes a worded WebError."""
    try:
        with conn, conn.cursor() as cur:
            return action(cur)
    except psycopg2.Error as exc:
        try:
            status, key, values = refusal(exc)
        except psycopg2.Error:
            raise exc from None
        raise WebError(status, key, None, **values) from None


@router.get("/ho-so", response_class=HTMLResponse)
def queue(request: Request, conn: Officer, lang: Lang = None,
          commune: Annotated[str | None, Query(pattern=COMMUNE_CODE)] = None) -> Response:
    """The applications of the officer's communes (or one of them): open ones first, overdue
    first."""
    lang = page_language(request, lang)
    rows = _register(conn, lambda cur: applications.application_queue(cur, commune=commune))
    return render(request, "backoffice_queue.html", lang, {"rows": rows, "user": conn.info.user})


@router.get("/ho-so/{receipt}", response_class=HTMLResponse)
def application(request: Request, receipt: Receipt, conn: Officer, lang: Lang = None) -> Response:
    """One application: the applicant's data (the read is logged), documents, history and
    the actions its status allows."""
    lang = page_language(request, lang)
    found = _register(conn, lambda cur: applications.application_detail(cur, receipt=receipt))
    return render(request, "backoffice_application.html", lang,
                  {"a": found, "user": conn.info.user, "done": request.query_params.get("done")})


@router.post("/ho-so/{receipt}/{action}")
async def act(request: Request, receipt: Receipt,
              action: Annotated[str, Path(pattern="^(" + "|".join(ACTIONS) + ")$")],
              conn: Officer, lang: Lang = None) -> Response:
    """An officer's action; back to the application's page (303) when the register took it."""
    values = await small_form(request)
    reason = values.get("reason", "").strip()[:2000]
    calls = {
        "accept": lambda cur: applications.accept_application(
            cur, receipt=receipt, dossier_number=values.get("dossier_number") or None),
        "request-documents": lambda cur: applications.request_documents(
            cur, receipt=receipt, reason=reason),
        "refuse": lambda cur: applications.refuse_application(
            cur, receipt=receipt, reason=reason),
        "result-ready": lambda cur: applications.mark_result_ready(
            cur, receipt=receipt, note=reason or None),
    }
    await run_in_threadpool(_register, conn, calls[action])
    lang = page_language(request, lang)
    return RedirectResponse(f"/can-bo/ho-so/{receipt}?lang={lang}&done={action}",
                            status_code=303)


@router.get("/ho-so/{receipt}/tai-lieu/{position}")
def document(request: Request, receipt: Receipt, position: Annotated[int, Path(ge=1, le=50)],
             conn: Officer) -> FileResponse:
    """A document of the application, as a download (never shown inline; the read is
    logged)."""
    stored = _register(conn, lambda cur: applications.application_document_file(
        cur, receipt=receipt, position=position))
    folder = online(request).folder
    path = (folder / stored).resolve()
    if folder not in path.parents or not path.is_file():
        raise WebError(404, "not_found_page")
    extension = path.suffix.lstrip(".")
    media_type = next((m for m, e in MEDIA_EXTENSIONS.items() if e == extension),
                      "application/octet-stream")
    return FileResponse(path, media_type=media_type,
                        filename=f"{receipt}-{position}.{extension}",
                        headers={"Cache-Control": "no-store",
                                 "Content-Security-Policy": "sandbox"})
