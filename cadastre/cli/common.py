"""Helpers shared by the CLI command groups."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cadastre.db.connection import make_engine
from cadastre.errors import CadastreError
from cadastre.register import service
from cadastre.register.refs import parse_parcel_ref

console = Console(soft_wrap=True)
SHARE = re.compile(r"^(?P<party>[0-9]+)(=(?P<share>[0-9]+(/[0-9]+)?))?$")


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The register's engine for this CLI process."""
    return make_engine()


def parse_date(value: str | None, option: str) -> dt.date | None:
    """Parse YYYY-MM-DD, naming the option when it is malformed."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CadastreError(f"{option}: '{value}' is not a date", hint="Write YYYY-MM-DD.") from exc


def parse_holders(values: list[str]) -> list[tuple[int, str]]:
    """PARTY_ID=SHARE values (e.g. 12=1/2) into (party id, share) pairs."""
    holders = []
    for value in values:
        match = SHARE.match(value.strip())
        if not match:
            raise CadastreError(
                f"--holder '{value}' is not PARTY_ID=SHARE",
                hint="For example --holder 12=1/2 --holder 13=1/2.",
            )
        holders.append((int(match["party"]), match["share"] or "1"))
    return holders


def current_parcel_id(session: Session, ref: str) -> int:
    """The id of the parcel bearing an identity (COMMUNE/SHEET/NUMBER); an error names it."""
    parcel = service.find_parcel(session, parse_parcel_ref(ref))
    if parcel is None:
        raise CadastreError(f"No parcel {ref}", hint="Check the commune code, sheet and number.")
    return parcel.id
