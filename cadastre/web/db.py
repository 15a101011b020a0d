"""A small pool of read-only connections (psycopg2) used from worker threads."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any

import anyio.to_thread
import psycopg2
import psycopg2.extensions
import psycopg2.pool

from cadastre.db.connection import CONNECT_TIMEOUT_S

Row = tuple[Any, ...]


class Database:
    """Connections as the web role; queries run in a worker thread so the event loop stays free."""

    def __init__(self, url: str, size: int) -> None:
        self.url = url
        # One connection more than the query threads: the change watcher's. All are opened
        # now and kept: psycopg2's pool closes any connection returned beyond its minimum.
        self._pool = psycopg2.pool.ThreadedConnectionPool(
            size + 1,
            size + 1,
            url,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="cadastre-web",
        )
        self._limiter = anyio.CapacityLimiter(size)
        self._closed = threading.Event()

    @contextmanager
    def _connection(self):
        conn = self._pool.getconn()
        try:
            conn.autocommit = True
            yield conn
        except psycopg2.OperationalError:
            self._pool.putconn(conn, close=True)
            raise
        else:
            self._pool.putconn(conn)

    def fetch_all(self, query: str, params: Sequence[Any] | dict | None = None) -> list[Row]:
        """Rows of one read-only statement (blocking)."""
        with self._connection() as conn, conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()

    async def all(self, query: str, params: Sequence[Any] | dict | None = None) -> list[Row]:
        """Rows of one statement, run in a worker thread."""
        return await anyio.to_thread.run_sync(
            self.fetch_all, query, params, limiter=self._limiter
        )

    async def one(self, query: str, params: Sequence[Any] | dict | None = None) -> Row | None:
        """The first row of one statement, or None."""
        found = await self.all(query, params)
        return found[0] if found else None

    def close(self) -> None:
        """Close every connection."""
        if not self._closed.is_set():
            self._closed.set()
            self._pool.closeall()
