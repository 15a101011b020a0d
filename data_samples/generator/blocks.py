"""One block between four streets, tiled by lots: two rows of tube lots back to back.

A block is a quadrilateral (SW, SE, NE, NW). Positions along it are a parameter u in
[0, 1]; a lot boundary is a straight line from the south front S(u) to the north front
N(u). The rows meet on a "back line" whose vertices are the union of both rows' division
points (plus a few wobble points), so every vertex on a shared edge is in both rings.
Institutional lots take a full-depth segment of the block.

Vertices that later events need (split points, the vertex a re-survey moves) are placed
here already, so that splitting or re-surveying never adds a vertex to a neighbour.

Blocks hold a few dozen lots, so this module works on plain Python floats and lists:
for arrays that small, numpy's per-call overhead would dominate.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from dataclasses import dataclass, field

WIDE_LOT_SHARE = 0.15
NARROW_FRONTAGE_M = (3.2, 6.5)
WIDE_FRONTAGE_M = (6.5, 12.0)
INSTITUTION_PER_BLOCK = 0.4
INSTITUTION_WIDTH_M = (22.0, 70.0)
INSTITUTION_MAX_AREA_M2 = 2400.0
MIN_ROW_SEGMENT_M = 12.0
BACK_SHARE = (0.42, 0.58)
BACK_WOBBLE_M = 0.6
SNAP_M = 0.25
SPLIT_MIN_FRONTAGE_M = 7.0
SPLIT_RATE = 0.04
MERGE_RATE = 0.005
RESURVEY_RATE = 0.009
RESURVEY_SHIFT_M = (0.4, 1.2)
CLEARANCE_M = 0.6

ROW_SOUTH, ROW_NORTH, ROW_FULL = 0, 1, 2

Point = tuple[float, float]


@dataclass(slots=True)
class Lot:
    """A lot's ring (local point indices), its row and the middle position u of its front."""

    ring: list[int]
    row: int
    front_u: float


@dataclass(slots=True)
class BlockLayout:
    """Points and lots of one block, the chains its streets follow, and planned events.

    splits: (lot, front point, back point); merges: (lot, next lot in the row);
    resurveys: (south lot, north lot, shared back point, where it will move).
    """

    points: list[Point]
    lots: list[Lot]
    south_chain: list[int]
    north_chain: list[int]
    west_chain: list[int]
    east_chain: list[int]
    splits: list[tuple[int, int, int]] = field(default_factory=list)
    merges: list[tuple[int, int]] = field(default_factory=list)
    resurveys: list[tuple[int, int, int, Point]] = field(default_factory=list)


@dataclass(slots=True)
class _Segment:
    """A stretch [a, b] of the block: two rows of lots, or one full-depth lot."""

    a: float
    b: float
    full: bool
    south: list[float] = field(default_factory=list)
    north: list[float] = field(default_factory=list)
    extra_south: list[float] = field(default_factory=list)
    extra_north: list[float] = field(default_factory=list)
    back_extra: list[float] = field(default_factory=list)
    back_u: list[float] = field(default_factory=list)
    back_index: dict[float, int] = field(default_factory=dict)


def frontage_widths(rnd: random.Random, total_m: float) -> list[float]:
    """Lot frontages (mostly 3–6 m, some wider) stretched to fill `total_m` exactly."""
    widths: list[float] = []
    filled = 0.0
    while True:
        wide = rnd.random() < WIDE_LOT_SHARE
        w = rnd.uniform(*(WIDE_FRONTAGE_M if wide else NARROW_FRONTAGE_M))
        if filled + w > total_m:
            break
        widths.append(w)
        filled += w
    if not widths:
        return [total_m]
    scale = total_m / filled
    return [w * scale for w in widths]


def row_divisions(rnd: random.Random, seg: _Segment, side_m: float) -> list[float]:
    """Division positions (u, segment ends included) of one row of lots."""
    widths = frontage_widths(rnd, (seg.b - seg.a) * side_m)
    total = sum(widths)
    out = [seg.a]
    filled = 0.0
    for w in widths[:-1]:
        filled += w
        out.append(seg.a + (seg.b - seg.a) * filled / total)
    out.append(seg.b)
    return out


def snap_to(u: list[float], targets: list[float], tol_u: float) -> list[float]:
    """Move interior divisions of `u` onto a nearby target so rows share back vertices."""
    out = [u[0]]
    for x in u[1:-1]:
        i = min(max(bisect_left(targets, x), 1), len(targets) - 1)
        left, right = targets[i - 1], targets[i]
        nearest = left if x - left < right - x else right
        out.append(nearest if abs(nearest - x) < tol_u else x)
    out.append(u[-1])
    return sorted(set(out))


def is_clear(u: float, taken: list[float], tol_u: float) -> bool:
    """Whether u keeps at least `tol_u` from every position already taken."""
    return all(abs(t - u) >= tol_u for t in taken)


def lerp(p: Point, q: Point, t: float) -> Point:
    """Point at fraction t from p to q (exactly p at 0 and q at 1)."""
    if t == 0.0:
        return p
    if t == 1.0:
        return q
    return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))


def distance(p: Point, q: Point) -> float:
    """Euclidean distance between two points."""
    return math.hypot(q[0] - p[0], q[1] - p[1])


class BlockBuilder:
    """Builds one block's lots, chains and event plans from its four corners."""

    def __init__(self, rnd: random.Random, corners: list[Point]) -> None:
        self.rnd = rnd
        self.sw, self.se, self.ne, self.nw = corners
        self.len_s = distance(self.sw, self.se)
        self.len_n = distance(self.nw, self.ne)
        self.length = (self.len_s + self.len_n) / 2
        self.depth = (distance(self.sw, self.nw) + distance(self.se, self.ne)) / 2
        self.splits: list[tuple[int, int, int, float]] = []
        self.merges: list[tuple[int, int, int]] = []
        self.resurveys: list[tuple[int, int, int, float, float]] = []

    def build(self) -> BlockLayout:
        """Lay out segments, rows, planned events and rings of the block."""
        segments = self._segments()
        for s_idx, seg in enumerate(segments):
            if not seg.full:
                seg.south = row_divisions(self.rnd, seg, self.len_s)
                north = row_divisions(self.rnd, seg, self.len_n)
                seg.north = snap_to(north, seg.south, SNAP_M / self.length)
                self._plan_events(s_idx, seg)
        return self._assemble(segments)

    def _segments(self) -> list[_Segment]:
        """Split the block along u: two-row stretches around at most one institutional lot."""
        length = self.length
        if length < 2 * INSTITUTION_WIDTH_M[0] or self.rnd.random() >= INSTITUTION_PER_BLOCK:
            return [_Segment(0.0, 1.0, full=False)]
        widest = min(INSTITUTION_WIDTH_M[1], INSTITUTION_MAX_AREA_M2 / self.depth, 0.9 * length)
        width = self.rnd.uniform(min(INSTITUTION_WIDTH_M[0], widest), widest)
        start = self.rnd.uniform(0.0, length - width)
        end = start + width
        start = 0.0 if start < MIN_ROW_SEGMENT_M else start
        end = length if length - end < MIN_ROW_SEGMENT_M else end
        bounds = [0.0, start / length, end / length, 1.0]
        return [
            _Segment(bounds[k], bounds[k + 1], full=(k == 1))
            for k in range(3)
            if bounds[k + 1] > bounds[k]
        ]

    def _taken(self, seg: _Segment) -> list[float]:
        """All positions already used on the back line of a segment."""
        return seg.south + seg.north + seg.back_extra

    def _plan_events(self, s_idx: int, seg: _Segment) -> None:
        """Choose lots to split, pairs to merge and back vertices to re-survey later."""
        busy: set[tuple[int, int]] = set()
        tol = CLEARANCE_M / self.length
        for row, divs, side_m in (
            (ROW_SOUTH, seg.south, self.len_s),
            (ROW_NORTH, seg.north, self.len_n),
        ):
            widths = [(divs[k + 1] - divs[k]) * side_m for k in range(len(divs) - 1)]
            self._plan_splits(s_idx, seg, row, divs, widths, tol, busy)
            self._plan_merges(s_idx, row, widths, busy)
        self._plan_resurveys(s_idx, seg, tol, busy)

    def _plan_splits(self, s_idx, seg, row, divs, widths, tol, busy) -> None:
        """Put a split point in the middle of some wide lots (front and back)."""
        for k, width in enumerate(widths):
            if width < SPLIT_MIN_FRONTAGE_M or self.rnd.random() >= SPLIT_RATE:
                continue
            u = divs[k] + self.rnd.uniform(0.42, 0.58) * (divs[k + 1] - divs[k])
            if not is_clear(u, self._taken(seg), tol):
                continue
            (seg.extra_south if row == ROW_SOUTH else seg.extra_north).append(u)
            seg.back_extra.append(u)
            self.splits.append((s_idx, row, k, u))
            busy.add((row, k))

    def _plan_merges(self, s_idx, row, widths, busy) -> None:
        """Pick some pairs of narrow neighbouring lots in a row to merge later."""
        k = 0
        while k < len(widths) - 1:
            pair_ok = (
                widths[k] < SPLIT_MIN_FRONTAGE_M
                and widths[k + 1] < SPLIT_MIN_FRONTAGE_M
                and (row, k) not in busy
                and (row, k + 1) not in busy
            )
            if pair_ok and self.rnd.random() < MERGE_RATE:
                self.merges.append((s_idx, row, k))
                busy.update({(row, k), (row, k + 1)})
                k += 2
            else:
                k += 1

    def _plan_resurveys(self, s_idx, seg, tol, busy) -> None:
        """Place a back vertex shared only by a south lot and the north lot behind it."""
        for k in range(len(seg.south) - 1):
            if self.rnd.random() >= RESURVEY_RATE or (ROW_SOUTH, k) in busy:
                continue
            u = seg.south[k] + self.rnd.uniform(0.3, 0.7) * (seg.south[k + 1] - seg.south[k])
            j = bisect_left(seg.north, u) - 1
            if (ROW_NORTH, j) in busy or not is_clear(u, self._taken(seg), 2 * tol):
                continue
            shift = self.rnd.uniform(*RESURVEY_SHIFT_M) * self.rnd.choice((1.0, -1.0))
            seg.back_extra.append(u)
            self.resurveys.append((s_idx, k, j, u, shift))
            busy.update({(ROW_SOUTH, k), (ROW_NORTH, j)})

    def _add_wobble(self, seg: _Segment) -> None:
        """A few extra back-line vertices away from every division."""
        tol = CLEARANCE_M / self.length
        for _ in range(self.rnd.randrange(3)):
            u = self.rnd.uniform(seg.a, seg.b)
            if is_clear(u, self._taken(seg), tol):
                seg.back_extra.append(u)

    def _back_point(self, u: float, v: float) -> Point:
        """Point at relative depth v on the lot line at u."""
        return lerp(lerp(self.sw, self.se, u), lerp(self.nw, self.ne, u), v)

    def _assemble(self, segments: list[_Segment]) -> BlockLayout:
        """Compute all points, then each lot's ring and the four chains."""
        south_u = sorted(
            {0.0, 1.0, *(u for s in segments for u in (s.south or [s.a, s.b]) + s.extra_south)}
        )
        north_u = sorted(
            {0.0, 1.0, *(u for s in segments for u in (s.north or [s.a, s.b]) + s.extra_north)}
        )
        points = [lerp(self.sw, self.se, u) for u in south_u]
        points += [lerp(self.nw, self.ne, u) for u in north_u]
        v0, v1 = self.rnd.uniform(*BACK_SHARE), self.rnd.uniform(*BACK_SHARE)
        wobble = BACK_WOBBLE_M / self.depth
        moved: dict[float, Point] = {}
        shifts = {u: shift for _, _, _, u, shift in self.resurveys}
        for seg in segments:
            if seg.full:
                continue
            self._add_wobble(seg)
            seg.back_u = sorted(set(seg.south + seg.north + seg.back_extra))
            for u in seg.back_u:
                v = v0 + (v1 - v0) * u + self.rnd.uniform(-wobble, wobble)
                seg.back_index[u] = len(points)
                points.append(self._back_point(u, v))
                if u in shifts:
                    line = distance(lerp(self.sw, self.se, u), lerp(self.nw, self.ne, u))
                    moved[u] = self._back_point(u, v + shifts[u] / line)
        s_index = {u: i for i, u in enumerate(south_u)}
        n_index = {u: len(south_u) + i for i, u in enumerate(north_u)}
        lots, lot_of = self._lots(segments, s_index, n_index)
        n0, n1 = len(south_u), len(south_u) + len(north_u)
        layout = BlockLayout(
            points=points,
            lots=lots,
            south_chain=list(range(0, n0)),
            north_chain=list(range(n0, n1)),
            west_chain=self._side_chain(segments[0], 0, n0, first=True),
            east_chain=self._side_chain(segments[-1], n0 - 1, n1 - 1, first=False),
        )
        self._attach_plans(layout, segments, lot_of, s_index, n_index, moved)
        return layout

    def _lots(self, segments, s_index, n_index):
        """Rings (counter-clockwise) of all lots, and where each row lot went."""
        lots: list[Lot] = []
        lot_of: dict[tuple[int, int, int], int] = {}
        for si, seg in enumerate(segments):
            if seg.full:
                lots.append(self._full_depth_lot(segments, si, s_index, n_index))
                continue
            back = seg.back_index
            for row, divs, index in (
                (ROW_SOUTH, seg.south, s_index),
                (ROW_NORTH, seg.north, n_index),
            ):
                front = [index[u] for u in divs]
                rear = [back[u] for u in divs]
                for k in range(len(divs) - 1):
                    if row == ROW_SOUTH:
                        ring = list(range(front[k], front[k + 1] + 1))
                        ring.extend(range(rear[k + 1], rear[k] - 1, -1))
                    else:
                        ring = list(range(rear[k], rear[k + 1] + 1))
                        ring.extend(range(front[k + 1], front[k] - 1, -1))
                    lot_of[(si, row, k)] = len(lots)
                    lots.append(Lot(ring, row, (divs[k] + divs[k + 1]) / 2))
        return lots, lot_of

    def _full_depth_lot(self, segments, si, s_index, n_index) -> Lot:
        """The institutional lot spanning the block's depth over segment si."""
        seg = segments[si]
        ring = list(range(s_index[seg.a], s_index[seg.b] + 1))
        if si + 1 < len(segments):
            ring.append(segments[si + 1].back_index[seg.b])
        ring.extend(range(n_index[seg.b], n_index[seg.a] - 1, -1))
        if si > 0:
            ring.append(segments[si - 1].back_index[seg.a])
        return Lot(ring, ROW_FULL, (seg.a + seg.b) / 2)

    @staticmethod
    def _side_chain(seg: _Segment, south_end: int, north_end: int, first: bool) -> list[int]:
        """West or east side of the block: front corner, back-line end, other corner."""
        if seg.full:
            return [south_end, north_end]
        return [south_end, seg.back_index[seg.a if first else seg.b], north_end]

    def _attach_plans(self, layout, segments, lot_of, s_index, n_index, moved) -> None:
        """Translate planned events into lot numbers and point indices of the block."""
        for si, row, k, u in self.splits:
            front = s_index[u] if row == ROW_SOUTH else n_index[u]
            layout.splits.append((lot_of[(si, row, k)], front, segments[si].back_index[u]))
        for si, row, k in self.merges:
            layout.merges.append((lot_of[(si, row, k)], lot_of[(si, row, k + 1)]))
        for si, k, j, u, _shift in self.resurveys:
            layout.resurveys.append(
                (
                    lot_of[(si, ROW_SOUTH, k)],
                    lot_of[(si, ROW_NORTH, j)],
                    segments[si].back_index[u],
                    moved[u],
                )
            )
