"""GDAL's OAPIF driver as the client (Debian's ogrinfo and ogr2ogr against the running web
view): it lists the collections and copies a whole commune through the `next` links with the
same features and attributes as `cadastre export`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import shapely
from osgeo import ogr

from cadastre.export import ExportRequest, export_parcels
from tests.web.conftest import SAMPLE_COMMUNE
from tests.web.live_server import ogc_url

__all__ = ["ogc_url"]
# Every attribute the API shares with an export (the export's own names).
SHARED = ("ref", "commune_code", "commune_name", "sheet_number", "parcel_number", "legal_area",
          "measured_area", "land_use", "land_use_areas", "main_land_use", "land_use_count",
          "address", "old_refs", "status", "version", "version_since")


def _run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _read(path: Path) -> dict[str, tuple[dict, shapely.Geometry]]:
    """Features of a file's only layer by ref: attributes and geometry."""
    source = ogr.Open(str(path))
    layer = source.GetLayer(0)
    found = {}
    for f in layer:
        values = {name: f.GetField(name) for name in SHARED}
        found[values["ref"]] = (values, shapely.from_wkb(bytes(f.GetGeometryRef().ExportToWkb())))
    return found


def test_ogrinfo_lists_the_collections(ogc_url) -> None:
    out = _run("ogrinfo", "-ro", "-q", f"OAPIF:{ogc_url}")
    for name in ("parcels", "communes", "map-sheets", "land-use-codes"):
        assert f": {name} " in out
    summary = _run("ogrinfo", "-ro", "-so", f"OAPIF:{ogc_url}", "parcels")
    assert "Multi Polygon" in summary and "commune_name: String" in summary


def test_ogr2ogr_copies_a_commune_through_paging_as_cadastre_export_writes_it(
        ogc_url, sample_url, tmp_path) -> None:
    copied = tmp_path / "oapif.gpkg"
    # Pages of 500 features: the copy follows the `next` links (numberMatched > 500).
    _run("ogr2ogr", "-f", "GPKG", str(copied), f"OAPIF:{ogc_url}", "parcels",
         "-oo", "PAGE_SIZE=500", "-where", f"commune_code = '{SAMPLE_COMMUNE}'",
         "-nln", "parcels")
    exported = tmp_path / "export.gpkg"
    result = export_parcels(exported, ExportRequest(communes=(SAMPLE_COMMUNE,), crs="wgs84"),
                            url=sample_url)
    api, export = _read(copied), _read(exported)
    assert result.count == len(export) > 500
    assert set(api) == set(export)
    for ref, (values, shape) in export.items():
        got, got_shape = api[ref]
        for name in SHARED:
            if name == "measured_area":
                assert got[name] == pytest.approx(values[name], rel=1e-9), (ref, name)
            else:
                assert got[name] == values[name], (ref, name, got[name], values[name])
        # The API writes 7 decimals of a degree (about 1 cm).
        assert shapely.hausdorff_distance(shape, got_shape) < 1e-7, ref
