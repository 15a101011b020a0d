"""The public register as the web view reads it: SQL of schema public_register, with the
look-ups and tiles cached server-side and evicted where the register changed."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from cadastre.web.cache import (
    WORLD_HALF,
    Box,
    ChangeWatcher,
    SpatialCache,
    lonlat_box_to_mercator,
    tile_box,
)
from cadastre.web.config import WebSettings
from cadastre.web.db import Database
from cadastre.web.errors import WebError
from cadastre.web.middleware import MIN_COMPRESS, gzipped

COMMUNE_CODE = re.compile(r"^[0-9]{5}$")
WORLD: Box = (-WORLD_HALF, -WORLD_HALF, WORLD_HALF, WORLD_HALF)
FOLD_FROM = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)
FOLD_TO = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)

PARCEL_SQL = "SELECT public_register.parcel_document($1, $2, $3)::text"
COMMUNES_SQL = (
    "SELECT code, name, name_folded, in_force, replaced_by, bbox "
    "FROM public_register.commune ORDER BY name, code"
)
CERTIFICATE_SQL = (
    "SELECT serial, issued_on, cancelled_on, in_force, replaced_by, parcels "
    "FROM public_register.certificate WHERE serial = $1"
)
SEARCH_SQL = "SELECT * FROM public_register.search_address($1, $2)"
LAND_USES_SQL = "SELECT code, name FROM public_register.land_use_code ORDER BY code"
POINT_SQL = "SELECT public_register.parcel_at($1, $2)"
TILE_SQL = "SELECT public_register.parcel_tile($1, $2, $3)"


def fold(value: str) -> str:
    """The same folding as SQL public_register.fold: NFC, no diacritics, đ → d, lower case."""
    return unicodedata.normalize("NFC", value).lower().translate(FOLD_TABLE)


@dataclass
class Encoded:
    """An answer's bytes, and the same gzipped: compressed once, on the first request that
    accepts gzip, and kept with the answer in the cache."""

    body: bytes
    _gzipped: bytes | None = field(default=None, repr=False)

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzipped(self.body)
        return self._gzipped

    def worth_compressing(self) -> bool:
        return len(self.body) >= MIN_COMPRESS


@dataclass
class ParcelAnswer(Encoded):
    """A parcel document as the API sends it (bytes) and as pages read it (parsed once)."""

    _document: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def document(self) -> dict[str, Any]:
        if self._document is None:
            self._document = json.loads(self.body)
        return self._document


class PublicRegister:
    """Reads of the public register, cached per worker process."""

    def __init__(self, settings: WebSettings, db: Database) -> None:
        self.db = db
        self.tiles = SpatialCache(settings.tile_cache_size)
        self.lookups = SpatialCache(settings.lookup_cache_size)
        self.watcher = ChangeWatcher(db, [self.tiles, self.lookups], settings.change_poll_seconds)

    async def start(self) -> None:
        """Begin watching for changes (the caches start empty)."""
        await self.watcher.start()

    async def refresh(self) -> None:
        """Evict what changed since the last look, at most every poll interval."""
        if self.watcher.due():
            await self.watcher.poll()

    async def parcel(self, commune: str, sheet: str, number: int) -> ParcelAnswer:
        """The public document of the parcel bearing an identity (cached)."""
        await self.refresh()
        key = ("parcel", commune, sheet, number)
        answer = self.lookups.get(key)
        if answer is not None:
            return answer
        epoch = self.watcher.epoch
        row = await self.db.one(PARCEL_SQL, commune, sheet, number)
        if row is None or row[0] is None:
            raise WebError(404, "not_found_parcel", ref=f"{commune}/{sheet}/{number}")
        answer = ParcelAnswer(row[0].encode())
        # Parsing the document for its box costs as much as sending it: only when caching.
        if self.lookups.capacity > 0 and epoch == self.watcher.epoch:
            box = lonlat_box_to_mercator(answer.document["location"]["bbox"])
            self.lookups.put(key, answer, box)
        return answer

    async def communes(self) -> list[dict[str, Any]]:
        """Every commune (cached; any change in the register refreshes it)."""
        await self.refresh()
        found = self.lookups.get(("communes",))
        if found is None:
            epoch = self.watcher.epoch
            rows = await self.db.all(COMMUNES_SQL)
            found = [
                {"code": r[0], "name": r[1], "folded": r[2], "in_force": r[3],
                 "replaced_by": r[4], "bbox": r[5]}
                for r in rows
            ]
            if epoch == self.watcher.epoch:
                self.lookups.put(("communes",), found, WORLD)
        return found

    async def find_communes(self, query: str | None) -> list[dict[str, Any]]:
        """Communes whose code starts with, or folded name contains, the query."""
        communes = await self.communes()
        if not query:
            return communes
        wanted = fold(query.strip())
        return [c for c in communes if c["code"].startswith(wanted) or wanted in c["folded"]]

    async def resolve_commune(self, value: str) -> str:
        """A commune code from a code or a name typed with or without accents."""
        value = value.strip()
        communes = await self.communes()
        if COMMUNE_CODE.match(value):
            if any(c["code"] == value for c in communes):
                return value
            raise WebError(404, "not_found_commune", commune=value)
        wanted = fold(value)
        exact = [c for c in communes if c["folded"] == wanted]
        partial = exact or [c for c in communes if wanted and wanted in c["folded"]]
        in_force = [c for c in partial if c["in_force"]] or partial
        if len(in_force) == 1:
            return in_force[0]["code"]
        if not in_force:
            raise WebError(404, "not_found_commune", commune=value)
        names = ", ".join(f"{c['name']} ({c['code']})" for c in in_force[:5])
        raise WebError(409, "ambiguous_commune", commune=value, names=names)

    async def certificate(self, serial: str) -> dict[str, Any]:
        """A certificate by serial."""
        row = await self.db.one(CERTIFICATE_SQL, serial)
        if row is None:
            raise WebError(404, "not_found_certificate", serial=serial)
        return {
            "serial": row[0], "issued_on": row[1], "cancelled_on": row[2], "in_force": row[3],
            "replaced_by": row[4], "parcels": list(row[5]),
        }

    async def search(self, query: str, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """Current parcels at an address (only those at the exact house number when there
        are any), and whether there are more than `limit`."""
        rows = await self.db.all(SEARCH_SQL, query, limit + 1)
        hits = [
            {"ref": r[0], "address": r[1], "commune_name": r[2], "status_codes": list(r[3])}
            for r in rows[:limit]
        ]
        return hits, len(rows) > limit

    async def land_use_names(self) -> dict[str, str]:
        """Land-use purpose names by code, in Vietnamese (cached like the communes)."""
        await self.refresh()
        found = self.lookups.get(("land_uses",))
        if found is None:
            epoch = self.watcher.epoch
            found = {r[0]: r[1] for r in await self.db.all(LAND_USES_SQL)}
            if epoch == self.watcher.epoch:
                self.lookups.put(("land_uses",), found, WORLD)
        return found

    async def parcel_at(self, lon: float, lat: float) -> str:
        """Identity of the current parcel under a point."""
        row = await self.db.one(POINT_SQL, lon, lat)
        if row is None or row[0] is None:
            raise WebError(404, "point_outside")
        return row[0]

    async def tile(self, z: int, x: int, y: int) -> Encoded:
        """A vector tile (cached, with its gzipped bytes once asked for)."""
        await self.refresh()
        key = (z, x, y)
        tile = self.tiles.get(key)
        if tile is None:
            epoch = self.watcher.epoch
            row = await self.db.one(TILE_SQL, z, x, y)
            tile = Encoded(bytes(row[0]) if row and row[0] is not None else b"")
            if epoch == self.watcher.epoch:
                self.tiles.put(key, tile, tile_box(z, x, y))
        return tile
