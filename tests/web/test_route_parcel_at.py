"""GET /api/parcels/at?lon=&lat=: the parcel under a point (what a map click asks)."""

from __future__ import annotations

import pytest

from cadastre.web.models import Parcel, PointHit, Problem


def test_the_point_of_a_parcel_finds_that_parcel(client, facts) -> None:
    location = Parcel.model_validate(client.get(f"/api/parcels/{facts.plain}").json()).location
    response = client.get("/api/parcels/at", params={"lon": location.lon, "lat": location.lat})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert PointHit.model_validate(response.json()).ref == facts.plain


def test_a_point_outside_the_register_is_404(client) -> None:
    response = client.get("/api/parcels/at", params={"lon": 2.35, "lat": 48.85})
    assert response.status_code == 404
    Problem.model_validate(response.json())


@pytest.mark.parametrize("lon, lat", [("181", "21"), ("105", "90"), ("nan", "21"),
                                      ("inf", "21"), ("1e309", "21"), ("abc", "21"),
                                      ("105", "' OR 1=1 --"), ("9" * 400, "21")])
def test_bad_coordinates_are_422(client, lon: str, lat: str) -> None:
    response = client.get("/api/parcels/at", params={"lon": lon, "lat": lat})
    assert response.status_code == 422
    assert Problem.model_validate(response.json()).errors


def test_missing_coordinates_are_422(client) -> None:
    assert client.get("/api/parcels/at").status_code == 422
