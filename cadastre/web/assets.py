"""Static files (the stylesheet, the map script, the vendored MapLibre) served from memory,
fingerprinted and compressed.

Pages link each file as `/static/<name>?v=<content hash>` (`asset_url`); an answer to that
exact URL may be kept by browsers for a year (`immutable`), since a new version of the file
has a new hash and so a new URL. Without the right hash the file is still served, but
browsers must ask again (`no-cache`, with an ETag for a cheap 304). Text files are gzipped
once, when first asked for.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable

from starlette.requests import Request
from starlette.responses import Response

from cadastre.web.errors import WebError
from cadastre.web.middleware import COMPRESSIBLE, MIN_COMPRESS, accepts_gzip, gzipped

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
MEDIA_TYPES = {".js": "application/javascript", ".css": "text/css", ".txt": "text/plain"}


@dataclass
class Asset:
    """One static file: its bytes, media type, content hash and (once asked) gzipped bytes."""

    body: bytes
    media_type: str
    digest: str
    _gzipped: bytes | None = field(default=None, repr=False)

    def compressible(self) -> bool:
        return len(self.body) >= MIN_COMPRESS and self.media_type.encode().startswith(
            COMPRESSIBLE)

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzipped(self.body)
        return self._gzipped


def _read(folder: Traversable, prefix: str = "") -> dict[str, Asset]:
    found: dict[str, Asset] = {}
    for entry in folder.iterdir():
        name = prefix + entry.name
        if entry.is_dir():
            found.update(_read(entry, name + "/"))
            continue
        body = entry.read_bytes()
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        media = MEDIA_TYPES.get(suffix) or mimetypes.guess_type(entry.name)[0] or \
            "application/octet-stream"
        if media.startswith("text/"):
            media += "; charset=utf-8"
        found[name] = Asset(body, media, hashlib.sha256(body).hexdigest()[:16])
    return found


class Assets:
    """The static folder, read once at start-up."""

    def __init__(self, folder: Traversable) -> None:
        self.files = _read(folder)

    def url(self, name: str) -> str:
        """The fingerprinted URL of a static file (its content hash as `v`)."""
        return f"/static/{name}?v={self.files[name].digest}"

    async def serve(self, request: Request) -> Response:
        """GET /static/{path}: the file, cached for a year when asked by its fingerprint."""
        asset = self.files.get(request.path_params["path"])
        if asset is None:
            raise WebError(404, "not_found_page")
        etag = f'"{asset.digest}"'
        fingerprinted = request.query_params.get("v") == asset.digest
        headers = {"cache-control": IMMUTABLE if fingerprinted else REVALIDATE, "etag": etag,
                   "vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        if asset.compressible() and accepts_gzip(request.scope["headers"]):
            headers["content-encoding"] = "gzip"
            return Response(asset.gzipped(), media_type=asset.media_type, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)
