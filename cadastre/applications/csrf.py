"""Cross-site request forgery protection of every form: a signed double-submit token.

A page with a form sets a random cookie (HttpOnly, SameSite=Strict) and writes into the form
the HMAC of that cookie under the server's key. A POST is accepted only when its form field is
the HMAC of its own cookie: another site can make a browser send the cookie but can neither
read it nor compute its signature, and a cookie planted from elsewhere has no valid token.
Small and explicit rather than a library: the forms here are few, and one of them is parsed
as a stream (the token must be checked before any document is written).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

COOKIE = "csrf"
FIELD = "csrf_token"
KEY_FILE = "form-key"


def load_key(folder: Path, configured: str | None = None) -> bytes:
    """The signing key: the configured one, else a random key kept (0600) in `folder` so that
    every worker and restart shares it."""
    if configured:
        return configured.encode()
    path = folder / KEY_FILE
    if not path.exists():
        try:
            with path.open("x", encoding="ascii") as out:  # exclusive: one worker writes it
                path.chmod(0o600)
                out.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return path.read_text(encoding="ascii").strip().encode()


def new_cookie() -> str:
    """A fresh random cookie value (256 bits)."""
    return secrets.token_urlsafe(32)


def token_for(key: bytes, cookie: str) -> str:
    """The form token that goes with a cookie."""
    return hmac.new(key, cookie.encode(), hashlib.sha256).hexdigest()


def valid(key: bytes, cookie: str | None, token: str | None) -> bool:
    """Whether a submitted token belongs to the cookie the browser sent (constant time)."""
    if not cookie or not token:
        return False
    return hmac.compare_digest(token_for(key, cookie), token)
