"""An export re-imports into another register with the `cadastre` mapping preset."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cadastre.db.connection import connect, create_database, drop_database, with_database
from cadastre.export import ExportRequest, export_parcels
from tests.db.export_helpers import build_small_register
from tests.db.import_helpers import fetch, run_import


@pytest.fixture
def other_register(server_url: str, admin_url: str, register_template_name: str):
    name = f"cadastre_reimport_{Path(__file__).stem[-6:]}"
    drop_database(admin_url, name)
    create_database(admin_url, name, template=register_template_name)
    conn = connect(with_database(server_url, name))
    yield conn
    conn.close()
    drop_database(admin_url, name)


IDENTITY = (
    "SELECT commune_code, sheet_number, parcel_number, legal_area, address "
    "FROM cadastre.parcel WHERE status = 'current' ORDER BY 1, 2, 3"
)


@pytest.mark.parametrize("suffix", [".gpkg", ".zip"])
def test_an_export_imports_into_another_register_with_the_same_parcels(
    register, other_register, tmp_path: Path, suffix: str
) -> None:
    build_small_register(register)
    output = tmp_path / f"parcels{suffix}"
    export_parcels(
        output, ExportRequest(format="shp" if suffix == ".zip" else None), connection=register
    )
    source = output
    if suffix == ".zip":
        shutil.unpack_archive(output, tmp_path / "unzipped")
        source = next((tmp_path / "unzipped").rglob("*.shp"))

    report = run_import(other_register, source, mapping="cadastre")

    assert report.outcomes == {"imported": len(fetch(register, IDENTITY))}
    assert fetch(other_register, IDENTITY) == fetch(register, IDENTITY)
