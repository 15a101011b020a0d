"""Parcel identities as people write them: COMMUNE/SHEET/NUMBER."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cadastre.errors import CadastreError

REF_PATTERN = re.compile(
    r"^(?P<commune>[0-9]{5})/(?P<sheet>[0-9A-Za-z.-]{1,16})/(?P<number>[0-9]{1,9})$"
)


@dataclass(frozen=True)
class ParcelRef:
    """A parcel identity: commune code, map sheet number, parcel number."""

    commune: str
    sheet: str
    number: int

    def __str__(self) -> str:
        return f"{self.commune}/{self.sheet}/{self.number}"


def parse_parcel_ref(text: str) -> ParcelRef:
    """Parse '00070/12/45'; a malformed identity names what is wrong."""
    match = REF_PATTERN.match(text.strip())
    if not match:
        raise CadastreError(
            f"'{text}' is not a parcel identity",
            hint="Write COMMUNE/SHEET/NUMBER, e.g. 00070/12/45 (5-digit commune code).",
        )
    return ParcelRef(match["commune"], match["sheet"], int(match["number"]))
