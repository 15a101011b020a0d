"""Street grid shared by all wards: intersection squares, street widths and ward frames.

Streets run along grid lines; every crossing of two lines is a small square whose nine
"stops" (west/middle/east × south/middle/north) are the only places where street parcels,
blocks and ward boundaries meet. Ward boundaries follow street centre lines, so two wards
laid side by side share exactly the same boundary vertices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ANCHOR_EN = (588154.477, 2326509.054)
"""Hoàn Kiếm (lon 105.85, lat 21.03) in VN-2000 / TM-3 105°00′ (EPSG:5897), metres."""

PARCELS_PER_WARD = 10_000
PARCELS_PER_BLOCK = 28.2
"""Mean parcels (lots and road pieces) per block, measured; sizes the grid for a target."""

BLOCK_LENGTH_M = (55.0, 130.0)
BLOCK_DEPTH_M = (30.0, 44.0)
MAIN_HALF_WIDTH_M = (6.0, 10.0)
ALLEY_HALF_WIDTH_M = (1.0, 2.0)
NODE_JITTER_M = 2.0
MAIN_EVERY_COLUMN = 3
MAIN_EVERY_ROW = 4
FIRST_COMMUNE_CODE = 91001
PROVINCE_CODE = "01"

W, M, E = 0, 1, 2
S, N = 0, 2


@dataclass(frozen=True, slots=True)
class WardFrame:
    """A ward's code, name and range of grid lines (its boundary lines included)."""

    index: int
    code: str
    name: str
    c0: int
    c1: int
    r0: int
    r1: int


@dataclass(frozen=True, slots=True)
class StreetGrid:
    """Intersection stops, street kinds and the wards laid over the grid."""

    stops: np.ndarray
    main_column: np.ndarray
    main_row: np.ndarray
    wards: tuple[WardFrame, ...]

    @property
    def columns(self) -> int:
        """Number of vertical grid lines."""
        return self.stops.shape[0]

    @property
    def rows(self) -> int:
        """Number of horizontal grid lines."""
        return self.stops.shape[1]

    def stop_index(self, c: int, r: int, i: int, j: int) -> int:
        """Index of stop (i across, j up) of crossing (c, r) in the flattened stop table."""
        return ((c * self.rows + r) * 3 + i) * 3 + j

    def stop(self, c: int, r: int, i: int, j: int) -> np.ndarray:
        """Coordinates of stop (i, j) of crossing (c, r)."""
        return self.stops[c, r, i, j]


def ward_count(parcels: int) -> int:
    """Number of wards: one per started 10,000 parcels."""
    return max(1, math.ceil(parcels / PARCELS_PER_WARD))


def blocks_per_ward(parcels_per_ward: float) -> tuple[int, int]:
    """Block columns and rows giving about the wanted parcels in a roughly square ward."""
    blocks = max(1.0, parcels_per_ward / PARCELS_PER_BLOCK)
    pitch_x = sum(BLOCK_LENGTH_M) / 2 + 7.0
    pitch_y = sum(BLOCK_DEPTH_M) / 2 + 5.0
    ideal = math.sqrt(blocks * pitch_y / pitch_x)
    shapes = [
        (nx, max(1, round(blocks / nx)))
        for nx in range(max(1, math.floor(ideal * 0.8)), math.ceil(ideal * 1.25) + 1)
    ]
    return min(shapes, key=lambda s: (abs(s[0] * s[1] - blocks), abs(s[0] - ideal)))


def ward_frames(n_wards: int, nx: int, ny: int) -> tuple[tuple[WardFrame, ...], int, int]:
    """Lay wards row by row from the north-west; return frames and grid size in blocks."""
    across = math.ceil(math.sqrt(n_wards))
    down = math.ceil(n_wards / across)
    frames = []
    for i in range(n_wards):
        col, row_from_top = i % across, i // across
        row = down - 1 - row_from_top
        frames.append(
            WardFrame(
                index=i,
                code=f"{FIRST_COMMUNE_CODE + i}",
                name=f"Phường Mẫu {i + 1}",
                c0=col * nx,
                c1=(col + 1) * nx,
                r0=row * ny,
                r1=(row + 1) * ny,
            )
        )
    return tuple(frames), across * nx, down * ny


def street_kinds(lines: int, period: int, ward_span: int) -> np.ndarray:
    """Main streets every `period` lines counted inside each ward; alleys elsewhere."""
    local = np.arange(lines) % ward_span
    return (local % period) == 0


def half_widths(rng: np.random.Generator, main: np.ndarray) -> np.ndarray:
    """Half widths of each line's street: 6–10 m for main streets, 1–2 m for alleys."""
    main_hw = rng.uniform(*MAIN_HALF_WIDTH_M, size=main.size)
    alley_hw = rng.uniform(*ALLEY_HALF_WIDTH_M, size=main.size)
    return np.where(main, main_hw, alley_hw)


def line_positions(
    rng: np.random.Generator, hw: np.ndarray, span: tuple[float, float], ward_span: int
) -> np.ndarray:
    """Positions of grid lines so that blocks between street edges have sizes about `span`.

    Sizes are drawn at random, then scaled per ward so that each ward's mean is the middle
    of `span`: the number of lots, which follows block length, then matches the target.
    """
    inner = rng.uniform(*span, size=hw.size - 1).reshape(-1, ward_span)
    inner *= (sum(span) / 2) / inner.mean(axis=1, keepdims=True)
    steps = hw[:-1] + inner.ravel() + hw[1:]
    return np.concatenate([[0.0], np.cumsum(steps)])


def build_grid(parcels: int, rng: np.random.Generator) -> StreetGrid:
    """Street grid and ward frames sized for `parcels`, centred on Hoàn Kiếm."""
    n_wards = ward_count(parcels)
    nx, ny = blocks_per_ward(parcels / n_wards)
    wards, n_cols, n_rows = ward_frames(n_wards, nx, ny)
    main_col = street_kinds(n_cols + 1, MAIN_EVERY_COLUMN, nx)
    main_row = street_kinds(n_rows + 1, MAIN_EVERY_ROW, ny)
    hw_col = half_widths(rng, main_col)
    hw_row = half_widths(rng, main_row)
    xs = line_positions(rng, hw_col, BLOCK_LENGTH_M, nx)
    ys = line_positions(rng, hw_row, BLOCK_DEPTH_M, ny)
    xs += ANCHOR_EN[0] - xs[-1] / 2
    ys += ANCHOR_EN[1] - ys[-1] / 2
    shape = (n_cols + 1, n_rows + 1)
    cx = xs[:, None] + rng.uniform(-NODE_JITTER_M, NODE_JITTER_M, size=shape)
    cy = ys[None, :] + rng.uniform(-NODE_JITTER_M, NODE_JITTER_M, size=shape)
    stops = np.empty((*shape, 3, 3, 2))
    for i, sx in enumerate((-1.0, 0.0, 1.0)):
        for j, sy in enumerate((-1.0, 0.0, 1.0)):
            stops[:, :, i, j, 0] = cx + sx * hw_col[:, None]
            stops[:, :, i, j, 1] = cy + sy * hw_row[None, :]
    return StreetGrid(stops=stops, main_column=main_col, main_row=main_row, wards=wards)
