"""ASGI middleware: security headers on every response and a per-client rate limit.

Both are plain ASGI (no per-request task or body buffering), so the look-up fast path stays
fast.
"""

from __future__ import annotations

import gzip
import json
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cadastre.web.i18n import text

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:{extra}; "
    "worker-src 'self' blob:; child-src 'self' blob:; connect-src 'self'{extra}; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def csp(extra_origin: str | None = None) -> str:
    """The content security policy: this site only, plus the base map's server if set."""
    return CSP.format(extra=f" {extra_origin}" if extra_origin else "")


SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", csp().encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]


class SecurityHeaders:
    """Add the security headers (CSP self only, nosniff, referrer policy, no framing)."""

    def __init__(self, app: ASGIApp, extra_origin: str | None = None) -> None:
        self.app = app
        self.headers = [(b"content-security-policy", csp(extra_origin).encode()),
                        *SECURITY_HEADERS[1:]]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class TokenBuckets:
    """One token bucket per client: `rate` tokens a second, at most `burst` saved up."""

    rate: float
    burst: int
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, client: str, now: float | None = None) -> float:
        """0 when the request may go on, else the seconds to wait for a token."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > 100_000:  # forget clients whose buckets are full again
                full_after = self.burst / self.rate
                self._buckets = {
                    c: (t, at) for c, (t, at) in self._buckets.items() if now - at < full_after
                }
        return wait


class RateLimit:
    """Answer 429 with Retry-After when a client exceeds its bucket."""

    def __init__(self, app: ASGIApp, rate: float, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst) if rate > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.buckets.take(client)
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        vi = text("too_many_requests", "vi", seconds=seconds)
        en = text("too_many_requests", "en", seconds=seconds)
        body = json.dumps(
            {"status": 429, "message": f"{vi} / {en}", "message_vi": vi, "message_en": en,
             "errors": []},
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"retry-after", str(seconds).encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """Answer HEAD on every GET route (uptime monitors use it): run the GET and send its
    status and headers (Content-Length included) without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app(dict(scope, method="GET"), receive, send_headers_only)


COMPRESSIBLE = (b"text/", b"application/json", b"application/javascript",
                b"application/vnd.mapbox-vector-tile", b"image/svg+xml")
MIN_COMPRESS = 512


def accepts_gzip(headers: list[tuple[bytes, bytes]] | Any) -> bool:
    """Whether a request's raw ASGI headers accept gzip."""
    for name, value in headers:
        if name == b"accept-encoding":
            return b"gzip" in value
    return False


def gzipped(body: bytes) -> bytes:
    """A body compressed as sent (gzip level 6, the usual balance of size and speed)."""
    return gzip.compress(body, compresslevel=6, mtime=0)


class Compress:
    """Gzip text, JSON and tiles for clients that accept it. Answers that are already encoded
    (a tile or look-up from the cache, a static file: compressed once and kept) pass as they
    are; streamed answers (the analysts' exports) are not touched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not accepts_gzip(scope["headers"]):
            await self.app(scope, receive, send)
            return
        start: Message | None = None

        async def maybe_compress(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if any(n == b"content-encoding" for n, _ in headers) or not any(
                    n == b"content-type" and v.startswith(COMPRESSIBLE) for n, v in headers
                ):
                    await send(message)
                    return
                start = message  # held until the body shows whether it is worth it
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            held, start = start, None
            body = message.get("body", b"")
            if message.get("more_body", False) or len(body) < MIN_COMPRESS:
                await send(held)
                await send(message)
                return
            body = gzipped(body)
            headers = [(n, v) for n, v in held.get("headers", []) if n != b"content-length"]
            headers += [(b"content-encoding", b"gzip"),
                        (b"content-length", str(len(body)).encode())]
            if not any(n == b"vary" and b"accept-encoding" in v.lower() for n, v in headers):
                headers.append((b"vary", b"Accept-Encoding"))
            await send(dict(held, headers=headers))
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, maybe_compress)
