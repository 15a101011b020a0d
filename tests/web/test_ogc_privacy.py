"""The public web view's privacy check crawls the OGC API too: every parcel (current, retired
and every past version through `datetime`), every page of every collection in GeoJSON and HTML
and each parcel item are searched for the sample's ID numbers, birth dates, personal addresses
and full party names (tests/web/test_privacy.py's checker). The web role can call the API's
functions but not the internal one they are built on."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import psycopg2
import pytest

from cadastre.web.config import WebSettings, web_database_url
from tests.web.test_privacy import _check, personal

__all__ = ["personal"]
CRAWLED = [
    ("parcels", {"limit": 1000}),
    ("parcels", {"limit": 1000, "status": "all"}),
    ("parcels", {"limit": 1000, "status": "all", "datetime": "../.."}),
    ("parcels", {"limit": 1000, "datetime": "2016-06-30"}),
    ("communes", {}),
    ("map-sheets", {}),
    ("land-use-codes", {"limit": 1000}),
]


def _crawl(client, collection: str, params: dict, personal: dict) -> list[dict]:
    """Every page of a collection's items through `next`, each checked; the features."""
    features: list[dict] = []
    url: str | None = f"/ogc/collections/{collection}/items?{urlencode(params)}"
    while url:
        page = json.loads(_check(client, url, personal))
        features += page["features"]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        if url:
            url = url[url.index("/ogc/"):]
    return features


def test_no_ogc_api_answer_lets_out_personal_data(client, personal) -> None:
    for path in ("", "/conformance", "/api", "/collections", "/collections/parcels",
                 "/collections/communes", "/?f=html", "/api?f=html", "/collections?f=html"):
        _check(client, f"/ogc{path}", personal)
    ids: set[int] = set()
    for collection, params in CRAWLED:
        found = _crawl(client, collection, params, personal)
        assert found, (collection, params)
        if collection == "parcels":
            ids |= {f["id"] for f in found}
    assert len(ids) >= len(personal["refs"])  # every parcel ever registered was read
    for some in sorted(ids):
        _check(client, f"/ogc/collections/parcels/items/{some}", personal)
    for some in sorted(ids)[::50]:
        _check(client, f"/ogc/collections/parcels/items/{some}?f=html&lang=en", personal)
        _check(client, f"/ogc/collections/parcels/items?f=html&limit=200&after={some}.0",
               personal)


def test_parcel_features_carry_no_holder_field(client) -> None:
    page = client.get("/ogc/collections/parcels/items", params={"limit": 50}).json()
    for feature in page["features"]:
        assert not {"holders", "holder", "party", "owner", "id_number"} & set(
            feature["properties"])


@pytest.mark.parametrize("query", [
    "SELECT count(*) FROM public_register.ogc_parcel_source(false, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL)",
    "SELECT count(*) FROM cadastre.parcel_version",
])
def test_the_web_role_cannot_call_the_internal_source_of_the_api(sample_url, query) -> None:
    conn = psycopg2.connect(web_database_url(WebSettings(database_url=sample_url)))
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cur:
            cur.execute(query)
    finally:
        conn.close()


def test_the_web_role_calls_the_api_functions(sample_url) -> None:
    conn = psycopg2.connect(web_database_url(WebSettings(database_url=sample_url)))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM public_register.ogc_parcels(false, NULL, NULL, "
                        "NULL, NULL, NULL, ARRAY['current'], NULL, NULL, 4326, false, 7, NULL, "
                        "NULL, 10)")
            assert cur.fetchone()[0] == 10
    finally:
        conn.close()
