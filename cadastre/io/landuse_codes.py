"""Land-use purpose codes (mục đích sử dụng đất) as found in source files.

A parcel may carry several purposes written as one value ("ODT+CLN", "ODT, CLN", "odt/cln").
Codes are split and normalised here, never dropped: codes absent from the reference list
(older codes, typos) are kept and reported by the import.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Set
from pathlib import Path
from typing import NamedTuple

_SEPARATORS = re.compile(r"[+,;/&|\s]+")


def parse_land_use(value: object) -> tuple[str, ...]:
    """Split a land-use value into normalised codes (upper case, no blanks, no repeats)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    text = unicodedata.normalize("NFC", _as_text(value)).upper()
    codes = (part for part in _SEPARATORS.split(text) if part)
    return tuple(dict.fromkeys(codes))


def _as_text(value: object) -> str:
    """A raw field value as text (integral floats lose their '.0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class CodeClassification(NamedTuple):
    """Codes split into those in the reference list and those the import must report."""

    known: tuple[str, ...]
    unknown: tuple[str, ...]


def classify_codes(codes: Iterable[str], known: Set[str]) -> CodeClassification:
    """Say which codes are in the reference list; unknown ones are kept, not dropped."""
    codes = tuple(codes)
    return CodeClassification(
        known=tuple(code for code in codes if code in known),
        unknown=tuple(code for code in codes if code not in known),
    )


def load_known_codes(path: str | Path, column: str = "ma") -> frozenset[str]:
    """Read the reference codes from a CSV file (e.g. the Thông tư 27/2018 list)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise ValueError(
                f"{path}: no column {column!r}; columns are: {', '.join(reader.fieldnames or [])}"
            )
        return frozenset(code for row in reader for code in parse_land_use(row[column]))
