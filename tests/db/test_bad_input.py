"""Hostile geometries: fuzzed WKT and WKB, NaN, infinite and huge coordinates, wrong SRIDs.

Whatever arrives, the edit check answers with issues (never an exception), and the register
refuses to store it with a message — never an internal error, never a half-written change.
"""

from __future__ import annotations

import math
import struct

import psycopg2
import psycopg2.errorcodes
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadastre.checks.runner import check_edit
from cadastre.errors import CadastreError
from tests.db.register_helpers import (
    COMMUNE,
    ORIGIN_E,
    ORIGIN_N,
    SHEET,
    approved_dossier,
    change,
    first_registration,
    square,
    table_counts,
)

COORDINATE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 0.0, 1e-320]),
    st.floats(min_value=-1e3, max_value=1e3).map(lambda d: ORIGIN_E + d),
)
POINT = st.tuples(COORDINATE, COORDINATE)


def _number(value: float) -> str:
    return (
        "NaN"
        if math.isnan(value)
        else ("Infinity" if value > 0 else "-Infinity")
        if math.isinf(value)
        else repr(value)
    )


@st.composite
def hostile_wkt(draw: st.DrawFn) -> str:
    """Polygons with hostile coordinates, broken syntax, or any text at all."""
    kind = draw(st.sampled_from(["polygon", "text", "truncated"]))
    if kind == "text":
        # NUL cannot travel inside PostgreSQL text at all: its own test below.
        return draw(st.text(st.characters(exclude_characters="\x00"), max_size=60))
    points = draw(st.lists(POINT, min_size=1, max_size=7))
    ring = ", ".join(f"{_number(x)} {_number(y)}" for x, y in [*points, points[0]])
    wkt = f"POLYGON(({ring}))"
    if kind == "truncated":
        wkt = wkt[: draw(st.integers(min_value=0, max_value=len(wkt)))]
    srid = draw(st.sampled_from([5897, 4326, 0, -1, 3857, 999999, 9210]))
    return f"SRID={srid};{wkt}"


@st.composite
def valid_wkb_with_hostile_coordinates(draw: st.DrawFn) -> bytes:
    """Well-formed little-endian WKB polygons whose coordinates are NaN, infinite or absurd
    (written by hand: GEOS itself refuses to build such rings)."""
    points = draw(st.lists(POINT, min_size=1, max_size=6))
    ring = [*points, points[0]]
    header = struct.pack("<BIII", 1, 3, 1, len(ring))
    return header + b"".join(struct.pack("<dd", x, y) for x, y in ring)


@pytest.fixture
def neighbour(register):
    first_registration(register, "2024-01-10 12:00+00", 1, square(0, 0, 20))
    return register


def new_parcel_edit(geom: str) -> dict:
    """An edit drawing a new parcel 77 with this geometry text, as the plugin sends it."""
    return {
        "parcel_id": None,
        "geom": geom,
        "commune_code": COMMUNE,
        "sheet_number": SHEET,
        "parcel_number": 77,
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(geom=hostile_wkt())
def test_checking_any_hostile_geometry_reports_issues_and_never_fails(neighbour, geom) -> None:
    issues = check_edit(neighbour, [new_parcel_edit(geom)])

    assert all(issue.message_vi and issue.message_en for issue in issues)
    assert any(issue.severity == "error" for issue in issues) or _is_plain_polygon(geom)


def test_a_nul_character_in_the_geometry_is_a_clear_error(neighbour) -> None:
    edit = {
        "parcel_id": None,
        "geom": "SRID=5897;POLYGON((0 0\x00",
        "commune_code": COMMUNE,
        "sheet_number": SHEET,
        "parcel_number": 77,
    }

    with pytest.raises(CadastreError, match="cannot be converted to text"):
        check_edit(neighbour, [edit])


def _is_plain_polygon(geom: str) -> bool:
    """Only a finite polygon in the register's CRS area may pass without an error."""
    return "NaN" not in geom and "Infinity" not in geom and "e+308" not in geom


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.one_of(st.binary(max_size=120), valid_wkb_with_hostile_coordinates()))
def test_fuzzed_wkb_is_refused_with_a_message_and_stores_nothing(neighbour, data) -> None:
    before = table_counts(neighbour)
    with neighbour, neighbour.cursor() as cur:
        try:
            cur.execute("SELECT ST_GeomFromWKB(%s)", (psycopg2.Binary(data),))
        except psycopg2.Error as exc:  # PostGIS's own reader refuses it, in its own words
            assert str(exc).strip(), exc
            return
    with pytest.raises(psycopg2.Error) as refused, change(neighbour, "2024-02-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2024-02-01")
        cur.execute(
            "SELECT cadastre.register_parcel(%s, %s, %s, 78, ST_SetSRID(ST_GeomFromWKB(%s), 5897),"
            " NULL, NULL, NULL, NULL)",
            (dossier, COMMUNE, SHEET, psycopg2.Binary(data)),
        )
    neighbour.rollback()

    assert not (refused.value.pgcode or "XX").startswith("XX"), refused.value
    assert "00070/12/78" in str(refused.value)
    assert table_counts(neighbour) == before


@pytest.mark.parametrize("bad", [math.nan, math.inf, 1e300])
def test_a_parcel_with_a_non_finite_or_huge_coordinate_is_refused_by_name(
    neighbour, bad: float
) -> None:
    before = table_counts(neighbour)
    e, n = ORIGIN_E + 30, ORIGIN_N + 30
    corners = [(bad, n), (e + 10, n), (e + 10, n + 10), (e, n + 10), (bad, n)]
    points = ", ".join("ST_MakePoint(%s::float8, %s::float8)" for _ in corners)
    with pytest.raises(psycopg2.Error) as refused, change(neighbour, "2024-02-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2024-02-01")
        cur.execute(
            "SELECT cadastre.register_parcel(%s, %s, %s, 79, ST_SetSRID(ST_MakePolygon("
            f"ST_MakeLine(ARRAY[{points}])), 5897), NULL, NULL, NULL, NULL)",
            (dossier, COMMUNE, SHEET, *[c for corner in corners for c in corner]),
        )
    neighbour.rollback()

    assert "00070/12/79" in str(refused.value)
    assert table_counts(neighbour) == before


@pytest.mark.parametrize("geom", ["00\x80", "SRID=5897;POLYGON((0 0, 1 1, é 2, 0 0))", "Đất"])
def test_non_ascii_geometry_text_is_an_issue_not_a_broken_message(neighbour, geom: str) -> None:
    issues = check_edit(neighbour, [new_parcel_edit(geom)])

    assert [issue.rule for issue in issues] == ["geometry_invalid"]
    assert "non-ASCII" in issues[0].message_en
