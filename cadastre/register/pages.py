"""Publishing the parcels' public pages (public_register.parcel_page).

Writers never compose pages: a change puts the pages it affects out of force, and so does the
day a right or restriction ends. Publishing composes them again (after an import, and daily).
A parcel whose page is not in force is composed at look-up time, so publishing makes
look-ups fast; it is never what makes them right.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg2
import psycopg2.extensions

from cadastre.db.connection import user_error
from cadastre.db.rows import one_row

BATCH = 500  # pages per transaction (≈ 0.5 s): progress is kept if interrupted


def pages_to_publish(conn: psycopg2.extensions.connection) -> list[int]:
    """Ids of the parcels whose page is not in force (missing, put out by a change, or past
    the day a right or restriction on it ends)."""
    with conn, conn.cursor() as cur:
        cur.execute("SELECT public_register.pages_to_publish()")
        return [row[0] for row in cur.fetchall()]


def publish_pages(
    conn: psycopg2.extensions.connection,
    ids: list[int] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Publish the pages of `ids` (default: every one not in force), one committed
    transaction per batch, so an interruption keeps what was done; returns pages written."""
    ids = pages_to_publish(conn) if ids is None else ids
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        try:
            with conn, conn.cursor() as cur:  # committed, or rolled back on any error
                cur.execute("SELECT public_register.publish_pages(%s::bigint[])", (batch,))
                written += one_row(cur)[0]
        except psycopg2.Error as exc:
            raise user_error(exc) from exc
        if on_batch:
            on_batch(len(batch))
    return written
