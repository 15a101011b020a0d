"""Server-side caches of tiles and look-ups, evicted by where the register changed.

Every cached entry remembers its box in Web Mercator (EPSG:3857). The database tells where
the public picture changed (`public_register.changes_since`: parcels by the transaction that
wrote them, and the notes triggers write to `public_register.map_change`); the `ChangeWatcher`
reads what is new (at most every `poll_seconds`, when a request comes) and evicts only the
entries whose boxes it intersects.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cadastre.web.db import Database

Box = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in EPSG:3857
WORLD_HALF = 20037508.342789244
TILE_BUFFER = 64 / 4096  # the buffer parcel_tile draws around each tile
MAX_BOXES = 32  # more changed boxes than this at once are merged into one


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 longitude/latitude to Web Mercator metres."""
    lat = max(min(lat, 85.05112878), -85.05112878)
    x = lon * WORLD_HALF / 180.0
    y = math.log(math.tan((90.0 + lat) * math.pi / 360.0)) * WORLD_HALF / math.pi
    return x, y


def lonlat_box_to_mercator(bbox: Iterable[float]) -> Box:
    """[west, south, east, north] in degrees to a Web Mercator box."""
    west, south, east, north = (float(v) for v in bbox)
    x0, y0 = mercator(west, south)
    x1, y1 = mercator(east, north)
    return (x0, y0, x1, y1)


def tile_box(z: int, x: int, y: int, buffer: float = TILE_BUFFER) -> Box:
    """The Web Mercator box a tile draws (with its buffer)."""
    size = 2 * WORLD_HALF / (1 << z)
    margin = size * buffer
    xmin = -WORLD_HALF + x * size
    ymax = WORLD_HALF - y * size
    return (xmin - margin, ymax - size - margin, xmin + size + margin, ymax + margin)


def intersects(a: Box, b: Box) -> bool:
    """True when two boxes share at least a point."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass
class SpatialCache:
    """A bounded LRU cache whose entries carry a box; changes evict the entries they touch.

    Used from one event loop only (no locks)."""

    capacity: int
    _entries: OrderedDict[Hashable, tuple[Any, Box]] = field(default_factory=OrderedDict)

    def get(self, key: Hashable) -> Any | None:
        """The cached value, or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable, value: Any, box: Box) -> None:
        """Cache a value drawn over `box`."""
        if self.capacity <= 0:
            return
        self._entries[key] = (value, box)
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def evict(self, boxes: list[Box]) -> int:
        """Drop every entry intersecting one of the boxes; returns how many."""
        if not boxes:
            return 0
        if len(boxes) > MAX_BOXES:  # a burst of changes: one box around them all
            boxes = [
                (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                )
            ]
        stale = [
            key
            for key, (_, box) in self._entries.items()
            if any(intersects(box, changed) for changed in boxes)
        ]
        for key in stale:
            del self._entries[key]
        return len(stale)

    def clear(self) -> None:
        """Drop everything."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries


XMIN_SQL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
POLL_SQL = f"""
    WITH s AS ({XMIN_SQL} AS xmin)
    SELECT s.xmin, c.change_key, c.tx,
           ST_XMin(c.box), ST_YMin(c.box), ST_XMax(c.box), ST_YMax(c.box)
    FROM s LEFT JOIN LATERAL public_register.changes_since($1::bigint) AS c ON true
    ORDER BY c.tx, c.change_key
"""


class ChangeWatcher:
    """Reads what changed in the register since its last read and evicts what it made stale.

    A change is read once its transaction has committed, whatever its number: the watcher
    re-reads from the oldest transaction that was still running at its previous read (the
    snapshot's xmin) and skips the changes (by key) it has already applied.
    """

    def __init__(self, db: Database, caches: list[SpatialCache], poll_seconds: float) -> None:
        self.db = db
        self.caches = caches
        self.poll_seconds = poll_seconds
        self._xmin = 0
        self._applied: dict[str, int] = {}  # change key -> its transaction id
        self._last_poll = -math.inf
        self._reading = False
        # Increases whenever changes are read: an answer computed across an increase may
        # predate a change and is not cached.
        self.epoch = 0

    async def start(self) -> None:
        """Remember what already happened: the caches start empty, so only the changes of
        transactions still running now matter (reading the register's whole history took
        longer than the web role's statement timeout at 1M parcels)."""
        self._xmin = int(await self.db.value(XMIN_SQL))
        await self._read(apply=False)

    def due(self) -> bool:
        """True when the last read is older than the poll interval."""
        return time.monotonic() - self._last_poll >= self.poll_seconds

    async def poll(self) -> int:
        """Read new changes now; returns how many cached entries were evicted."""
        if self._reading:
            return 0  # another request is reading; its result serves this one too
        self._reading = True
        try:
            return await self._read(apply=True)
        finally:
            self._reading = False

    async def _read(self, apply: bool) -> int:
        self._last_poll = time.monotonic()
        rows = await self.db.all(POLL_SQL, self._xmin)
        boxes: list[Box] = []
        xmin = self._xmin
        for row in rows:
            xmin = int(row[0])
            key = row[1]
            if key is None or key in self._applied:
                continue
            self._applied[key] = int(row[2])
            boxes.append((row[3], row[4], row[5], row[6]))
        self._xmin = xmin
        self._applied = {key: tx for key, tx in self._applied.items() if tx >= xmin}
        if not apply or not boxes:
            return 0
        self.epoch += 1
        return sum(cache.evict(boxes) for cache in self.caches)
