"""Media types and the links between the OGC API's resources (pure)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media, "title": title}


def url(base: str, path: str, **params: Any) -> str:
    """An absolute URL under the API's base (which ends with /)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return base + path.lstrip("/") + (f"?{query}" if query else "")
