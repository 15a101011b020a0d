"""COPY rows into a table: the fast path for staging files and samples."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import psycopg2.extensions


def copy_rows(cur: psycopg2.extensions.cursor, target: str, rows: Iterable[tuple]) -> int:
    """COPY rows (None becomes NULL) into `target`, e.g. "schema.table (a, b)"; returns count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for row in rows:
        writer.writerow(["\\N" if value is None else value for value in row])
        count += 1
    buffer.seek(0)
    cur.copy_expert(f"COPY {target} FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
    return count
