"""Reading the row a statement is certain to return (an aggregate, INSERT … RETURNING)."""

from __future__ import annotations

from typing import Any

import psycopg2.extensions


def one_row(cur: psycopg2.extensions.cursor) -> tuple[Any, ...]:
    """The row the last statement returned; no row there is a bug, not bad input."""
    row = cur.fetchone()
    if row is None:
        raise RuntimeError(f"The statement returned no row: {cur.query!r}")
    return row
