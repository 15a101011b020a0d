"""Generate a synthetic ward (or several) end to end: fabric, sheets, parties, history."""

from __future__ import annotations

import gc

import numpy as np

from .fabric import build_fabric
from .grid import build_grid
from .history import write_history
from .model import Sheet, Ward
from .people import PartyBook
from .registration import Numbering, register_first
from .sheets import SCALE, frame_box, number_parcels
from .timing import timed

DEFAULT_PARCELS = 3000
DEFAULT_SEED = 20251


def generate(
    parcels: int = DEFAULT_PARCELS, seed: int = DEFAULT_SEED, *, workers: int | None = None
) -> Ward:
    """A deterministic synthetic urban ward fabric of about `parcels` parcels, with history.

    `workers` processes build the wards' fabric (default: one per core); the result does
    not depend on it.
    """
    if parcels < 1:
        raise ValueError("parcels must be at least 1")
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(parcels, seed, workers)
    finally:
        if gc_was_enabled:
            gc.enable()


def _generate(parcels: int, seed: int, workers: int | None) -> Ward:
    """The generation pipeline (run with the cyclic garbage collector paused: no cycles)."""
    grid_seq, fabric_seq, *rest = np.random.SeedSequence([seed, parcels]).spawn(5)
    people_rng, registration_rng, history_rng = (np.random.default_rng(s) for s in rest)
    with timed("fabric"):
        grid = build_grid(parcels, np.random.default_rng(grid_seq))
        fabric = build_fabric(grid, fabric_seq, workers)
        polygons = fabric.polygons()
    with timed("sheets"):
        sheet, number, sheet_index = number_parcels(
            polygons, fabric.ward, fabric.boundary_polygons()
        )
        sheets = [
            Sheet(frame.code, n, SCALE, frame_box(*fr))
            for frame, frames in zip(grid.wards, sheet_index.frames, strict=True)
            for fr, n in frames.items()
        ]
    book = PartyBook(people_rng)
    numbering = Numbering()
    with timed("first registration"):
        reg = register_first(
            grid, fabric, polygons, sheet, number, book, numbering, registration_rng
        )
    with timed("history"):
        events = write_history(reg, fabric, sheet_index, book, numbering, history_rng)
    return Ward(
        seed=seed,
        requested_parcels=parcels,
        communes=reg.communes,
        sheets=sheets,
        parcels=reg.parcels,
        parties=book.parties,
        rights=reg.rights,
        certificates=reg.certificates,
        dossiers=reg.dossiers + events,
    )
