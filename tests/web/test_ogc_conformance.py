"""Each conformance class the OGC API declares, proved against the running web view: Part 1
Core, GeoJSON, HTML and OpenAPI 3.0, and Part 2 CRS by reference (axis order included). The
expected answers are read from the register as the superuser."""

from __future__ import annotations

import math

import httpx
import pytest

from cadastre.db.connection import connect
from cadastre.web.ogc.documents import CONFORMANCE
from tests.web.live_server import ogc_url

__all__ = ["ogc_url"]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"
COLLECTION_IDS = {"parcels", "communes", "map-sheets", "land-use-codes"}


@pytest.fixture(scope="module")
def http(ogc_url: str):
    with httpx.Client(base_url=ogc_url + "/", timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def register(sample_url: str) -> dict:
    """Current parcel ids, retired ids and the land uses of the sample, as the superuser."""
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT id, status, land_uses FROM cadastre.parcel")
            rows = cur.fetchall()
            cur.execute("SELECT srid FROM cadastre.register_setting")
            srid = cur.fetchone()[0]
            cur.execute("SELECT cadastre.land_use_descendants(ARRAY['NNP'])")
            agricultural = set(cur.fetchone()[0])
    finally:
        conn.close()
    return {"current": {r[0] for r in rows if r[1] == "current"},
            "retired": {r[0] for r in rows if r[1] == "retired"},
            "uses": {r[0]: {u["code"] for u in r[2]} for r in rows if r[1] == "current"},
            "srid": srid, "agricultural": agricultural}


def _all(http: httpx.Client, path: str, **params) -> tuple[list[dict], int]:
    """Every feature through the `next` links, and how many pages it took."""
    url: str | None = path
    features, pages = [], 0
    while url:
        response = http.get(url, params=params if pages == 0 else None)
        assert response.status_code == 200, response.text
        body = response.json()
        features += body["features"]
        pages += 1
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    return features, pages


def test_the_conformance_page_declares_core_geojson_html_oas30_and_crs(http) -> None:
    declared = http.get("conformance").json()["conformsTo"]
    assert set(declared) == set(CONFORMANCE)
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in declared


# --- Core --------------------------------------------------------------------------------------


def test_core_the_landing_page_links_the_definition_conformance_and_collections(http) -> None:
    response = http.get("")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    rels = {link["rel"]: link for link in response.json()["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    for rel in ("service-desc", "conformance", "data"):
        assert http.get(rels[rel]["href"]).status_code == 200


def test_core_collections_list_every_collection_with_its_items_link(http) -> None:
    body = http.get("collections").json()
    assert {c["id"] for c in body["collections"]} == COLLECTION_IDS
    for c in body["collections"]:
        items = [link for link in c["links"] if link["rel"] == "items"]
        assert items and http.get(items[0]["href"]).status_code == 200
        assert http.get(f"collections/{c['id']}").json()["id"] == c["id"]
    parcels = next(c for c in body["collections"] if c["id"] == "parcels")
    west, south, east, north = parcels["extent"]["spatial"]["bbox"][0]
    assert 105 < west < east < 106 and 20 < south < north < 22


def test_core_paging_with_next_links_returns_every_current_parcel_once(http, register) -> None:
    first = http.get("collections/parcels/items", params={"limit": 700}).json()
    assert first["numberMatched"] == len(register["current"])
    assert first["numberReturned"] == 700
    features, pages = _all(http, "collections/parcels/items", limit=700)
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) == len(register["current"])
    assert set(ids) == register["current"]
    assert pages == math.ceil(len(register["current"]) / 700)


def test_core_bbox_keeps_the_parcels_it_meets(http, register, sample_url) -> None:
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""
                SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
                FROM (SELECT ST_Transform(ST_Buffer(ST_PointOnSurface(geom), 30), 4326)::box2d AS b
                      FROM cadastre.parcel WHERE status = 'current' ORDER BY id LIMIT 1) AS x""")
            box = cur.fetchone()
            cur.execute("""
                SELECT id FROM cadastre.parcel WHERE status = 'current' AND ST_Intersects(geom,
                  ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), cadastre.register_srid()))""",
                        box)
            expected = {r[0] for r in cur.fetchall()}
    finally:
        conn.close()
    features, _ = _all(http, "collections/parcels/items", bbox=",".join(map(str, box)))
    assert {f["id"] for f in features} == expected
    assert 1 < len(expected) < len(register["current"])


def test_core_property_filters_commune_land_use_and_status(http, register) -> None:
    by_commune, _ = _all(http, "collections/parcels/items", commune_code="91001", limit=5000)
    assert {f["id"] for f in by_commune} == register["current"]
    assert http.get("collections/parcels/items",
                    params={"commune_code": "99999"}).json()["features"] == []
    rice, _ = _all(http, "collections/parcels/items", land_use="ODT", limit=5000)
    assert {f["id"] for f in rice} == {i for i, uses in register["uses"].items() if "ODT" in uses}
    farmland, _ = _all(http, "collections/parcels/items", land_use="NNP", limit=5000)
    assert {f["id"] for f in farmland} == {
        i for i, uses in register["uses"].items() if uses & register["agricultural"]}
    assert farmland and "LUC" in register["agricultural"]
    retired, _ = _all(http, "collections/parcels/items", status="retired", limit=5000)
    assert {f["id"] for f in retired} == register["retired"]
    assert all(f["properties"]["status"] == "retired" for f in retired)


def test_core_a_single_feature_and_a_missing_one(http, register) -> None:
    some = min(register["current"])
    response = http.get(f"collections/parcels/items/{some}")
    assert response.status_code == 200
    assert response.json()["id"] == some
    missing = http.get("collections/parcels/items/999999999")
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"
    assert http.get("collections/nothing/items").status_code == 404


@pytest.mark.parametrize("query", [
    {"limit": "0"}, {"limit": "abc"}, {"limit": "10001"}, {"bbox": "1,2,3"},
    {"bbox": "3,2,1,0"}, {"bbox": "a,b,c,d"}, {"datetime": "yesterday"},
    {"datetime": "2020-01-01/2019-01-01"}, {"datetime": "2999-01-01"}, {"status": "gone"},
    {"commune_code": "91'001"}, {"unknown": "1"}, {"after": "x"}, {"crs": "EPSG:2000"},
    {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/32648"}, {"f": "xml"},
])
def test_core_a_bad_parameter_is_a_400_naming_it(http, query) -> None:
    response = http.get("collections/parcels/items", params=query)
    assert response.status_code == 400, query
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert f"`{next(iter(query))}`" in body["description_en"]
    assert body["description_vi"].startswith("Tham số")


# --- GeoJSON -----------------------------------------------------------------------------------


def test_geojson_items_and_item_are_geojson_with_public_properties(http) -> None:
    response = http.get("collections/parcels/items", params={"limit": 3})
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert {"ref", "commune_code", "legal_area", "land_use", "status", "version",
                "valid_from", "made_from", "replaced_by"} <= set(feature["properties"])
        assert "holders" not in feature["properties"]
    one = http.get(f"collections/parcels/items/{body['features'][0]['id']}")
    assert one.headers["content-type"] == "application/geo+json"
    assert one.json()["type"] == "Feature"
    codes = http.get("collections/land-use-codes/items", params={"limit": 200}).json()
    assert codes["numberMatched"] == len(codes["features"]) > 50
    assert all(f["geometry"] is None for f in codes["features"])


# --- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "conformance", "api", "collections", "collections/parcels",
                                  "collections/parcels/items", "collections/communes/items"])
def test_html_every_resource_answers_a_page_by_f_and_by_accept(http, path) -> None:
    by_f = http.get(path, params={"f": "html"})
    by_accept = http.get(path, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    for response in (by_f, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "<html" in response.text
    assert http.get(path, headers={"accept": "application/json"}).headers[
        "content-type"].startswith(("application/json", "application/geo+json",
                                    "application/vnd.oai.openapi+json"))


def test_html_an_item_page_shows_its_properties_and_links_its_parcel_page(http, register) -> None:
    some = min(register["retired"])
    page = http.get(f"collections/parcels/items/{some}", params={"f": "html", "lang": "en"})
    assert page.status_code == 200
    assert "retired" in page.text and "/thua/" in page.text


# --- OpenAPI 3.0 -------------------------------------------------------------------------------


def test_oas30_the_definition_is_openapi_3_0_with_every_path_and_parameter(http) -> None:
    response = http.get("api")
    assert response.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    definition = response.json()
    assert definition["openapi"].startswith("3.0.")
    for cid in COLLECTION_IDS:
        assert f"/collections/{cid}/items" in definition["paths"]
        assert f"/collections/{cid}/items/{{featureId}}" in definition["paths"]
    names = {p["name"] for p in
             definition["paths"]["/collections/parcels/items"]["get"]["parameters"]}
    assert {"limit", "bbox", "bbox-crs", "crs", "datetime", "commune_code", "land_use",
            "status"} <= names
    from openapi_spec_validator import validate

    validate(definition)


# --- Part 2: CRS by reference ------------------------------------------------------------------


def test_crs_every_spatial_collection_offers_crs84_the_register_crs_4326_and_3857(
        http, register) -> None:
    expected = {CRS84, EPSG.format(register["srid"]), EPSG.format(4326), EPSG.format(3857)}
    body = http.get("collections").json()
    assert set(body["crs"]) == expected
    for c in body["collections"]:
        if c["id"] != "land-use-codes":
            assert set(c["crs"]) == expected
            assert c["storageCrs"] == EPSG.format(register["srid"])


def _first_point(http, crs: str | None, some: int) -> tuple[list[float], str]:
    params = {"crs": crs} if crs else {}
    response = http.get(f"collections/parcels/items/{some}", params=params)
    assert response.status_code == 200
    return response.json()["geometry"]["coordinates"][0][0][0], response.headers["content-crs"]


def test_crs_coordinates_follow_each_crs_axis_order_and_content_crs_names_it(
        http, register, sample_url) -> None:
    some = min(register["current"])
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""
                SELECT ST_X(p), ST_Y(p), ST_X(ST_Transform(p, 4326)), ST_Y(ST_Transform(p, 4326)),
                       ST_X(ST_Transform(p, 3857)), ST_Y(ST_Transform(p, 3857))
                FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) AS p
                      FROM cadastre.parcel WHERE id = %s) AS x""", (some,))
            easting, northing, lon, lat, mx, my = cur.fetchone()
    finally:
        conn.close()
    point, header = _first_point(http, None, some)
    assert header == f"<{CRS84}>" and point == pytest.approx([lon, lat], abs=1e-7)
    point, header = _first_point(http, EPSG.format(4326), some)
    assert header == f"<{EPSG.format(4326)}>" and point == pytest.approx([lat, lon], abs=1e-7)
    point, header = _first_point(http, f"[EPSG:{register['srid']}]", some)
    assert header == f"<{EPSG.format(register['srid'])}>"
    assert point == pytest.approx([easting, northing], abs=1e-3)
    assert 300_000 < point[0] < 800_000 < 2_000_000 < point[1]  # easting, then northing
    point, header = _first_point(http, EPSG.format(3857), some)
    assert point == pytest.approx([mx, my], abs=1e-3)


def test_crs_bbox_crs_selects_the_same_parcels_in_every_crs(http, register, sample_url) -> None:
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""
                SELECT ST_Transform(ST_Buffer(ST_PointOnSurface(geom), 40), 4326)::box2d,
                       ST_Buffer(ST_PointOnSurface(geom), 40)::box2d
                FROM cadastre.parcel WHERE status = 'current' ORDER BY id DESC LIMIT 1""")
            wgs, native = cur.fetchone()
    finally:
        conn.close()

    def numbers(box: str) -> list[float]:
        return [float(v) for v in box[4:-1].replace(",", " ").split()]

    west, south, east, north = numbers(wgs)
    xmin, ymin, xmax, ymax = numbers(native)
    # The native box is bigger than the WGS 84 box of its own projection: compare each with
    # the register's own answer for it.
    crs84, _ = _all(http, "collections/parcels/items", bbox=f"{west},{south},{east},{north}")
    lat_lon, _ = _all(http, "collections/parcels/items", bbox=f"{south},{west},{north},{east}",
                      **{"bbox-crs": EPSG.format(4326)})
    native_ids, _ = _all(http, "collections/parcels/items", bbox=f"{xmin},{ymin},{xmax},{ymax}",
                         **{"bbox-crs": EPSG.format(register["srid"])})
    assert {f["id"] for f in crs84} == {f["id"] for f in lat_lon}
    assert {f["id"] for f in crs84} <= {f["id"] for f in native_ids}
    assert len(crs84) > 1
