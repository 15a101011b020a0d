"""What every binding does: run one statement, take its single value; pass JSON as jsonb."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeAlias

import psycopg2.extensions
from psycopg2.extras import Json

Cursor: TypeAlias = psycopg2.extensions.cursor
# A date as a date or as ISO text ('2025-03-20'); an instant likewise.
Day: TypeAlias = dt.date | str
Instant: TypeAlias = dt.datetime | str
# A geometry as EWKT ('SRID=5897;POLYGON(…)') or hex EWKB; the operations bring it to the
# register's CRS (cadastre.to_register_crs) and refuse one without an SRID.
Geometry: TypeAlias = str
# JSON as Python values (dicts, lists) or as JSON text already written.
JsonValue: TypeAlias = str | list[Any] | dict[str, Any]


def jsonb(value: JsonValue | None) -> Json | str | None:
    """A JSON argument as psycopg2 sends it: text as it is, Python values encoded."""
    if value is None or isinstance(value, str):
        return value
    return Json(value)


def one_value(cur: Cursor, statement: str, params: Mapping[str, Any]) -> Any:
    """Run a statement with named parameters and return the first column of its row; None
    when it returns no row (a look-up that found nothing: find_parcel_id)."""
    cur.execute(statement, params)
    row = cur.fetchone()
    return None if row is None else row[0]


def dict_rows(cur: Cursor, statement: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Run a statement with named parameters and return its rows as dicts."""
    cur.execute(statement, params)
    if cur.description is None:
        raise RuntimeError(f"The statement returns no rows to read: {statement!r}")
    names = [column.name for column in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
