"""The OGC API's reads of the public register: one statement each, as the web role, through
the web view's connections (cadastre.web.db). SQL in sql/functions/096_ogc_api.sql."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from cadastre.web.db import Database, Row
from cadastre.web.ogc.crs import Crs
from cadastre.web.ogc.query import Box, When

EXTENT_SECONDS = 300.0
# The bbox, in the register's CRS: its edges are segmented before projecting so a box given
# in degrees or Web Mercator keeps its curved sides.
_AREA = ("ST_Transform(ST_Segmentize(ST_MakeEnvelope($1::float8, $2::float8, $3::float8, "
         "$4::float8, $5::integer), greatest($3::float8 - $1::float8, $4::float8 - $2::float8) "
         "/ 32), $6::integer)")
PARCELS_SQL = (
    "SELECT * FROM public_register.ogc_parcels($7, $8, $9, $10, $11, $12, $13, "
    f"CASE WHEN $1::float8 IS NULL THEN NULL ELSE {_AREA} END, "
    "$14, $15, $16, $17, $18, $19, $20)"
)
COUNT_SQL = (
    "SELECT public_register.ogc_parcel_count($7, $8, $9, $10, $11, $12, $13, "
    f"CASE WHEN $1::float8 IS NULL THEN NULL ELSE {_AREA} END)"
)
COMMUNES_SQL = (
    f"SELECT * FROM public_register.ogc_communes(CASE WHEN $1::float8 IS NULL THEN NULL "
    f"ELSE {_AREA} END, $7, $8, $9)"
)
SHEETS_SQL = (
    f"SELECT * FROM public_register.ogc_map_sheets(CASE WHEN $1::float8 IS NULL THEN NULL "
    f"ELSE {_AREA} END, $7, $8, $9, $10)"
)
LAND_USES_SQL = ("SELECT code, name, group_code, fill_color FROM public_register.land_use_code "
                 "ORDER BY code")
SRID_SQL = "SELECT public_register.ogc_register_srid()"
EXTENT_SQL = "SELECT * FROM public_register.ogc_parcel_extent()"


@dataclass(frozen=True)
class ParcelFilter:
    """What a parcels request selects (the same for a page and its count)."""

    when: When
    bbox: Box | None
    communes: list[str] | None
    land_uses: list[str] | None
    statuses: list[str] | None
    parcel_id: int | None = None


class OgcStore:
    """Reads for the OGC API, with the register's CRS and extent kept per process."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._srid: int | None = None
        self._extent: tuple[float, Row | None] = (0.0, None)

    async def register_srid(self) -> int:
        """The register's CRS (fixed when the register is created)."""
        if self._srid is None:
            row = await self.db.one(SRID_SQL)
            if row is None or row[0] is None:
                raise RuntimeError("the register has no CRS: run `cadastre db start` first")
            self._srid = int(row[0])
        return self._srid

    async def parcel_extent(self) -> Row | None:
        """The current parcels' CRS84 box and the first recorded instant (kept 5 minutes)."""
        at, row = self._extent
        if row is None or time.monotonic() - at > EXTENT_SECONDS:
            row = await self.db.one(EXTENT_SQL)
            self._extent = (time.monotonic(), row)
        return row

    async def _area(self, bbox: Box | None) -> list[Any]:
        if bbox is None:
            return [None] * 6
        return [bbox.xmin, bbox.ymin, bbox.xmax, bbox.ymax, bbox.crs.srid,
                await self.register_srid()]

    async def _filter_args(self, f: ParcelFilter) -> list[Any]:
        w = f.when
        return [*await self._area(f.bbox), w.interval, w.at, w.start, w.end, f.communes,
                f.land_uses, f.statuses]

    async def parcels(self, f: ParcelFilter, crs: Crs, after: tuple[int, int] | None,
                      limit: int) -> list[Row]:
        """Up to `limit` parcel rows after the (id, version) cursor."""
        after_id, after_version = after or (None, None)
        return await self.db.all(PARCELS_SQL, *await self._filter_args(f), f.parcel_id,
                                 crs.srid, crs.flip, crs.decimals, after_id, after_version,
                                 limit)

    async def parcel_count(self, f: ParcelFilter) -> int:
        row = await self.db.one(COUNT_SQL, *await self._filter_args(f))
        return int(row[0]) if row else 0

    async def communes(self, bbox: Box | None, crs: Crs) -> list[Row]:
        return await self.db.all(COMMUNES_SQL, *await self._area(bbox), crs.srid, crs.flip,
                                 crs.decimals)

    async def map_sheets(self, bbox: Box | None, communes: list[str] | None,
                         crs: Crs) -> list[Row]:
        return await self.db.all(SHEETS_SQL, *await self._area(bbox), communes, crs.srid,
                                 crs.flip, crs.decimals)

    async def land_use_codes(self) -> list[Row]:
        return await self.db.all(LAND_USES_SQL)
