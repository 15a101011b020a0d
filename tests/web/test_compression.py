"""Compression and caching for a citizen on a phone: text, JSON and tiles gzipped when the
browser accepts it (tiles and look-ups from the cache too), static files fingerprinted and
kept for a year, pages short-cached."""

from __future__ import annotations

import re

import pytest

from cadastre.web.models import Parcel
from tests.web.tiles import tile_of

GZIP = {"accept-encoding": "gzip"}
IDENTITY = {"accept-encoding": "identity"}
IMMUTABLE = "public, max-age=31536000, immutable"


def linked_assets(html: str) -> list[str]:
    """The static files a page links (stylesheets, scripts, the map's worker)."""
    return re.findall(r'(?:href|src|data-worker)="(/static/[^"]+)"', html)


def test_pages_json_and_tiles_are_gzipped_when_accepted(client, facts) -> None:
    spot = Parcel.model_validate(client.get(f"/api/parcels/{facts.plain}").json()).location
    z, x, y = tile_of(spot.lon, spot.lat, 17)
    for url in ("/", f"/thua/{facts.plain}", f"/api/parcels/{facts.plain}",
                "/api/addresses?q=pho&limit=50", f"/tiles/{z}/{x}/{y}.pbf",
                "/openapi.json"):
        for _ in range(2):  # the second answer comes from the cache, compressed as well
            zipped = client.get(url, headers=GZIP)
            assert zipped.status_code == 200, url
            assert zipped.headers["content-encoding"] == "gzip", url
            assert "Accept-Encoding" in zipped.headers["vary"], url
            plain = client.get(url, headers=IDENTITY)
            assert "content-encoding" not in plain.headers, url
            assert zipped.content == plain.content, url  # httpx decoded it: the same answer
            assert int(zipped.headers["content-length"]) < len(plain.content), url


def test_a_tile_from_the_cache_is_sent_gzipped_as_the_first(client, facts) -> None:
    spot = Parcel.model_validate(client.get(f"/api/parcels/{facts.mortgaged}").json()).location
    url = "/tiles/{}/{}/{}.pbf".format(*tile_of(spot.lon, spot.lat, 16))
    first = client.get(url, headers=GZIP)
    again = client.get(url, headers=GZIP)
    assert first.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
    assert first.headers["content-length"] == again.headers["content-length"]
    assert first.content == again.content == client.get(url, headers=IDENTITY).content


def test_static_files_are_fingerprinted_and_kept_for_a_year(client, facts) -> None:
    page = client.get(f"/thua/{facts.plain}").text
    assets = linked_assets(page)
    names = {a.split("?")[0] for a in assets}
    assert {"/static/app.css", "/static/map.js",
            "/static/vendor/maplibre-gl/maplibre-gl-csp.js",
            "/static/vendor/maplibre-gl/maplibre-gl-csp-worker.js",
            "/static/vendor/maplibre-gl/maplibre-gl.css"} <= names
    for url in assets:
        assert re.search(r"\?v=[0-9a-f]{16}$", url), url
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE, url
        assert response.headers["content-encoding"] == "gzip", url
        assert response.headers["etag"], url
    stale = client.get("/static/app.css?v=0000000000000000")
    assert stale.headers["cache-control"] == "public, no-cache"
    bare = client.get("/static/app.css")
    assert bare.status_code == 200 and bare.headers["cache-control"] == "public, no-cache"
    again = client.get("/static/app.css", headers={"if-none-match": bare.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/static/nothing.js").status_code == 404


def test_pages_are_short_cached(client, facts) -> None:
    for url in ("/", f"/thua/{facts.plain}", "/tim?q=pho"):
        assert client.get(url).headers["cache-control"] == "private, max-age=30", url


@pytest.mark.parametrize("url", ["/", "/thua/{plain}"])
def test_a_first_visit_costs_far_fewer_bytes(client, facts, url: str) -> None:
    """The page and every static file it links, as a first visit fetches them: gzipped, it
    must cost under a third of the plain bytes (the map library dominates)."""
    page = url.format(plain=facts.plain)
    html = client.get(page).text
    before = after = 0
    for part in [page, *linked_assets(html)]:
        before += len(client.get(part, headers=IDENTITY).content)
        after += int(client.get(part, headers=GZIP).headers["content-length"])
    assert before > 1_400_000  # MapLibre and its worker alone are 1.4 MB
    assert after < before / 3, (before, after)
