"""Checking a copy of an extract against its record: the verification page's one rule."""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from cadastre.extract.layout import LAYOUT_VERSION, render_extract

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class Verdict(enum.Enum):
    """What a SHA-256 says about a copy."""

    FILE = "file"                # the very PDF file the register issued
    CONTENT = "content"          # the content hash printed on the extract
    DIFFERS = "differs"          # neither: the copy is not the extract issued (tampered)
    LAYOUT_CHANGED = "layout"    # drawn by an earlier layout: only the content hash can tell


def sha256_hex(data: bytes) -> str:
    """SHA-256 of a file's bytes, as `sha256sum` prints it."""
    return hashlib.sha256(data).hexdigest()


def check_copy(record: Mapping[str, Any], sha256: str) -> Verdict:
    """Compare a copy's SHA-256 (of the PDF file, or the content hash printed on it) with the
    record: the PDF is redrawn from the record (the layout is deterministic) and hashed."""
    wanted = sha256.strip().lower()
    if wanted == record["content_sha256"]:
        return Verdict.CONTENT
    if record["layout"] != LAYOUT_VERSION:
        return Verdict.LAYOUT_CHANGED
    if wanted == sha256_hex(render_extract(record)):
        return Verdict.FILE
    return Verdict.DIFFERS
