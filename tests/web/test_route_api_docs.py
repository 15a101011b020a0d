"""GET /api and /openapi.json: the API documented for other portals, served offline."""

from __future__ import annotations


def test_the_openapi_description_lists_every_api_route(client) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    paths = response.json()["paths"]
    assert set(paths) == {
        "/api/parcels/at", "/api/parcels", "/api/parcels/{commune}/{sheet}/{number}",
        "/api/addresses", "/api/certificates/{serial}", "/api/communes",
        "/tiles/{z}/{x}/{y}.pbf", "/api/analyst/parcels.{fmt}",
    }
    parcel = paths["/api/parcels/{commune}/{sheet}/{number}"]["get"]
    schema = parcel["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/Parcel")


def test_the_api_page_renders_routes_and_schemas_without_a_cdn(client) -> None:
    response = client.get("/api")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "GET /api/parcels/{commune}/{sheet}/{number}" in response.text
    assert 'id="schema-Parcel"' in response.text
    assert "cdn" not in response.text.lower()
