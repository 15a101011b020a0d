"""OGC API – Tiles over the map's vector tiles: the landing page and the parcels collection
lead to the tileset, the tileset gives its layers and URL template, the template answers the
very tile the map reads, and the WebMercatorQuad definition is there. One test per declared
Tiles conformance class (in-process app, as the web role)."""

from __future__ import annotations

import pytest

from cadastre.web.ogc.tiles import MATRIX_SET_URI, TILES_CONFORMANCE
from tests.web.mvt import layers
from tests.web.tiles import tile_of

REL = "http://www.opengis.net/def/rel/ogc/1.0/"


def _rel(document: dict, rel: str) -> dict:
    return next(link for link in document["links"] if link["rel"] == rel)


def test_the_tiles_conformance_classes_are_declared(client) -> None:
    assert set(TILES_CONFORMANCE) <= set(client.get("/ogc/conformance").json()["conformsTo"])


def test_tilesets_list_and_dataset_tilesets_lead_to_the_one_tileset(client) -> None:
    landing = client.get("/ogc/").json()
    tilesets = client.get(_rel(landing, REL + "tilesets-vector")["href"]).json()
    assert [t["tileMatrixSetURI"] for t in tilesets["tilesets"]] == [MATRIX_SET_URI]
    parcels = client.get("/ogc/collections/parcels").json()
    assert _rel(parcels, REL + "tilesets-vector")["href"] == _rel(
        landing, REL + "tilesets-vector")["href"]


def test_tileset_core_and_mvt_the_template_answers_the_maps_own_tile(client) -> None:
    tileset = client.get("/ogc/tiles/WebMercatorQuad").json()
    assert tileset["dataType"] == "vector"
    assert tileset["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    assert {layer["id"] for layer in tileset["layers"]} == {"parcels", "communes"}
    item = _rel(tileset, "item")
    assert item["templated"] and item["type"] == "application/vnd.mapbox-vector-tile"
    west, south, east, north = client.get("/api/communes").json()[0]["bbox"]
    z, x, y = tile_of((west + east) / 2, (south + north) / 2, 17)
    href = (item["href"].replace("{tileMatrix}", str(z)).replace("{tileRow}", str(y))
            .replace("{tileCol}", str(x)))
    ogc = client.get(href)
    assert ogc.status_code == 200
    assert ogc.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert ogc.content == client.get(f"/tiles/{z}/{x}/{y}.pbf").content
    assert layers(ogc.content)["parcels"]


@pytest.mark.parametrize("path", ["/ogc/tiles/WebMercatorQuad/2/4/0",
                                  "/ogc/tiles/WebMercatorQuad/23/0/0",
                                  "/ogc/tiles/WorldCRS84Quad/1/0/0",
                                  "/ogc/tileMatrixSets/Other"])
def test_a_tile_or_matrix_set_that_does_not_exist_is_a_404(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_tilematrixset_web_mercator_quad_is_defined(client) -> None:
    listed = client.get("/ogc/tileMatrixSets").json()["tileMatrixSets"]
    assert [m["id"] for m in listed] == ["WebMercatorQuad"]
    definition = client.get("/ogc/tileMatrixSets/WebMercatorQuad").json()
    assert definition["uri"] == MATRIX_SET_URI
    matrices = definition["tileMatrices"]
    assert [m["id"] for m in matrices] == [str(z) for z in range(23)]
    for z, matrix in enumerate(matrices):
        assert matrix["matrixWidth"] == matrix["matrixHeight"] == 2 ** z
        assert matrix["cellSize"] * 256 * 2 ** z == pytest.approx(2 * 20037508.3427892)
        assert matrix["pointOfOrigin"] == [-20037508.3427892, 20037508.3427892]
