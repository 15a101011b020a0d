"""Ring operations on millimetre vertices: split, merge and moving a shared vertex.

Rings are lists of (x, y) integer millimetres, counter-clockwise, not closed. Because the
fabric is exactly noded, these operations only reuse existing vertices (or move one that
exactly two parcels share), so the coverage stays exact without touching neighbours.
"""

from __future__ import annotations

import numpy as np
import shapely

Vertex = tuple[int, int]
Ring = list[Vertex]


def ring_of(polygon: shapely.Polygon) -> Ring:
    """Counter-clockwise millimetre ring of a polygon's exterior."""
    coords = np.round(np.asarray(polygon.exterior.coords)[:-1] * 1000.0).astype(np.int64)
    ring = [(int(x), int(y)) for x, y in coords]
    return ring if twice_area(ring) > 0 else ring[::-1]


def polygon_of(ring: Ring) -> shapely.Polygon:
    """Polygon in metres from a millimetre ring."""
    return shapely.Polygon(np.asarray(ring, dtype=np.float64) / 1000.0)


def twice_area(ring: Ring) -> int:
    """Twice the signed area in mm² (positive when counter-clockwise), computed exactly."""
    total = 0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x0 * y1 - x1 * y0
    return total


def split_ring(ring: Ring, a: Vertex, b: Vertex) -> tuple[Ring, Ring]:
    """Cut a ring along the chord between two of its vertices into two rings."""
    i, j = ring.index(a), ring.index(b)
    if i > j:
        i, j = j, i
    first = ring[i : j + 1]
    second = ring[j:] + ring[: i + 1]
    return first, second


def merge_rings(r1: Ring, r2: Ring) -> Ring:
    """Union of two counter-clockwise rings sharing a run of edges, as one ring."""
    e1 = set(zip(r1, r1[1:] + r1[:1], strict=True))
    e2 = set(zip(r2, r2[1:] + r2[:1], strict=True))
    shared = {e for e in e1 if (e[1], e[0]) in e2}
    if not shared:
        raise ValueError("rings share no edge")
    successor: dict[Vertex, Vertex] = {}
    for start, end in (e1 - shared) | {e for e in e2 if (e[1], e[0]) not in shared}:
        if start in successor:
            raise ValueError("rings touch at a vertex besides their shared edges")
        successor[start] = end
    begin = next(v for v in r1 if v in successor)
    ring = [begin]
    while (nxt := successor[ring[-1]]) != begin:
        ring.append(nxt)
    if len(ring) != len(successor):
        raise ValueError("union of the rings is not one ring")
    return ring


def move_vertex(ring: Ring, old: Vertex, new: Vertex) -> Ring:
    """The ring with one vertex moved."""
    return [new if v == old else v for v in ring]
