"""The exported shapefile opens in QGIS (headless) with the register's CRS and its text."""

from __future__ import annotations

import pytest

from cadastre.export import ExportRequest, export_parcels
from tests.db.export_helpers import ADDRESS_7, ORG_NAME, REF_SHOP, build_small_register

qgis_core = pytest.importorskip("qgis.core")


@pytest.mark.parametrize(("crs", "authid"), [("tm3", "EPSG:5897"), ("wgs84", "EPSG:4326")])
def test_shapefile_zip_opens_in_qgis_with_its_crs_and_vietnamese_text(
    qgis_app, register, register_url, tmp_path, crs, authid
) -> None:
    build_small_register(register)
    output = tmp_path / "parcels.zip"
    export_parcels(output, ExportRequest(crs=crs, with_holders=True), url=register_url)

    layer = qgis_core.QgsVectorLayer(f"/vsizip/{output}/parcels.shp", "parcels", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == 4
    assert layer.crs().authid() == authid
    assert layer.dataProvider().encoding().upper().replace("-", "") == "UTF8"
    features = {f["MaThua"]: f for f in layer.getFeatures()}
    assert features[REF_SHOP]["DiaChi"] == ADDRESS_7
    assert features[REF_SHOP]["ChuSuDung"] == f"{ORG_NAME} (1/1)"
    assert features[REF_SHOP]["TenXa"] == "Phường Cửa Nam"
