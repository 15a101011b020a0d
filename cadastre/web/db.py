"""The web view's read-only connections: asyncpg on the event loop, handed out first come,
first served.

asyncpg rather than psycopg2 in worker threads: a look-up then costs no thread hand-off, and
each statement is prepared once per connection. The pool is this module's own, not asyncpg's,
for two reasons: asyncpg's pool runs a reset query on every release (a second round trip per
look-up), and it queues waiters so that a request arriving as a connection comes back may
take it ahead of those already waiting; under load that starves a few requests (a long p99).
Here a released connection goes straight to the longest-waiting request.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeAlias

import asyncpg

from cadastre.db.connection import CONNECT_TIMEOUT_S

Row: TypeAlias = asyncpg.Record
APPLICATION_NAME = "cadastre-web"


class DatabaseUnavailableError(Exception):
    """The register cannot be reached (server down, connection lost): try again later."""


class Database:
    """A fixed number of connections as the web role; statements run on the event loop."""

    def __init__(self, url: str, size: int) -> None:
        self.url = url
        self.size = size
        self._free: deque[asyncpg.Connection | None] = deque()
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._closed = False

    async def open(self) -> None:
        """Open every connection now, so the first requests do not wait for them."""
        self._free.extend([await self._connect() for _ in range(self.size)])

    async def _connect(self) -> asyncpg.Connection:
        return await asyncpg.connect(
            self.url,
            timeout=CONNECT_TIMEOUT_S,
            server_settings={"application_name": APPLICATION_NAME},
        )

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection for one statement; a broken one is replaced on its next use."""
        if self._closed:
            raise DatabaseUnavailableError("the web view's connections are closed")
        if self._free and not self._waiters:
            conn = self._free.popleft()
        else:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                conn = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._release(waiter.result())  # handed over just as we were cancelled
                raise
        try:
            if conn is None or conn.is_closed():
                conn = None
                conn = await self._connect()
            yield conn
        except asyncpg.PostgresError:
            if conn is not None and conn.is_closed():  # a FATAL error: the server hung up
                conn = None
            raise
        except BaseException as exc:
            # Anything else (lost socket, protocol out of step, cancelled mid-statement) leaves
            # the connection in doubt: drop it; its slot reconnects on its next use.
            if conn is not None:
                conn.terminate()
            conn = None
            if isinstance(exc, Exception):
                raise DatabaseUnavailableError(str(exc) or type(exc).__name__) from exc
            raise
        finally:
            self._release(conn)

    def _release(self, conn: asyncpg.Connection | None) -> None:
        """Hand the connection (None: its slot, to reconnect) to the oldest waiter."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        self._free.append(conn)

    async def all(self, query: str, *args: Any) -> list[Row]:
        """Rows of one read-only statement ($1, $2 … for the arguments)."""
        async with self.connection() as conn:
            return await conn.fetch(query, *args)

    async def one(self, query: str, *args: Any) -> Row | None:
        """The first row of one statement, or None."""
        async with self.connection() as conn:
            return await conn.fetchrow(query, *args)

    async def value(self, query: str, *args: Any) -> Any:
        """The one value of a statement that always answers one row (an aggregate)."""
        async with self.connection() as conn:
            return await conn.fetchval(query, *args)

    async def close(self) -> None:
        """Close every connection; waiting requests fail."""
        self._closed = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(DatabaseUnavailableError("the web view is shutting down"))
        self._waiters.clear()
        while self._free:
            conn = self._free.popleft()
            if conn is not None:
                await conn.close(timeout=CONNECT_TIMEOUT_S)
