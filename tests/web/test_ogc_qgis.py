"""QGIS's OAPIF provider (PyQGIS, headless) opens the OGC API's layers from the running web
view: the parcels with the right CRS, feature count and attributes. QGIS 3.22 reads CRS84 as
EPSG:4326 with longitude along x (it predates Part 2: it does not ask for another CRS)."""

from __future__ import annotations

import pytest

from cadastre.db.connection import connect
from tests.web.live_server import ogc_url

__all__ = ["ogc_url"]
qgis_core = pytest.importorskip("qgis.core")


@pytest.fixture(scope="module")
def current(sample_url: str) -> dict[str, float]:
    """The current parcels' legal areas by ref, as the superuser reads them."""
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""
                SELECT commune_code || '/' || sheet_number || '/' || parcel_number, legal_area
                FROM cadastre.parcel WHERE status = 'current'""")
            return {r[0]: float(r[1]) for r in cur.fetchall()}
    finally:
        conn.close()


def _layer(url: str, typename: str, extra: str = ""):
    return qgis_core.QgsVectorLayer(f"url='{url}' typename='{typename}' {extra}".strip(),
                                    typename, "OAPIF")


def test_qgis_opens_the_parcels_with_their_crs_count_and_attributes(
        qgis_app, ogc_url, current) -> None:
    layer = _layer(ogc_url, "parcels")
    assert layer.isValid(), layer.error().summary()
    assert layer.crs().authid() == "EPSG:4326"
    assert layer.featureCount() == len(current)
    features = {f["ref"]: f for f in layer.getFeatures()}
    assert len(features) == len(current)
    for ref, area in list(current.items())[:: max(1, len(current) // 50)]:
        assert features[ref]["legal_area"] == pytest.approx(area)
        assert features[ref]["status"] == "current"
    extent = layer.extent()
    assert 105 < extent.xMinimum() < extent.xMaximum() < 106  # longitude along x


def test_qgis_lists_every_collection_and_opens_the_communes(qgis_app, ogc_url) -> None:
    communes = _layer(ogc_url, "communes")
    assert communes.isValid()
    assert communes.featureCount() >= 1
    codes = _layer(ogc_url, "land-use-codes")
    assert codes.isValid() and codes.featureCount() > 50
