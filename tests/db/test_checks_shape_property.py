"""The shape rule (`cadastre.shape_issues`) against a vertex-by-vertex reading of its
definition, on generated parcels with needles of every sharpness and (near-)repeated vertices.

`shape_issues` only reads the vertices of parcels whose minimum clearance is small enough to
hold a spike or a duplicate vertex; this proves that shortcut never hides a finding.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db.register_helpers import SRID

SPIKE_ANGLE = 1.0  # degrees: the spike_angle tolerance the register is seeded with
DUPLICATE = 0.0005  # metres: consecutive vertices closer than this are one vertex twice
X0, Y0 = 586000.0, 2326000.0


def expected_rules(ring: list[tuple[float, float]]) -> list[str]:
    """The rule as defined, vertex by vertex, on a closed ring (its last point is its first)."""
    found = []
    for i in range(1, len(ring)):
        if math.dist(ring[i - 1], ring[i]) <= DUPLICATE:
            found.append("duplicate_vertex")
    for i in range(len(ring) - 1):
        prev, cur, nxt = ring[i - 1] if i > 0 else ring[-2], ring[i], ring[i + 1]
        if prev == cur or nxt == cur:
            continue
        a = (prev[0] - cur[0], prev[1] - cur[1])
        b = (nxt[0] - cur[0], nxt[1] - cur[1])
        angle = math.degrees(math.atan2(abs(a[0] * b[1] - a[1] * b[0]), a[0] * b[0] + a[1] * b[1]))
        if angle < SPIKE_ANGLE:
            found.append("spike")
    return sorted(found)


@st.composite
def needled_parcels(draw) -> list[tuple[float, float]]:
    """A rectangle with a needle on its north edge, perhaps one vertex repeated nearby,
    starting at any of its vertices."""
    width = draw(st.floats(6, 60))
    height = draw(st.floats(4, 60))
    x = draw(st.floats(2, width - 2))
    base = draw(st.floats(0.002, 3))
    length = draw(st.floats(0.5, 80))
    ring = [(0.0, 0.0), (width, 0.0), (width, height), (x + base / 2, height), (x, height + length),
            (x - base / 2, height), (0.0, height)]
    repeat = draw(st.one_of(st.none(), st.integers(1, len(ring) - 1)))
    if repeat is not None:
        gap = draw(st.sampled_from([0.0, 0.0002, 0.0005, 0.0011, 0.01]))
        px, py = ring[repeat]
        ring.insert(repeat + 1, (px + gap, py))
    start = draw(st.integers(0, len(ring) - 1))  # any vertex may open the ring, the tip too
    ring = ring[start:] + ring[:start]
    ring.append(ring[0])
    return [(X0 + px, Y0 + py) for px, py in ring]


def test_the_shape_rule_finds_every_spike_and_repeated_vertex(register) -> None:
    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(ring=needled_parcels())
    def check(ring: list[tuple[float, float]]) -> None:
        wkt = "POLYGON((" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + "))"
        with register, register.cursor() as cur:
            cur.execute(
                "SELECT ST_IsValid(g), (SELECT array_agg(i.rule ORDER BY i.rule) "
                "FROM cadastre.shape_issues(ARRAY[ROW(1, 'p', NULL, g, NULL, NULL, NULL, NULL, "
                "NULL, NULL, NULL)::cadastre.edit_item]) AS i WHERE i.rule <> 'too_thin') "
                "FROM ST_GeomFromText(%s, %s) AS g",
                (wkt, SRID),
            )
            valid, found = cur.fetchone()
        if valid:  # the register holds valid parcels only; the rule reads nothing else
            assert (found or []) == expected_rules(ring), wkt

    check()
