"""/api: the API's documentation page, rendered here from the OpenAPI description (the
default Swagger and ReDoc pages load scripts from a CDN; this site works offline)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cadastre.web.routes.params import Lang, page_language

router = APIRouter(include_in_schema=False)


@router.get("/api", response_class=HTMLResponse)
async def api_page(request: Request, lang: Lang = None) -> Response:
    """Every route, its parameters and responses, and the response schemas."""
    lang = page_language(request, lang)
    spec = request.app.openapi()
    return request.app.state.templates.TemplateResponse(
        request, "api.html", {"lang": lang, "spec": spec}
    )
