"""The web view in a real browser (Playwright driving Debian's Chromium): a search by number
opens the parcel page with its status; the map loads tiles and a click opens the right
parcel. Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cadastre.settings import PROJECT_ROOT
from tests.web.live_server import served

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"



@pytest.fixture(scope="module")
def base_url(sample_url: str) -> Iterator[str]:
    """The web view served by uvicorn (a subprocess) on a free port, on the sample."""
    with served(sample_url) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    yield tab
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_by_number_opens_the_parcel_page_with_its_status(page, base_url, facts) -> None:
    _, sheet, number = facts.mortgaged.split("/")
    page.goto(base_url + "/")
    page.get_by_label("Xã, phường").fill("phuong mau 1")
    page.get_by_label("Số tờ bản đồ").fill(sheet)
    page.get_by_label("Số thửa", exact=True).fill(number)
    page.locator("form", has=page.locator("#commune")).get_by_role("button").click()
    page.wait_for_url(f"**/thua/{facts.mortgaged}*")
    status = page.locator("#status")
    assert status.locator("[data-status=mortgaged]").inner_text() == "Đang thế chấp"
    assert page.locator("h1").inner_text() == f"Thửa đất {facts.mortgaged}"
    _shot(page, "parcel-page-mortgaged")
    page.get_by_role("link", name="Switch to English").click()
    page.wait_for_load_state()
    assert status.locator("[data-status=mortgaged]").inner_text() == "Mortgaged"


def test_the_map_loads_tiles_and_a_click_opens_the_right_parcel(page, base_url, facts) -> None:
    location = httpx.get(f"{base_url}/api/parcels/{facts.plain}").json()["location"]
    tiles: list[int] = []
    page.on("response", lambda r: tiles.append(r.status) if "/tiles/" in r.url else None)
    page.goto(base_url + "/")
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
    page.evaluate(f"window.cadastreMap.jumpTo({{center: [{location['lon']}, "
                  f"{location['lat']}], zoom: 19}})")
    page.wait_for_function("window.cadastreMap.areTilesLoaded() && "
                           "window.cadastreMap.queryRenderedFeatures("
                           "{layers: ['parcels-fill']}).length > 0", timeout=30_000)
    assert tiles and all(status == 200 for status in tiles)
    _shot(page, "map-zoomed")
    box = page.locator("#map").bounding_box()
    point = page.evaluate(f"(() => {{ const p = window.cadastreMap.project([{location['lon']}, "
                          f"{location['lat']}]); return [p.x, p.y]; }})()")
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.locator(".maplibregl-popup")
    popup.wait_for(timeout=10_000)
    assert popup.locator(".popup-title").inner_text() == facts.plain
    _shot(page, "map-popup")
    popup.locator("a.popup-link").click()
    page.wait_for_url(f"**/thua/{facts.plain}*")
    assert page.locator("h1").inner_text() == f"Thửa đất {facts.plain}"
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
    page.wait_for_function("window.cadastreMap.areTilesLoaded()", timeout=30_000)
    _shot(page, "parcel-page-with-map")


def test_the_site_works_on_a_phone_screen(browser, base_url, facts) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}/thua/{facts.retired}")
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        assert tab.locator("[data-status=retired]").is_visible()
        _shot(tab, "phone-retired-parcel")
    finally:
        context.close()


def _first_visit(browser, url: str, wait_for_map: bool = True) -> list:
    """Every response of a first visit (a new context: nothing cached), once the map is idle."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="vi-VN")
    tab = context.new_page()
    responses: list = []
    tab.on("response", lambda response: responses.append(response))
    try:
        tab.goto(url)
        if wait_for_map:
            tab.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
            tab.wait_for_function("window.cadastreMap.areTilesLoaded()", timeout=30_000)
        found = [(r.url, r.status, r.all_headers(), r.request.sizes()["responseBodySize"])
                 for r in responses]
    finally:
        context.close()
    return found


def test_a_first_visit_is_compressed_and_static_files_are_kept(browser, base_url, facts):
    """The browser's own view of the headers; the bytes of a first parcel page and of the home
    map, gzipped as sent and as they were before, go to test-artifacts/web-bytes.md."""
    lines = ["# Bytes of a first visit (phone, nothing cached)", "",
             "| page | requests | plain bytes | sent (gzip) |", "|---|---:|---:|---:|"]
    for name, path in (("parcel page", f"/thua/{facts.mortgaged}"), ("home map", "/")):
        found = _first_visit(browser, base_url + path)
        plain = sent = 0
        kinds = set()
        for url, status, headers, size in found:
            assert status == 200, url
            body = httpx.get(url, headers={"accept-encoding": "identity"}).content
            plain += len(body)
            sent += size
            if "/static/" in url:
                kinds.add("static")
                assert headers["cache-control"] == "public, max-age=31536000, immutable", url
                assert headers.get("content-encoding") == "gzip", url
            elif "/tiles/" in url and len(body) >= 512:
                kinds.add("tile")
                assert headers.get("content-encoding") == "gzip", url
            elif url.split("?")[0] == base_url + path:
                kinds.add("page")
                assert headers.get("content-encoding") == "gzip", url
                assert headers["cache-control"] == "private, max-age=30", url
        assert kinds == {"static", "tile", "page"} or name == "home map", kinds
        assert sent < plain / 3, (name, plain, sent)
        lines.append(f"| {name} | {len(found)} | {plain:,} | {sent:,} |")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "web-bytes.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_exact_address_search_lists_only_that_house(page, base_url, street) -> None:
    name, houses = street
    number = next(n for n in sorted(houses) if any(str(n) in str(m) for m in houses if m != n))
    page.goto(base_url + "/")
    page.locator("#q").fill(f"Số {number} {name}")
    page.locator("form", has=page.locator("#q")).get_by_role("button").click()
    page.wait_for_url("**/tim?*")
    links = page.locator("ul.results li a")
    assert sorted(links.all_inner_texts()) == sorted(houses[number])
    assert page.locator("#more-results").count() == 0
    _shot(page, "address-exact")


def _open_popup_on(page, base_url, ref: str) -> object:
    location = httpx.get(f"{base_url}/api/parcels/{ref}").json()["location"]
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
    page.evaluate(f"window.cadastreMap.jumpTo({{center: [{location['lon']}, "
                  f"{location['lat']}], zoom: 19}})")
    page.wait_for_function("window.cadastreMap.areTilesLoaded() && "
                           "window.cadastreMap.queryRenderedFeatures("
                           "{layers: ['parcels-fill']}).length > 0", timeout=30_000)
    box = page.locator("#map").bounding_box()
    point = page.evaluate(f"(() => {{ const p = window.cadastreMap.project([{location['lon']}, "
                          f"{location['lat']}]); return [p.x, p.y]; }})()")
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    popup = page.locator(".maplibregl-popup")
    popup.wait_for(timeout=10_000)
    return popup


def test_the_popup_names_the_land_use_and_stays_alone(page, base_url, facts) -> None:
    uses = httpx.get(f"{base_url}/api/parcels/{facts.plain}").json()["land_uses"]
    page.goto(base_url + "/")
    popup = _open_popup_on(page, base_url, facts.plain)
    # the tile's main purpose, by its name as the parcel page writes it, then its code
    assert popup.locator(".popup-land-use").inner_text() in \
        [f"Mục đích sử dụng: {use['name']} ({use['code']})" for use in uses]
    page.locator("#pick-centre").click()
    page.wait_for_timeout(1_000)  # the pick asks the API, then opens its popup
    assert page.locator(".maplibregl-popup").count() == 1
    assert page.locator(".maplibregl-popup .popup-title").inner_text() == facts.plain
    _shot(page, "map-popup-land-use")


def test_the_map_controls_speak_the_pages_language(page, base_url) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
    assert page.locator(".maplibregl-ctrl-zoom-in").get_attribute("aria-label") == "Phóng to"
    assert page.locator(".maplibregl-ctrl-zoom-out").get_attribute("aria-label") == "Thu nhỏ"
    assert page.locator(".maplibregl-canvas").get_attribute("aria-label") == "Bản đồ địa chính"
    page.goto(base_url + "/?lang=en")
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
    assert page.locator(".maplibregl-ctrl-zoom-in").get_attribute("aria-label") == "Zoom in"


def test_the_parcel_page_on_a_phone_keeps_its_status_outline(browser, base_url, facts) -> None:
    """The page's parcel (mortgaged) is haloed in white under its orange status outline, never
    in the planning blue; the screenshot is for a person to look at."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2, locale="vi-VN")
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}/thua/{facts.mortgaged}")
        tab.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
        tab.wait_for_function("window.cadastreMap.areTilesLoaded() && window.cadastreMap"
                              ".queryRenderedFeatures({layers: ['parcel-highlight']}).length > 0",
                              timeout=30_000)
        order = tab.evaluate("window.cadastreMap.getStyle().layers.map(l => l.id)")
        assert order.index("parcel-highlight") < order.index("parcels-status")
        colour = tab.evaluate(
            "window.cadastreMap.getPaintProperty('parcel-highlight', 'line-color')")
        assert colour.lower() not in ("#1565c0", "#0b4f8a")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        tab.locator("#map").scroll_into_view_if_needed()
        tab.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "phone-parcel-page.png"), full_page=True)
        tab.locator("#map").screenshot(path=str(ARTIFACTS / "phone-parcel-map.png"))
    finally:
        context.close()
