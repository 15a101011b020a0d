"""Land-use purpose codes (mục đích sử dụng đất) as found in source files.

A parcel may carry several purposes written as one value ("ODT+CLN", "ODT, CLN", "odt/cln").
Codes are split and normalised here, never dropped. Which codes the reference list lacks is
decided by the register (cadastre.register_staged keeps them as imported codes and the import
reports them), not here.
"""

from __future__ import annotations

import math
import re
import unicodedata

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
