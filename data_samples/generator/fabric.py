"""The parcel fabric of all wards: lots of every block plus street pieces, exactly noded.

Every parcel ring is a list of indices into one point table; a point shared by several
parcels is computed once (or from the same stop of the grid), then all points are rounded
to millimetres together, so shared vertices are bit-identical in every ring that uses them.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely

from .blocks import ROW_FULL, ROW_NORTH, ROW_SOUTH, BlockBuilder, BlockLayout
from .grid import E, M, N, S, StreetGrid, W, WardFrame

StopIndex = Callable[[int, int, int, int], int]
"""grid.stop_index: the point index of stop (i, j) of crossing (c, r)."""

LOT = 0
INSTITUTION_LOT = 1
ROAD = 2
INSTITUTION_MIN_FRONTAGE_M = 20.0


@dataclass(slots=True)
class Fabric:
    """Parcel rings, per-parcel layout facts and the event plans placed in the fabric."""

    points_mm: np.ndarray
    ring_points: np.ndarray
    ring_offsets: np.ndarray
    ward: np.ndarray
    category: np.ndarray
    street: np.ndarray
    street_side: np.ndarray
    street_pos: np.ndarray
    boundaries: list[np.ndarray]
    splits: list[tuple[int, int, int]]
    merges: list[tuple[int, int]]
    resurveys: list[tuple[int, int, int, tuple[int, int]]]

    @property
    def size(self) -> int:
        """Number of parcels."""
        return self.ring_offsets.size - 1

    def ring_mm(self, parcel: int) -> list[tuple[int, int]]:
        """Millimetre vertices of one parcel's ring (not closed)."""
        idx = self.ring_points[self.ring_offsets[parcel] : self.ring_offsets[parcel + 1]]
        return [(int(x), int(y)) for x, y in self.points_mm[idx]]

    def polygons(self) -> np.ndarray:
        """All parcels as shapely polygons (metres, millimetre precision)."""
        coords = self.points_mm[self.ring_points] / 1000.0
        sizes = np.diff(self.ring_offsets)
        rings = shapely.linearrings(coords, indices=np.repeat(np.arange(sizes.size), sizes))
        return shapely.polygons(rings)

    def boundary_polygons(self) -> list[shapely.Polygon]:
        """Each ward's boundary polygon along the street centre lines."""
        return [shapely.Polygon(ring / 1000.0) for ring in self.boundaries]


@dataclass(slots=True)
class _Collector:
    """Accumulates points, rings and per-parcel facts while wards are built."""

    points: list[tuple[float, float]] = field(default_factory=list)
    n_points: int = 0
    rings: list[list[int]] = field(default_factory=list)
    ring_base: list[int] = field(default_factory=list)
    facts: list[tuple[int, int, int, int, float]] = field(default_factory=list)
    splits: list[tuple[int, int, int]] = field(default_factory=list)
    merges: list[tuple[int, int]] = field(default_factory=list)
    resurveys: list[tuple[int, int, int, tuple[float, float]]] = field(default_factory=list)

    def add_points(self, pts: list[tuple[float, float]]) -> int:
        """Append points; return the index of the first one."""
        base = self.n_points
        self.points.extend(pts)
        self.n_points += len(pts)
        return base

    def add_parcel(self, ring: list[int], base: int, facts: tuple) -> int:
        """Append one parcel ring (indices relative to `base`) and its facts."""
        self.rings.append(ring)
        self.ring_base.append(base)
        self.facts.append(facts)
        return len(self.rings) - 1


def lot_street(grid: StreetGrid, r: int, row: int) -> tuple[int, int]:
    """Street line a lot faces and the side it is on (0: north of the line, 1: south)."""
    if row == ROW_SOUTH:
        return r, 0
    if row == ROW_NORTH:
        return r + 1, 1
    if grid.main_row[r] or not grid.main_row[r + 1]:
        return r, 0
    return r + 1, 1


def block_corners(grid: StreetGrid, c: int, r: int) -> list[tuple[float, float]]:
    """SW, SE, NE, NW corners of block (c, r): corners of the four crossing squares."""
    return [
        tuple(grid.stop(*at).tolist())
        for at in ((c, r, E, N), (c + 1, r, W, N), (c + 1, r + 1, W, S), (c, r + 1, E, S))
    ]


def add_block(
    grid: StreetGrid, frame: WardFrame, c: int, r: int, layout: BlockLayout, acc: _Collector
) -> tuple[list[int], list[int], list[int], list[int]]:
    """Register a block's lots and plans; return its chains as global point indices."""
    base = acc.add_points(layout.points)
    first = len(acc.rings)
    west_x = layout.points[layout.south_chain[0]][0]
    east_x = layout.points[layout.south_chain[-1]][0]
    for lot in layout.lots:
        street, side = lot_street(grid, r, lot.row)
        kind = INSTITUTION_LOT if lot.row == ROW_FULL else LOT
        pos = west_x + lot.front_u * (east_x - west_x)
        acc.add_parcel(lot.ring, base, (frame.index, kind, street, side, pos))
    acc.splits += [(first + p, base + f, base + b) for p, f, b in layout.splits]
    acc.merges += [(first + a, first + b) for a, b in layout.merges]
    acc.resurveys += [(first + a, first + b, base + v, xy) for a, b, v, xy in layout.resurveys]
    return tuple(
        [base + i for i in chain]
        for chain in (layout.south_chain, layout.north_chain, layout.west_chain, layout.east_chain)
    )


def horizontal_piece(
    grid: StreetGrid, frame: WardFrame, c: int, r: int, chains: dict, stop: StopIndex
) -> list[int]:
    """Ring of the street piece on line r from crossing c to c+1, with crossing c's square."""
    xa = M if c == frame.c0 else W
    ya = M if r == frame.r0 else S
    yb = M if r == frame.r1 else N
    ring = [stop(c, r, xa, ya), stop(c, r, E, ya)]
    if ya == S:
        ring += chains[(c, r - 1)][1][1:-1]
    ring.append(stop(c + 1, r, W, ya))
    if c + 1 == frame.c1:
        ring += [stop(c + 1, r, M, ya), stop(c + 1, r, M, yb)]
    ring.append(stop(c + 1, r, W, yb))
    if yb == N:
        ring += chains[(c, r)][0][-2:0:-1]
    ring += [stop(c, r, E, yb), stop(c, r, xa, yb)]
    return ring


def vertical_piece(
    grid: StreetGrid, frame: WardFrame, c: int, r: int, chains: dict, stop: StopIndex
) -> list[int]:
    """Ring of the street piece on line c between the squares of crossings r and r+1."""
    xa = M if c == frame.c0 else W
    xb = M if c == frame.c1 else E
    ring = [stop(c, r, xa, N), stop(c, r, xb, N)]
    if xb == E:
        ring += chains[(c, r)][2][1:-1]
    ring += [stop(c, r + 1, xb, S), stop(c, r + 1, xa, S)]
    if xa == W:
        ring += chains[(c - 1, r)][3][-2:0:-1]
    return ring


def ward_boundary(frame: WardFrame, stop: StopIndex) -> list[int]:
    """Counter-clockwise boundary ring of a ward along its streets' centre lines."""
    c0, c1, r0, r1 = frame.c0, frame.c1, frame.r0, frame.r1
    ring = [stop(c0, r0, M, M), stop(c0, r0, E, M)]
    for c in range(c0 + 1, c1):
        ring += [stop(c, r0, W, M), stop(c, r0, E, M)]
    ring += [stop(c1, r0, W, M), stop(c1, r0, M, M), stop(c1, r0, M, N)]
    for r in range(r0 + 1, r1):
        ring += [stop(c1, r, M, S), stop(c1, r, M, N)]
    ring += [stop(c1, r1, M, S), stop(c1, r1, M, M), stop(c1, r1, W, M)]
    for c in range(c1 - 1, c0, -1):
        ring += [stop(c, r1, E, M), stop(c, r1, W, M)]
    ring += [stop(c0, r1, E, M), stop(c0, r1, M, M), stop(c0, r1, M, S)]
    for r in range(r1 - 1, r0, -1):
        ring += [stop(c0, r, M, N), stop(c0, r, M, S)]
    ring.append(stop(c0, r0, M, N))
    return ring


@dataclass(slots=True)
class WardParts:
    """One ward's own points and parcels; point indices below the stop count are grid stops."""

    points: np.ndarray
    ring_sizes: np.ndarray
    ring_points: np.ndarray
    facts: np.ndarray
    splits: list[tuple[int, int, int]]
    merges: list[tuple[int, int]]
    resurveys: list[tuple[int, int, int, tuple[int, int]]]
    boundary: list[int]


def collected_parts(acc: _Collector, boundary: list[int]) -> WardParts:
    """Pack a ward's collector into arrays (cheap to send between processes)."""
    sizes = np.fromiter(map(len, acc.rings), dtype=np.int64, count=len(acc.rings))
    flat = np.fromiter(
        itertools.chain.from_iterable(acc.rings), dtype=np.int64, count=int(sizes.sum())
    )
    flat += np.repeat(np.asarray(acc.ring_base, dtype=np.int64), sizes)
    return WardParts(
        points=np.array(acc.points, dtype=np.float64).reshape(-1, 2),
        ring_sizes=sizes,
        ring_points=flat,
        facts=np.array(acc.facts, dtype=np.float64).reshape(-1, 5),
        splits=acc.splits,
        merges=acc.merges,
        resurveys=[
            (a, b, v, (round(x * 1000.0), round(y * 1000.0))) for a, b, v, (x, y) in acc.resurveys
        ],
        boundary=boundary,
    )


def build_ward(grid: StreetGrid, frame: WardFrame, seed: np.random.SeedSequence) -> WardParts:
    """Blocks (north-west first), then street pieces of one ward, with its own random stream."""
    rnd = random.Random(int.from_bytes(seed.generate_state(2, np.uint32).tobytes(), "little"))
    acc = _Collector(n_points=grid.stops.size // 2)
    chains: dict[tuple[int, int], tuple] = {}
    for r in range(frame.r1 - 1, frame.r0 - 1, -1):
        for c in range(frame.c0, frame.c1):
            layout = BlockBuilder(rnd, block_corners(grid, c, r)).build()
            chains[(c, r)] = add_block(grid, frame, c, r, layout, acc)
    stop = grid.stop_index
    for r in range(frame.r1 - 1, frame.r0 - 1, -1):
        for c in range(frame.c0, frame.c1 + 1):
            ring = vertical_piece(grid, frame, c, r, chains, stop)
            acc.add_parcel(ring, 0, (frame.index, ROAD, grid.rows + c, 0, 0.0))
    for r in range(frame.r1, frame.r0 - 1, -1):
        for c in range(frame.c0, frame.c1):
            ring = horizontal_piece(grid, frame, c, r, chains, stop)
            acc.add_parcel(ring, 0, (frame.index, ROAD, r, 0, 0.0))
    return collected_parts(acc, ward_boundary(frame, stop))


_WORKER_GRID: StreetGrid | None = None


def _remember_grid(grid: StreetGrid) -> None:
    """Worker initialiser: keep the shared grid."""
    global _WORKER_GRID
    _WORKER_GRID = grid


def _build_ward_in_worker(job: tuple[WardFrame, np.random.SeedSequence]) -> WardParts:
    """Worker entry point: build one ward on the remembered grid."""
    return build_ward(_WORKER_GRID, *job)


def build_all_wards(grid: StreetGrid, seeds: list, workers: int | None) -> list[WardParts]:
    """Every ward's parts, in parallel processes when there are several wards and cores."""
    jobs = list(zip(grid.wards, seeds, strict=True))
    n = min(workers or os.cpu_count() or 1, len(jobs))
    if n <= 1 or "fork" not in mp.get_all_start_methods():
        return [build_ward(grid, *job) for job in jobs]
    with mp.get_context("fork").Pool(n, initializer=_remember_grid, initargs=(grid,)) as pool:
        return pool.map(_build_ward_in_worker, jobs, chunksize=1)


def build_fabric(
    grid: StreetGrid, seed: np.random.SeedSequence, workers: int | None = None
) -> Fabric:
    """All wards' parcels as one millimetre point table and index rings."""
    parts = build_all_wards(grid, seed.spawn(len(grid.wards)), workers)
    n_stops = grid.stops.size // 2
    chunks, flats, boundaries = [grid.stops.reshape(-1, 2)], [], []
    splits, merges, resurveys = [], [], []
    point_base, parcel_base = n_stops, 0
    for part in parts:
        shift = point_base - n_stops
        chunks.append(part.points)
        flats.append(
            np.where(part.ring_points < n_stops, part.ring_points, part.ring_points + shift)
        )
        splits += [(parcel_base + p, f + shift, b + shift) for p, f, b in part.splits]
        merges += [(parcel_base + a, parcel_base + b) for a, b in part.merges]
        resurveys += [
            (parcel_base + a, parcel_base + b, v + shift, xy) for a, b, v, xy in part.resurveys
        ]
        boundaries.append(np.asarray(part.boundary, dtype=np.int64))
        point_base += len(part.points)
        parcel_base += len(part.ring_sizes)
    points_mm = np.round(np.concatenate(chunks) * 1000.0).astype(np.int64)
    sizes = np.concatenate([p.ring_sizes for p in parts])
    facts = np.concatenate([p.facts for p in parts])
    return Fabric(
        points_mm=points_mm,
        ring_points=np.concatenate(flats),
        ring_offsets=np.concatenate([[0], np.cumsum(sizes)]),
        ward=facts[:, 0].astype(np.int32),
        category=facts[:, 1].astype(np.int8),
        street=facts[:, 2].astype(np.int32),
        street_side=facts[:, 3].astype(np.int8),
        street_pos=facts[:, 4],
        boundaries=[points_mm[b] for b in boundaries],
        splits=splits,
        merges=merges,
        resurveys=resurveys,
    )
