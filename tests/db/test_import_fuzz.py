"""Hostile import files: random attribute values and geometries, truncated shapefiles.

Whatever the file holds, the import either accounts for every feature (imported, unchanged or
quarantined with a reason) or refuses the whole file with a message naming it — and a refused
import leaves the register exactly as it was.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadastre.errors import CadastreError
from tests.db.import_helpers import run_import, table_counts
from tests.db.test_import_legacy import parcel_rows, square, write_shapefile

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e15, 12.5, math.nan]),
)
VALUE = st.one_of(TEXT, NUMBER)


@st.composite
def geometry(draw: st.DrawFn) -> bytes | None:
    """Good squares, bow-ties, slivers, far-away and empty geometries."""
    kind = draw(st.sampled_from(["square", "bowtie", "sliver", "far", "none", "point"]))
    i = draw(st.integers(min_value=0, max_value=8))
    x, y = 586_000.0 + 30 * i, 2_326_000.0
    if kind == "square":
        return square(i)
    if kind == "bowtie":
        return shapely.to_wkb(shapely.Polygon([(x, y), (x + 20, y + 20), (x + 20, y), (x, y + 20)]))
    if kind == "sliver":
        return shapely.to_wkb(shapely.box(x, y, x + 20, y + 1e-6))
    if kind == "far":
        return shapely.to_wkb(shapely.box(1e9, 1e9, 1e9 + 20, 1e9 + 20))
    if kind == "point":
        return shapely.to_wkb(shapely.Point(x, y))
    return None


@st.composite
def hostile_layer(draw: st.DrawFn) -> tuple[dict[str, list], list[bytes | None]]:
    """Six features whose attributes are each either plausible or arbitrary."""
    columns = parcel_rows(6)
    for name in columns:
        if draw(st.booleans()):
            values = draw(st.lists(VALUE, min_size=6, max_size=6))
            # A DBF column has one type: all numbers or all text.
            if any(isinstance(v, str) for v in values):
                values = [v if isinstance(v, str) else repr(v) for v in values]
            columns[name] = values
    return columns, draw(st.lists(geometry(), min_size=6, max_size=6))


@FUZZ
@given(layer=hostile_layer())
def test_any_attributes_and_geometries_are_accounted_for_or_refused_whole(
    register, tmp_path_factory, layer
) -> None:
    columns, geometries = layer
    folder = tmp_path_factory.mktemp("fuzz")
    before = table_counts(register)
    try:
        path = write_shapefile(folder / "lo.shp", columns, geometries)
    except Exception:  # GDAL cannot even write this combination: nothing to import
        return

    try:
        report = run_import(register, path)
    except CadastreError as exc:
        assert exc.message.strip()
        assert table_counts(register) == before
        return

    assert report.features == report.accounted == 6
    assert all(row["outcome"] != "quarantined" or row["reason"] for row in report.rows)


@pytest.fixture
def good_shapefile(tmp_path: Path) -> Path:
    """A correct six-parcel shapefile (with .shx, .dbf, .prj, .cpg) to damage."""
    folder = tmp_path / "good"
    folder.mkdir()
    return write_shapefile(folder / "to12.shp", parcel_rows(6))


@FUZZ
@given(
    part=st.sampled_from([".shp", ".shx", ".dbf", ".prj", ".cpg"]),
    keep=st.floats(min_value=0.0, max_value=0.99),
)
def test_a_truncated_shapefile_is_refused_by_name_or_its_features_accounted_for(
    register, good_shapefile: Path, tmp_path_factory, part: str, keep: float
) -> None:
    folder = tmp_path_factory.mktemp("cut")
    for sibling in good_shapefile.parent.iterdir():
        shutil.copy(sibling, folder / sibling.name)
    damaged = folder / f"to12{part}"
    data = damaged.read_bytes()
    damaged.write_bytes(data[: int(len(data) * keep)])
    before = table_counts(register)

    try:
        report = run_import(register, folder / "to12.shp")
    except CadastreError as exc:
        assert "to12" in exc.message or "to12" in (exc.hint or ""), exc.message
        assert table_counts(register) == before
        return

    assert report.features == report.accounted
