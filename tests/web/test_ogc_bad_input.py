"""Attacks on the OGC API's parameters (in-process app, the web role underneath): injection
strings, control characters, numbers out of range, odd identifiers. Each is a 4xx naming the
problem in both languages — never a 500, never PostgreSQL's text — and changes nothing."""

from __future__ import annotations

import pytest

BAD_ITEMS = [
    {"commune_code": "91001' OR '1'='1"},
    {"commune_code": "91001;DROP TABLE cadastre.parcel"},
    {"land_use": "ODT)--"},
    {"status": "current' --"},
    {"datetime": "2020-01-01'; SELECT pg_sleep(10)--"},
    {"datetime": "2020-01-01\x00"},
    {"datetime": "9999999-01-01"},
    {"bbox": "1e309,0,1e309,1"},
    {"bbox": "nan,0,1,1"},
    {"bbox": "0,0,1,1,2"},
    {"bbox": "-181,0,0,1"},
    {"limit": "99999999999999999999"},
    {"limit": "-1"},
    {"after": "99999999999999999999.1"},
    {"after": "1.1.1"},
    {"crs": "http://www.opengis.net/def/crs/EPSG/0/4326' OR 1=1"},
    {"crs": "EPSG:４３２６"},
    {"bbox-crs": "[EPSG:0]"},
    {"offset": "5"},  # parcels page by cursor, not offset
    {"q": "<script>alert(1)</script>"},
]


@pytest.mark.parametrize("query", BAD_ITEMS, ids=lambda q: next(iter(q)))
def test_a_malicious_or_malformed_parameter_is_a_400_naming_it(client, query) -> None:
    response = client.get("/ogc/collections/parcels/items", params=query)
    assert response.status_code == 400, (query, response.text)
    body = response.json()
    name = next(iter(query))
    assert f"`{name}`" in body["description_en"] and f"`{name}`" in body["description_vi"]
    assert "ERROR" not in response.text and "syntax" not in response.text


@pytest.mark.parametrize("feature", ["99999999999999999999", "0", "-1", "abc", "1%00", "1.5"])
def test_an_odd_feature_id_is_a_404(client, feature) -> None:
    response = client.get(f"/ogc/collections/parcels/items/{feature}")
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_an_interval_on_a_single_feature_is_refused(client) -> None:
    some = client.get("/ogc/collections/parcels/items", params={"limit": 1}).json()
    feature = some["features"][0]["id"]
    response = client.get(f"/ogc/collections/parcels/items/{feature}",
                          params={"datetime": "2015-01-01/2016-01-01"})
    assert response.status_code == 400
    assert "`datetime`" in response.json()["description_en"]


def test_other_methods_are_refused_and_head_answers(client) -> None:
    assert client.post("/ogc/collections/parcels/items", json={}).status_code == 405
    assert client.delete("/ogc/collections/parcels/items/1").status_code == 405
    head = client.head("/ogc/collections/parcels/items?limit=5")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-crs"].startswith("<http://www.opengis.net/def/crs/")


def test_an_unknown_path_under_the_api_is_an_ogc_404(client) -> None:
    response = client.get("/ogc/nothing/here")
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_nothing_changed_after_the_attacks(client) -> None:
    before = client.get("/ogc/collections/parcels/items", params={"limit": 1}).json()
    for query in BAD_ITEMS:
        client.get("/ogc/collections/parcels/items", params=query)
    after = client.get("/ogc/collections/parcels/items", params={"limit": 1}).json()
    assert before["numberMatched"] == after["numberMatched"] > 0
