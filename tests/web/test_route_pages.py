"""The pages: home (forms and map), parcel page, search, certificate page; Vietnamese by
default, English on request; errors as pages naming the problem."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect
from cadastre.web.app import create_app
from cadastre.web.i18n import LAND_USE_EN
from tests.web.conftest import web_settings

HTML = "text/html; charset=utf-8"


def test_the_home_page_has_labelled_forms_and_the_map(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    page = response.text
    assert '<html lang="vi">' in page and "Tra cứu thông tin đất đai" in page
    for field in ("commune", "sheet", "number", "serial", "q"):
        assert f'<label for="{field}">' in page and f'id="{field}"' in page
    assert '<option value="Phường Mẫu 1">91001</option>' in page
    assert 'id="map"' in page and "/static/vendor/maplibre-gl/maplibre-gl-csp.js" in page
    assert "https://" not in page  # nothing from the internet


def test_english_is_a_switch_away_and_remembered(client) -> None:
    response = client.get("/?lang=en")
    assert '<html lang="en">' in response.text and "Land register look-up" in response.text
    assert response.cookies.get("lang") == "en"
    assert '<html lang="en">' in client.get("/", cookies={"lang": "en"}).text


def test_searching_by_number_opens_the_parcel_page(client, facts) -> None:
    _, sheet, number = facts.mortgaged.split("/")
    response = client.get("/tim", params={"commune": "phuong mau 1", "sheet": sheet,
                                          "number": number}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/thua/{facts.mortgaged}")
    page = client.get(response.headers["location"]).text
    assert f"Thửa đất <span class=\"ref\">{facts.mortgaged}</span>" in page
    assert 'data-status="mortgaged"' in page and "Đang thế chấp" in page


def test_searching_by_serial_opens_the_certificate_page(client, facts) -> None:
    response = client.get("/tim", params={"serial": facts.serial.lower()})
    assert response.status_code == 200
    assert facts.serial in response.text
    for ref in facts.serial_parcels:
        assert f'href="/thua/{ref}"' in response.text


def test_searching_by_address_lists_parcels(client, facts) -> None:
    response = client.get("/tim", params={"q": facts.address})
    assert response.status_code == 200
    assert f'href="/thua/{facts.address_ref}"' in response.text


def test_a_retired_parcel_page_links_what_replaced_it(client, facts) -> None:
    page = client.get(f"/thua/{facts.retired}?lang=en").text
    assert 'data-status="retired"' in page
    for child in facts.retired_children:
        assert f'href="/thua/{child}"' in page


@pytest.mark.parametrize("path, status, text", [
    ("/thua/91001/1/999999", 404, "Không có thửa đất 91001/1/999999"),
    ("/thua/91001/1/0", 422, "Số thửa"),
    ("/thua/abc/1/1", 422, "Xã, phường"),
    ("/tim?commune=xyz&sheet=1&number=1", 404, "xyz"),
    ("/tim?sheet=%3Cscript%3E&commune=a&number=1", 422, "Số tờ bản đồ"),
    ("/tim", 422, "không hợp lệ"),
    ("/giay-chung-nhan/XX", 422, "Số seri"),
    ("/khong-co", 404, "Không có trang này"),
])
def test_errors_are_pages_naming_the_problem(client, path: str, status: int, text: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == HTML
    assert text in response.text
    assert "<script>" not in response.text


def test_the_error_page_speaks_english_when_asked(client) -> None:
    response = client.get("/thua/91001/1/999999?lang=en")
    assert "There is no parcel 91001/1/999999" in response.text


def test_a_nul_in_the_address_is_a_clear_422_not_postgresql_text(client) -> None:
    for lang, text in (("vi", "Địa chỉ: có ký tự không hợp lệ"),
                       ("en", "Address: holds an invalid character")):
        response = client.get(f"/tim?q=%00&lang={lang}")
        assert response.status_code == 422
        assert response.headers["content-type"] == HTML
        assert text in response.text
        assert "0x00" not in response.text and "UTF8" not in response.text
    api = client.get("/api/parcels?commune=%00&sheet=1&number=1")
    assert api.status_code == 422
    assert api.json()["message"] == (
        "Xã, phường: có ký tự không hợp lệ (ký tự điều khiển như %00); hãy nhập lại. / "
        "Commune or ward: holds an invalid character (a control character such as %00); "
        "please type it again.")


def head_urls(facts) -> list[str]:
    commune, sheet, number = facts.plain.split("/")
    return [
        "/", f"/thua/{facts.plain}", "/tim?q=pho", f"/giay-chung-nhan/{facts.serial}", "/api",
        "/openapi.json", f"/api/parcels/{facts.plain}", f"/api/parcels/{commune}/{sheet}/0{number}",
        f"/api/parcels?commune={commune}&sheet={sheet}&number={number}",
        "/api/parcels/at?lon=0&lat=0", "/api/addresses?q=pho", f"/api/certificates/{facts.serial}",
        "/api/communes", "/tiles/0/0/0.pbf", "/static/app.css",
    ]


def test_head_answers_every_page_and_api_route_like_get(client, facts) -> None:
    for url in head_urls(facts):
        got = client.get(url, follow_redirects=False)
        head = client.head(url, follow_redirects=False)
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        for header in ("content-type", "cache-control", "content-length"):
            assert head.headers.get(header) == got.headers.get(header), (url, header)
    assert client.head("/api/analyst/parcels.csv").status_code == 401


def test_every_get_route_is_covered_by_the_head_test(client, facts) -> None:
    covered = " ".join(head_urls(facts))
    for route in client.app.routes:
        path = getattr(route, "path", "")
        if "GET" not in getattr(route, "methods", ()) or path.startswith("/api/analyst"):
            continue
        stem = path.split("{")[0]
        assert stem in covered, path


def test_a_refused_method_is_told_in_both_languages(client, facts) -> None:
    response = client.delete("/api/communes")
    assert response.status_code == 405
    assert response.json()["message"] == (
        "Phương thức DELETE không được hỗ trợ ở địa chỉ này (dùng GET). / "
        "Method DELETE is not allowed here (use GET).")
    page = client.post("/thua/" + facts.plain)
    assert page.status_code == 405
    assert "Phương thức POST không được hỗ trợ" in page.text


def test_land_uses_are_named_in_the_pages_language(client, facts) -> None:
    use = client.get(f"/api/parcels/{facts.plain}").json()["land_uses"][0]
    vi = client.get(f"/thua/{facts.plain}").text
    en = client.get(f"/thua/{facts.plain}?lang=en").text
    assert f"<td>{use['name']}</td>" in vi
    assert f"<td>{LAND_USE_EN[use['code']]}</td>" in en and f"<td>{use['name']}</td>" not in en
    labels = json.loads(html.unescape(re.search(r'data-labels="([^"]*)"', en).group(1)))
    assert labels["land_uses"]["ODT"] == "Urban residential land"
    labels = json.loads(html.unescape(re.search(r'data-labels="([^"]*)"', vi).group(1)))
    assert labels["land_uses"]["ODT"] == "Đất ở tại đô thị"


def test_the_map_is_told_its_controls_labels_in_the_pages_language(client) -> None:
    for lang, zoom_in in (("vi", "Phóng to"), ("en", "Zoom in")):
        page = client.get(f"/?lang={lang}").text
        locale = json.loads(html.unescape(re.search(r'data-locale="([^"]*)"', page).group(1)))
        assert locale["NavigationControl.ZoomIn"] == zoom_in


def test_a_household_shows_its_prefix_readable(client, sample_url) -> None:
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""
                SELECT p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number
                FROM cadastre.parcel AS p JOIN cadastre.rrr AS r ON r.parcel_id = p.id
                JOIN cadastre.rrr_share AS h ON h.rrr_id = r.id
                JOIN cadastre.party AS pa ON pa.id = h.party_id
                WHERE p.status = 'current' AND upper_inf(r.valid) AND pa.kind = 'household'
                  AND pa.name LIKE 'Hộ ông %' ORDER BY p.id LIMIT 1""")
            ref = cur.fetchone()[0]
    finally:
        conn.close()
    page = client.get(f"/thua/{ref}").text
    assert re.search(r"<li>Hộ ông (\w\*\*\* )+— Hộ gia đình", page)


def test_no_base_map_unless_the_office_sets_one(client, sample_url) -> None:
    page = client.get("/").text
    assert "data-basemap" not in page and "https://" not in page
    settings = web_settings(sample_url, basemap_tiles="https://tiles.example.vn/{z}/{x}/{y}.png",
                            basemap_attribution="© Bản đồ Sở TN&MT")
    with TestClient(create_app(settings)) as office:
        response = office.get("/")
        basemap = json.loads(html.unescape(
            re.search(r'data-basemap="([^"]*)"', response.text).group(1)))
        assert basemap["tiles"] == "https://tiles.example.vn/{z}/{x}/{y}.png"
        assert basemap["attribution"] == "© Bản đồ Sở TN&MT"
        csp = response.headers["content-security-policy"]
        assert "img-src 'self' data: blob: https://tiles.example.vn;" in csp
        assert "connect-src 'self' https://tiles.example.vn;" in csp
