"""Outputs and dates are checked before an export or a statistics table starts (no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from cadastre.errors import CadastreError
from cadastre.export.fields import FIELDS, columns
from cadastre.export.formats import FORMATS
from cadastre.export.output import check_outputs
from cadastre.export.request import ExportRequest, utc_today


def test_a_new_file_in_a_writable_folder_passes_and_leaves_nothing(tmp_path: Path) -> None:
    check_outputs([tmp_path / "a.gpkg"], overwrite=False)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_needs_overwrite(tmp_path: Path) -> None:
    (tmp_path / "a.gpkg").write_text("x")
    with pytest.raises(CadastreError, match="already exists") as refused:
        check_outputs([tmp_path / "a.gpkg"], overwrite=False)
    assert "--overwrite" in refused.value.hint
    check_outputs([tmp_path / "a.gpkg"], overwrite=True)


def test_a_folder_a_read_only_folder_and_a_locked_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "d.gpkg").mkdir()
    with pytest.raises(CadastreError, match="is a folder"):
        check_outputs([tmp_path / "d.gpkg"], overwrite=True)
    with pytest.raises(CadastreError, match="does not exist"):
        check_outputs([tmp_path / "nowhere" / "a.csv"], overwrite=True)
    locked = tmp_path / "locked.csv"
    locked.write_text("x")
    locked.chmod(0o444)
    with pytest.raises(CadastreError, match="read-only or locked"):
        check_outputs([locked], overwrite=True, option="--csv")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(CadastreError, match="cannot write in the folder"):
            check_outputs([folder / "a.gpkg"], overwrite=False)
    finally:
        folder.chmod(0o755)


def test_a_csv_export_checks_its_sidecars_too(tmp_path: Path) -> None:
    (tmp_path / "a.prj").write_text("x")
    with pytest.raises(CadastreError, match=r"a\.prj: the file already exists"):
        check_outputs(FORMATS["csv"].files(tmp_path / "a.csv"), overwrite=False)


def test_a_future_date_is_refused_and_today_is_not() -> None:
    ExportRequest(as_of=utc_today()).check()
    with pytest.raises(CadastreError, match="in the future"):
        ExportRequest(as_of=utc_today() + dt.timedelta(days=1)).check()


def test_shapefile_integers_must_fit_their_field() -> None:
    field = next(f for f in FIELDS if f.name == "land_use_count")
    records = [{"land_use_count": 10_000}]
    with pytest.raises(CadastreError, match="does not fit"):
        columns(records, [field], shapefile=True)
    arrays, _, _ = columns(records, [field], shapefile=False)
    assert arrays[0].dtype == np.int64


def test_csv_dates_are_iso_text() -> None:
    field = next(f for f in FIELDS if f.name == "version_since")
    arrays, _, _ = columns([{"version_since": dt.date(2012, 8, 9)}, {"version_since": None}],
                           [field], shapefile=False, dates_as_text=True)
    assert list(arrays[0]) == ["2012-08-09", None]
