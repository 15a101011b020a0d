"""1:500 map sheets (250 m frames) per commune and parcel numbering within each sheet."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

SHEET_SIZE_M = 250.0
SCALE = 500
NUMBERING_BAND_M = 25.0


@dataclass(slots=True)
class SheetIndex:
    """Which frame is which sheet in each commune, and the next free parcel number."""

    frames: list[dict[tuple[int, int], int]]
    next_number: dict[tuple[int, int], int]

    def sheet_at(self, ward: int, x: float, y: float) -> int:
        """Sheet number of the frame containing a point of a commune."""
        return self.frames[ward][frame_of(x, y)]

    def take_number(self, ward: int, sheet: int) -> int:
        """Hand out the next free parcel number on a sheet."""
        number = self.next_number[(ward, sheet)]
        self.next_number[(ward, sheet)] = number + 1
        return number


def frame_of(x: float, y: float) -> tuple[int, int]:
    """Column and row of the 250 m frame containing a point."""
    return math.floor(x / SHEET_SIZE_M), math.floor(y / SHEET_SIZE_M)


def frame_box(col: int, row: int) -> shapely.Polygon:
    """Footprint of frame (col, row)."""
    return shapely.box(
        col * SHEET_SIZE_M, row * SHEET_SIZE_M, (col + 1) * SHEET_SIZE_M, (row + 1) * SHEET_SIZE_M
    )


def commune_frames(boundary: shapely.Polygon) -> list[tuple[int, int]]:
    """Frames overlapping the commune, numbered from the north-west row by row."""
    x0, y0, x1, y1 = boundary.bounds
    cols = range(math.floor(x0 / SHEET_SIZE_M), math.floor(x1 / SHEET_SIZE_M) + 1)
    rows = range(math.floor(y0 / SHEET_SIZE_M), math.floor(y1 / SHEET_SIZE_M) + 1)
    candidates = [(c, r) for r in sorted(rows, reverse=True) for c in cols]
    boxes = np.array([frame_box(c, r) for c, r in candidates])
    overlap = shapely.area(shapely.intersection(boxes, boundary)) > 0.0
    return [fr for fr, keep in zip(candidates, overlap, strict=True) if keep]


def number_parcels(
    polygons: np.ndarray, ward: np.ndarray, boundaries: list[shapely.Polygon]
) -> tuple[np.ndarray, np.ndarray, SheetIndex]:
    """Sheet and parcel numbers of every parcel; the frames and the next free numbers."""
    rep = shapely.get_coordinates(shapely.point_on_surface(polygons))
    col = np.floor(rep[:, 0] / SHEET_SIZE_M).astype(np.int64)
    row = np.floor(rep[:, 1] / SHEET_SIZE_M).astype(np.int64)
    frames = [{fr: k + 1 for k, fr in enumerate(commune_frames(b))} for b in boundaries]
    sheet = np.empty(polygons.size, dtype=np.int64)
    for w, lookup in enumerate(frames):
        mine = np.flatnonzero(ward == w)
        cells = zip(col[mine].tolist(), row[mine].tolist(), strict=True)
        sheet[mine] = [lookup[cell] for cell in cells]
    band = np.floor(((row + 1) * SHEET_SIZE_M - rep[:, 1]) / NUMBERING_BAND_M)
    order = np.lexsort((rep[:, 0], band, sheet, ward))
    group = ward[order].astype(np.int64) * 1_000_000 + sheet[order]
    starts = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.append(starts, order.size)))
    number = np.empty(polygons.size, dtype=np.int64)
    number[order] = rank + 1
    next_number = {(w, s): 1 for w, lookup in enumerate(frames) for s in lookup.values()}
    counts = np.diff(np.append(starts, order.size))
    for key, count in zip(group[starts].tolist(), counts.tolist(), strict=True):
        next_number[(key // 1_000_000, key % 1_000_000)] = count + 1
    return sheet, number, SheetIndex(frames=frames, next_number=next_number)
