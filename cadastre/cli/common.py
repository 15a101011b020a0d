"""Helpers shared by the CLI command groups."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import overload

import psycopg2
from rich.console import Console

from cadastre.db.connection import database_error, transaction
from cadastre.errors import CadastreError
from cadastre.register.binding import parcels
from cadastre.register.binding.call import Cursor
from cadastre.register.refs import ParcelRef, parse_parcel_ref

console = Console(soft_wrap=True)
SHARE = re.compile(r"^(?P<party>[0-9]+)(=(?P<share>[0-9]+(/[0-9]+)?))?$")


@contextmanager
def work() -> Iterator[Cursor]:
    """One transaction on the register as the CLI's user (DATABASE_URL, else the operator):
    committed when the block succeeds; a refusal becomes the rule's own message and hint."""
    try:
        with transaction() as cur:
            yield cur
    except psycopg2.Error as exc:
        raise database_error(exc) from exc


@overload
def parse_date(value: str, option: str) -> dt.date: ...
@overload
def parse_date(value: str | None, option: str) -> dt.date | None: ...
def parse_date(value: str | None, option: str) -> dt.date | None:
    """Parse YYYY-MM-DD, naming the option when it is malformed."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CadastreError(f"{option}: '{value}' is not a date", hint="Write YYYY-MM-DD.") from exc


def parse_holders(values: list[str]) -> list[dict[str, object]]:
    """PARTY_ID=SHARE values (e.g. 12=1/2) as the operations' holders [{party_id, share}]."""
    holders: list[dict[str, object]] = []
    for value in values:
        match = SHARE.match(value.strip())
        if not match:
            raise CadastreError(
                f"--holder '{value}' is not PARTY_ID=SHARE",
                hint="For example --holder 12=1/2 --holder 13=1/2.",
            )
        holders.append({"party_id": int(match["party"]), "share": match["share"] or "1"})
    return holders


def find_parcel_id(cur: Cursor, ref: ParcelRef, at: dt.datetime | None = None) -> int | None:
    """The id of the parcel bearing an identity now (or current at an instant)."""
    return parcels.find_parcel_id(
        cur, commune=ref.commune, sheet=ref.sheet, number=ref.number, at=at
    )


def current_parcel_id(cur: Cursor, ref: str) -> int:
    """The id of the parcel bearing an identity (COMMUNE/SHEET/NUMBER); an error names it."""
    parcel_id = find_parcel_id(cur, parse_parcel_ref(ref))
    if parcel_id is None:
        raise CadastreError(f"No parcel {ref}", hint="Check the commune code, sheet and number.")
    return parcel_id
