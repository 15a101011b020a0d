"""The pages: home (forms and map), parcel page, search, certificate page; Vietnamese by
default, English on request; errors as pages naming the problem."""

from __future__ import annotations

import pytest

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
