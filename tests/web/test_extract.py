"""The extract for citizens (cadastre/web/routes/extracts.py), as the web role serves it: the
parcel page links the free PDF, the PDF holds the parcel, area and code and its QR opens the
verification page, which confirms the content hash and the very file, refuses a tampered copy
in words, and answers an unknown code with a 404 in words. Nothing personal is shown."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect
from cadastre.web.app import create_app
from tests.extract.pdf_tools import pdf_text, render_png, scan_qr
from tests.web.conftest import SampleFacts, web_settings


@pytest.fixture(scope="module")
def extract_url(server_url: str, admin_url: str, sample_template: str) -> Iterator[str]:
    """A copy of the sample ward of this module's own: issuing extracts writes records."""
    from cadastre.db.connection import drop_database, with_database
    from tests.web.conftest import _clone

    name = _clone(server_url, admin_url, sample_template)
    yield with_database(server_url, name)
    drop_database(admin_url, name)


@pytest.fixture(scope="module")
def web(extract_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings(extract_url))) as client:
        yield client


@pytest.fixture(scope="module")
def issued(web: TestClient, facts: SampleFacts) -> tuple[str, bytes]:
    """The public extract of the sample's plain parcel: (code, PDF)."""
    answer = web.get(f"/thua/{facts.plain}/trich-luc.pdf")
    assert answer.status_code == 200, answer.text
    return answer.headers["x-extract-code"], answer.content


def test_the_parcel_page_links_the_free_extract(web: TestClient, facts: SampleFacts) -> None:
    page = web.get(f"/thua/{facts.plain}?lang=vi").text

    assert f'href="/thua/{facts.plain}/trich-luc.pdf"' in page
    assert "Tải trích lục thửa đất (PDF)" in page
    retired = web.get(f"/thua/{facts.retired}").text
    assert "trich-luc.pdf" not in retired


def test_a_citizen_downloads_the_pdf_with_parcel_area_and_code(
    web: TestClient, facts: SampleFacts, issued: tuple[str, bytes], extract_url: str,
    tmp_path: Path,
) -> None:
    code, pdf = issued
    answer = web.get(f"/thua/{facts.plain}/trich-luc.pdf")

    assert answer.headers["content-type"] == "application/pdf"
    filename = f"trich-luc-{facts.plain.replace('/', '-')}.pdf"
    assert answer.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert answer.headers["cache-control"] == "no-store"
    # The same content on the same day is one extract: the same code, the same file.
    assert answer.headers["x-extract-code"] == code
    assert answer.content == pdf
    text = pdf_text(pdf, tmp_path)
    document = web.get(f"/api/parcels/{facts.plain}").json()
    assert facts.plain in text
    assert f"{document['legal_area']:,.1f} m²" in text
    assert code in text
    pages = render_png(pdf, "web-extract")
    assert scan_qr(pages[0]) == f"http://127.0.0.1:8000/xac-minh/{code}"
    conn = connect(extract_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), min(issued_by), min(issued_for) FROM cadastre.extract")
            assert cur.fetchone() == (1, "cadastre_web", "public")
    finally:
        conn.close()


def test_the_verification_page_confirms_what_the_extract_certifies(
    web: TestClient, facts: SampleFacts, issued: tuple[str, bytes],
) -> None:
    code, pdf = issued
    record = web.get(f"/api/extracts/{code}").json()
    page = web.get(f"/xac-minh/{code}?lang=vi")

    assert page.status_code == 200
    assert f"Mã {code} là trích lục do sổ địa chính cấp" in page.text
    assert record["content_sha256"] in page.text
    assert facts.plain in page.text
    assert f"1:{record['content']['map']['scale']}" in page.text
    assert record["content"]["ref"] == facts.plain
    assert "issued_for" not in record and "issued_by" not in record
    # The vertex table, to compare with a paper copy (X north, Y east, to the centimetre).
    first = record["content"]["vertices"][0]
    edge = record["content"]["edges"][0]
    row = (f"<tr><td>1</td><td>{first['y']:,.2f}</td><td>{first['x']:,.2f}</td>"
           f"<td>1 – 2</td><td>{edge['length']:.2f}</td></tr>")
    assert row in page.text
    # The code is read whatever its case; the original can be fetched again, the same file.
    assert web.get(f"/xac-minh/{code.lower()}").status_code == 200
    again = web.get(f"/xac-minh/{code}/trich-luc.pdf")
    assert again.content == pdf
    english = web.get(f"/xac-minh/{code}?lang=en").text
    assert f"Code {code} is an extract the land register issued" in english


def test_the_file_and_the_content_hash_are_confirmed(
    web: TestClient, issued: tuple[str, bytes]
) -> None:
    code, pdf = issued
    digest = hashlib.sha256(pdf).hexdigest()
    record = web.get(f"/api/extracts/{code}").json()

    by_hash = web.get(f"/xac-minh/{code}", params={"sha256": digest.upper(), "lang": "vi"})
    assert 'data-verdict="file"' in by_hash.text
    assert f"Khớp: tệp này đúng là trích lục {code} đã cấp." in by_hash.text
    by_content = web.get(f"/xac-minh/{code}", params={"sha256": record["content_sha256"]})
    assert 'data-verdict="content"' in by_content.text
    sent = web.post(f"/api/extracts/{code}/check", content=pdf,
                    headers={"content-type": "application/pdf"}).json()
    assert sent["matches"] is True and sent["verdict"] == "file" and sent["sha256"] == digest


def test_a_tampered_copy_is_refused_in_words(web: TestClient, issued: tuple[str, bytes]) -> None:
    code, pdf = issued
    tampered = pdf[:4000] + bytes([pdf[4000] ^ 1]) + pdf[4001:]

    sent = web.post(f"/api/extracts/{code}/check", content=tampered,
                    headers={"content-type": "application/pdf"})
    assert sent.status_code == 200
    answer = sent.json()
    assert answer["matches"] is False and answer["verdict"] == "differs"
    assert answer["message_vi"].startswith(f"KHÔNG KHỚP: bản này không phải trích lục {code}")
    assert answer["message_en"].startswith(f"NO MATCH: this copy is not the extract {code}")
    page = web.get(f"/xac-minh/{code}",
                   params={"sha256": hashlib.sha256(tampered).hexdigest(), "lang": "en"})
    assert 'data-verdict="differs"' in page.text and "verdict-refused" in page.text
    assert "NO MATCH" in page.text


def test_an_unknown_code_is_a_404_in_words(web: TestClient) -> None:
    page = web.get("/xac-minh/FFFF-0000-FFFF-0000?lang=vi")
    assert page.status_code == 404
    assert "Không có trích lục nào mang mã FFFF-0000-FFFF-0000" in page.text
    api = web.get("/api/extracts/FFFF-0000-FFFF-0000")
    assert api.status_code == 404
    assert api.json()["message_en"] == (
        "No extract bears the code FFFF-0000-FFFF-0000. Check the code printed on the extract.")
    assert web.get("/xac-minh/FFFF-0000-FFFF-0000/trich-luc.pdf").status_code == 404
    for bad in ("1234", "FFFF-0000-FFFF-000G", "%27%3B--", "FFFF-0000-FFFF-0000-0000"):
        answer = web.get(f"/api/extracts/{bad}")
        assert answer.status_code in (404, 422), bad
        if answer.status_code == 422:
            assert answer.json()["errors"][0]["parameter"] == "code"


def test_bad_hashes_and_copies_are_named_and_change_nothing(
    web: TestClient, issued: tuple[str, bytes], extract_url: str
) -> None:
    code, _pdf = issued
    before = _count(extract_url)

    answer = web.get(f"/api/extracts/{code}/check")
    assert answer.status_code == 405
    page = web.get(f"/xac-minh/{code}", params={"sha256": "abc"})
    assert page.status_code == 422 and "SHA-256" in page.text
    wrong_type = web.post(f"/api/extracts/{code}/check", content=b"%PDF-1.4",
                          headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415
    assert "application/pdf" in wrong_type.json()["message_en"]
    huge = web.post(f"/api/extracts/{code}/check", content=b"0" * (10 * 1024 * 1024 + 1),
                    headers={"content-type": "application/pdf"})
    assert huge.status_code == 413
    assert "10 MB" in huge.json()["message_en"]
    assert _count(extract_url) == before


def test_no_extract_of_a_retired_or_unknown_parcel(web: TestClient, facts: SampleFacts) -> None:
    web.get("/?lang=vi")  # the language cookie: Vietnamese
    retired = web.get(f"/thua/{facts.retired}/trich-luc.pdf")
    assert retired.status_code == 404
    assert f"Thửa {facts.retired} không còn hiệu lực: không cấp trích lục." in retired.text
    unknown = web.get("/thua/91001/1/999999/trich-luc.pdf")
    assert unknown.status_code == 404
    assert "Không có thửa đất 91001/1/999999." in unknown.text
    assert web.get("/thua/9100/1/5/trich-luc.pdf").status_code == 422


def test_the_verification_page_shows_nobody(
    web: TestClient, facts: SampleFacts, issued: tuple[str, bytes], extract_url: str
) -> None:
    code, _pdf = issued
    conn = connect(extract_url)
    try:
        with conn.cursor() as cur:
            cur.execute("""
                SELECT DISTINCT pa.name FROM cadastre.parcel AS p
                JOIN cadastre.rrr AS r ON r.parcel_id = p.id
                JOIN cadastre.rrr_share AS s ON s.rrr_id = r.id
                JOIN cadastre.party AS pa ON pa.id = s.party_id
                WHERE p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number = %s
                """, (facts.plain,))
            names = [row[0] for row in cur.fetchall()]
    finally:
        conn.close()
    assert names
    page = web.get(f"/xac-minh/{code}").text + web.get(f"/api/extracts/{code}").json().__repr__()
    masked = [holder["name"] for holder in web.get(f"/api/parcels/{facts.plain}").json()["holders"]]
    assert masked
    for name in names + masked:
        assert name not in page, name


def _count(url: str) -> int:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM cadastre.extract")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def test_a_code_typed_from_a_paper_copy_opens_its_verification_page(
    web: TestClient, issued: tuple[str, bytes]
) -> None:
    code, _pdf = issued

    form = web.get("/xac-minh?lang=vi")
    assert form.status_code == 200 and 'name="code"' in form.text
    assert "Nhập mã xác minh in trên trích lục" in form.text
    opened = web.get("/xac-minh", params={"code": f" {code.lower()} ", "lang": "en"},
                     follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/xac-minh/{code}?lang=en"
    bad = web.get("/xac-minh", params={"code": "12-34", "lang": "en"})
    assert bad.status_code == 422 and "Verification code" in bad.text
