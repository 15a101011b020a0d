"""`cadastre export` and `cadastre stats` run as a user runs them, against the test's register."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pyogrio
import pyogrio.raw

from cadastre.settings import PROJECT_ROOT
from tests.db.export_helpers import REF_CHILDREN, REF_PARENT, REF_RICE, build_small_register


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CADASTRE_")}
    env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "cadastre", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_export_command_writes_the_filtered_register_at_a_date(register, register_url,
                                                               tmp_path) -> None:
    build_small_register(register)
    output = tmp_path / "ward.gpkg"
    result = run_cli(register_url, "export", str(output), "--commune", "00070", "--as-of",
                     "2019-12-31", "--with-holders", "--crs", "wgs84")
    assert result.returncode == 0, result.stderr
    assert "2 parcels written" in result.stdout
    meta, _, _, values = pyogrio.raw.read(str(output), read_geometry=False)
    assert set(dict(zip(meta["fields"], values, strict=True))["ref"]) == {REF_PARENT, REF_RICE}
    assert pyogrio.read_info(output)["crs"] == "EPSG:4326"


def test_export_command_writes_a_shapefile_zip(register, register_url, tmp_path) -> None:
    build_small_register(register)
    result = run_cli(register_url, "export", str(tmp_path / "p.zip"), "--land-use", "ODT")
    assert result.returncode == 0, result.stderr
    info = pyogrio.read_info(f"/vsizip/{tmp_path / 'p.zip'}/p.shp")
    assert info["features"] == 1
    assert pyogrio.raw.read(f"/vsizip/{tmp_path / 'p.zip'}/p.shp")[3][1][0] == REF_CHILDREN[0]


def test_export_command_names_a_bad_option(register, register_url, tmp_path) -> None:
    result = run_cli(register_url, "export", str(tmp_path / "p.shp"))
    assert result.returncode == 1
    assert "delivered as a zip" in result.stderr
    result = run_cli(register_url, "export", str(tmp_path / "p.gpkg"), "--as-of", "2020-13-01")
    assert result.returncode == 1
    assert "--as-of" in result.stderr
    result = run_cli(register_url, "export", str(tmp_path / "p.gpkg"), "--bbox", "1,2,3")
    assert "--bbox" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_stats_command_writes_the_table_and_the_chart(register, register_url,
                                                      tmp_path) -> None:
    build_small_register(register)
    result = run_cli(register_url, "stats", "--csv", str(tmp_path / "s.csv"), "--chart",
                     str(tmp_path / "s.png"), "--as-of", "2021-01-01")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8")))
    odt = next(r for r in rows if r["commune_code"] == "00070" and r["code"] == "ODT")
    assert (odt["area_m2"], odt["parcels"]) == ("120.0", "1")
    assert (tmp_path / "s.png").stat().st_size > 1000


def test_stats_command_compares_two_dates(register, register_url, tmp_path) -> None:
    build_small_register(register)
    result = run_cli(register_url, "stats", "--csv", str(tmp_path / "d.csv"), "--as-of",
                     "2021-01-01", "--compare", "2011-01-01", "--chart", str(tmp_path / "d.svg"))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((tmp_path / "d.csv").open(encoding="utf-8")))
    total = next(r for r in rows if r["commune_code"] == "00070" and r["code"] == "*")
    assert (total["area_m2_before"], total["area_m2_after"], total["parcels_change"]) == (
        "0.0", "300.0", "+3")
    assert (tmp_path / "d.svg").exists()


def refused(result: subprocess.CompletedProcess, *words: str) -> None:
    """A refusal: exit 1, an error line and a hint, no traceback, no progress bar."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error:"), result.stderr
    assert "Hint:" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 4, result.stderr
    assert "exporting" not in result.stdout + result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_export_into_a_read_only_folder_is_refused_before_running(register, register_url,
                                                                  tmp_path) -> None:
    build_small_register(register)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        refused(run_cli(register_url, "export", str(locked / "p.gpkg")), "cannot write")
        refused(run_cli(register_url, "stats", "--csv", str(locked / "s.csv")), "cannot write")
        refused(run_cli(register_url, "stats", "--csv", str(tmp_path / "s.csv"), "--chart",
                        str(locked / "s.svg")), "--chart", "cannot write")
        assert list(locked.iterdir()) == []
        assert not (tmp_path / "s.csv").exists()
    finally:
        locked.chmod(0o755)


def test_export_onto_a_folder_or_a_locked_file_is_refused(register, register_url,
                                                          tmp_path) -> None:
    build_small_register(register)
    (tmp_path / "folder.gpkg").mkdir()
    refused(run_cli(register_url, "export", str(tmp_path / "folder.gpkg"), "--overwrite"),
            "is a folder")
    locked = tmp_path / "locked.csv"
    locked.write_text("kept")
    locked.chmod(0o444)
    refused(run_cli(register_url, "export", str(locked), "--overwrite"), "read-only")
    refused(run_cli(register_url, "stats", "--csv", str(locked), "--overwrite"), "read-only")
    assert locked.read_text() == "kept"


def test_an_existing_output_is_replaced_only_with_overwrite(register, register_url,
                                                            tmp_path) -> None:
    build_small_register(register)
    output = tmp_path / "p.fgb"
    output.write_bytes(b"earlier")
    refused(run_cli(register_url, "export", str(output)), "already exists", "--overwrite")
    assert output.read_bytes() == b"earlier"
    result = run_cli(register_url, "export", str(output), "--overwrite")
    assert result.returncode == 0, result.stderr
    assert pyogrio.read_info(output)["features"] == 4
    table = tmp_path / "s.csv"
    table.write_text("earlier")
    refused(run_cli(register_url, "stats", "--csv", str(table)), "already exists")
    assert run_cli(register_url, "stats", "--csv", str(table), "--overwrite").returncode == 0
    assert table.read_text(encoding="utf-8").startswith("commune_code,")


def test_a_future_date_is_refused(register, register_url, tmp_path) -> None:
    build_small_register(register)
    refused(run_cli(register_url, "export", str(tmp_path / "p.gpkg"), "--as-of", "2999-01-01"),
            "--as-of 2999-01-01", "future")
    refused(run_cli(register_url, "stats", "--csv", str(tmp_path / "s.csv"), "--as-of",
                    "2999-01-01"), "future")
    refused(run_cli(register_url, "stats", "--csv", str(tmp_path / "s.csv"), "--compare",
                    "2999-01-01"), "--compare")
    assert list(tmp_path.iterdir()) == []


def test_a_refusal_found_by_the_database_prints_no_progress_bar(register, register_url,
                                                                tmp_path) -> None:
    build_small_register(register)
    refused(run_cli(register_url, "export", str(tmp_path / "p.gpkg"), "--commune", "99999"),
            "--commune 99999")
