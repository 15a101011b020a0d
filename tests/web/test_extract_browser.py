"""The extract in a real browser (Playwright driving Debian's Chromium), by keyboard only: from
the parcel page the citizen downloads the PDF, opens its verification page (the URL its QR code
holds), and checks the file itself and then a tampered copy with the file form, whose script
sends the PDF to the check API; the verdicts are read as a screen reader would (role=status).
Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.extract.pdf_tools import ARTIFACTS, render_png, scan_qr
from tests.web.conftest import SampleFacts
from tests.web.live_server import served
from tests.web.test_browser import browser
from tests.web.test_extract import extract_url

__all__ = ["browser", "extract_url"]  # fixtures shared with those modules


@pytest.fixture(scope="module")
def base_url(extract_url: str) -> Iterator[str]:
    """The web view served by uvicorn on this module's own copy of the sample."""
    with served(extract_url) as url:
        yield url


def test_download_verify_and_refuse_a_tampered_copy_by_keyboard(
    browser, base_url: str, facts: SampleFacts, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/thua/{facts.plain}?lang=vi")
        link = page.locator("#extract a[download]")
        link.focus()
        with page.expect_download() as download_info:
            page.keyboard.press("Enter")
        download = download_info.value
        pdf_path = tmp_path / download.suggested_filename
        download.save_as(pdf_path)
        pdf = pdf_path.read_bytes()
        assert pdf.startswith(b"%PDF-")
        verify_url = scan_qr(render_png(pdf, "browser-extract")[0])
        code = verify_url.rsplit("/", 1)[1]
        assert verify_url == f"http://127.0.0.1:8000/xac-minh/{code}"

        page.goto(f"{base_url}/xac-minh/{code}?lang=vi")
        assert f"Mã {code} là trích lục do sổ địa chính cấp" in page.inner_text("#extract-status")
        page.set_input_files("#pdf-file", str(pdf_path))
        page.focus("#check-file button")
        page.keyboard.press("Enter")
        verdict = page.locator("#file-verdict")
        verdict.filter(has_text="Khớp").wait_for()
        assert verdict.inner_text() == f"Khớp: tệp này đúng là trích lục {code} đã cấp."
        assert verdict.get_attribute("class") == "ok"

        tampered = tmp_path / "tampered.pdf"
        tampered.write_bytes(pdf[:3000] + bytes([pdf[3000] ^ 1]) + pdf[3001:])
        page.set_input_files("#pdf-file", str(tampered))
        page.focus("#check-file button")
        page.keyboard.press("Enter")
        verdict.filter(has_text="KHÔNG KHỚP").wait_for()
        assert verdict.get_attribute("class") == "refused"
        assert verdict.get_attribute("role") == "status"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "browser-extract-tampered.png"), full_page=True)
    finally:
        context.close()
