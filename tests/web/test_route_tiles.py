"""GET /tiles/{z}/{x}/{y}.pbf: parcel vector tiles made by ST_AsMVT, cached server-side, and
evicted only where the register changed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect
from cadastre.web.app import create_app
from cadastre.web.models import Parcel, Problem
from tests.db.register_helpers import change, restrict, scalar
from tests.web.bad_input import INJECTIONS
from tests.web.conftest import sample_dossier, web_settings
from tests.web.mvt import feature, layers
from tests.web.tiles import tile_of

MVT = "application/vnd.mapbox-vector-tile"


def location(client, ref: str):
    return Parcel.model_validate(client.get(f"/api/parcels/{ref}").json()).location


def tile_url(z: int, x: int, y: int) -> str:
    return f"/tiles/{z}/{x}/{y}.pbf"


def test_a_tile_holds_the_parcels_under_it_with_their_status(client, facts) -> None:
    spot = location(client, facts.mortgaged)
    response = client.get(tile_url(*tile_of(spot.lon, spot.lat, 18)))
    assert response.status_code == 200
    assert response.headers["content-type"] == MVT
    assert "max-age" in response.headers["cache-control"]
    props = feature(response.content, facts.mortgaged)
    assert props is not None
    assert props["status"] == "mortgaged"
    assert props["color"].startswith("#") and props["land_use"]


def test_parcels_appear_from_zoom_15_and_commune_lines_before(client, facts) -> None:
    spot = location(client, facts.plain)
    low = layers(client.get(tile_url(*tile_of(spot.lon, spot.lat, 13))).content)
    assert low.keys() == {"communes"}
    assert low["communes"][0]["code"] == "91001"
    high = layers(client.get(tile_url(*tile_of(spot.lon, spot.lat, 15))).content)
    assert facts.plain in {p["ref"] for p in high["parcels"]}


def test_a_tile_far_from_the_register_is_empty(client) -> None:
    response = client.get(tile_url(*tile_of(2.35, 48.85, 16)))
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("path", ["/tiles/3/8/1.pbf", "/tiles/0/1/0.pbf", "/tiles/23/0/0.pbf",
                                  "/tiles/-1/0/0.pbf", "/tiles/16/99999999999999999999/1.pbf",
                                  "/tiles/a/b/c.pbf", "/tiles/16/1/1e3.pbf"])
def test_tiles_that_do_not_exist_are_4xx(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/json"
    Problem.model_validate(response.json())


@pytest.mark.parametrize("garbage", INJECTIONS)
def test_garbage_coordinates_are_4xx(client, garbage: str) -> None:
    from urllib.parse import quote

    response = client.get(f"/tiles/16/{quote(garbage, safe='')}/1.pbf")
    assert 400 <= response.status_code < 500


def test_an_edit_evicts_the_affected_tile_and_look_up_only(fresh_sample_url: str) -> None:
    settings = web_settings(fresh_sample_url, change_poll_seconds=0)
    with TestClient(create_app(settings)) as client:
        register = client.app.state.register
        conn = connect(fresh_sample_url)
        try:
            parcel_id, ref = next(iter(_plain_and_far(conn)))
            far_ref = _plain_and_far(conn)[1][1]
            near = location(client, ref)
            far = location(client, far_ref)
            near_tile = tile_of(near.lon, near.lat, 18)
            far_tile = tile_of(far.lon, far.lat, 18)
            assert near_tile != far_tile
            before = client.get(tile_url(*near_tile)).content
            client.get(tile_url(*far_tile))
            assert feature(before, ref)["status"] == "registered"
            assert near_tile in register.tiles and far_tile in register.tiles
            bank = scalar(conn, "SELECT id FROM cadastre.party WHERE kind = 'organisation' "
                                "ORDER BY id LIMIT 1")
            with change(conn, "2026-01-15 12:00+00") as cur:
                dossier = sample_dossier(cur, "mortgage", "2026-01-15")
                restrict(cur, dossier, parcel_id, "mortgage", bank, 1_000_000_000)
        finally:
            conn.close()
        after = client.get(tile_url(*near_tile))
        assert feature(after.content, ref)["status"] == "mortgaged"
        assert far_tile in register.tiles  # the unaffected tile stayed cached
        assert "mortgaged" in Parcel.model_validate(
            client.get(f"/api/parcels/{ref}").json()).status_codes
        far_doc = client.get(f"/api/parcels/{far_ref}").json()
        assert far_doc["status_codes"] == ["registered"]


def _plain_and_far(conn) -> list[tuple[int, str]]:
    """Two unrestricted current parcels about as far apart as the sample allows."""
    with conn, conn.cursor() as cur:
        cur.execute("""
            WITH c AS (SELECT p.id, p.commune_code || '/' || p.sheet_number || '/'
                              || p.parcel_number AS ref, ST_PointOnSurface(p.geom) AS pt
                       FROM cadastre.parcel AS p
                       WHERE p.status = 'current' AND p.land_uses -> 0 ->> 'code' = 'ODT'
                         AND EXISTS (SELECT 1 FROM cadastre.rrr AS r WHERE r.parcel_id = p.id
                                     AND r.kind = 'land_use_right' AND upper_inf(r.valid))
                         AND NOT EXISTS (SELECT 1 FROM cadastre.rrr AS r
                                         WHERE r.parcel_id = p.id AND r.kind <> 'land_use_right'
                                           AND upper_inf(r.valid)))
            (SELECT id, ref FROM c ORDER BY ST_X(pt) + ST_Y(pt) LIMIT 1)
            UNION ALL
            (SELECT id, ref FROM c ORDER BY ST_X(pt) + ST_Y(pt) DESC LIMIT 1)""")
        return [(row[0], row[1]) for row in cur.fetchall()]
