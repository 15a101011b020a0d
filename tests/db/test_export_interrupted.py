"""An export interrupted mid-stream leaves nothing under the final name (and no work files);
an earlier file of that name survives untouched."""

from __future__ import annotations

import pytest

from cadastre.export import ExportRequest, export_parcels
from tests.db.export_helpers import build_small_register

SUFFIX = {"shp": ".zip", "gpkg": ".gpkg", "geojson": ".geojson", "fgb": ".fgb", "csv": ".csv"}


class ExportInterruptedError(Exception):
    """Stands for Ctrl-C or a failure in the middle of the stream."""


def stop_after_first_batch(written: int, total: int) -> None:
    raise ExportInterruptedError(f"stopped after {written} of {total}")


@pytest.mark.parametrize("fmt", SUFFIX)
def test_interrupted_export_leaves_no_file_under_the_final_name(register, register_url,
                                                                tmp_path, fmt) -> None:
    build_small_register(register)
    output = tmp_path / f"parcels{SUFFIX[fmt]}"
    with pytest.raises(ExportInterruptedError):
        export_parcels(output, ExportRequest(batch_size=2), url=register_url,
                       on_progress=stop_after_first_batch)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_export_keeps_the_earlier_file_of_that_name(register, register_url,
                                                                tmp_path) -> None:
    build_small_register(register)
    output = tmp_path / "parcels.gpkg"
    export_parcels(output, url=register_url)
    before = output.read_bytes()
    with pytest.raises(ExportInterruptedError):
        export_parcels(output, ExportRequest(batch_size=1, with_holders=True),
                       url=register_url, on_progress=stop_after_first_batch, overwrite=True)
    assert output.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["parcels.gpkg"]


def test_progress_reports_every_batch_up_to_the_total(register, register_url,
                                                      tmp_path) -> None:
    build_small_register(register)
    seen: list[tuple[int, int]] = []
    export_parcels(tmp_path / "p.csv", ExportRequest(batch_size=3), url=register_url,
                   on_progress=lambda written, total: seen.append((written, total)))
    assert seen == [(3, 4), (4, 4)]
