"""The online service's whole life in a real browser (Playwright driving Debian's Chromium): a
citizen applies from a parcel's page for a transfer with a PDF attached, tracks it; an officer
logs in with their own account and accepts it; the transfer is registered under that dossier
(the binding, as the approver and the officer); the citizen sees it approved and its result
ready, then downloads the parcel's extract. And the same forms used with the keyboard alone.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cadastre.db.connection import connect, with_user
from cadastre.register.binding import dossiers, parties, rights
from tests.web.applications_helpers import (
    GOOD_ID,
    PDF,
    free_parcel_refs,
    officers,
    online_url,
    upload_dir,
)
from tests.web.conftest import SAMPLE_COMMUNE
from tests.web.live_server import served
from tests.web.test_browser import ARTIFACTS, browser, page

__all__ = ["browser", "officers", "online_url", "page", "upload_dir"]  # fixtures


@pytest.fixture(scope="module")
def base_url(online_url: str, upload_dir: Path) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CADASTRE_ONLINE_UPLOAD_DIR", str(upload_dir))
        with served(online_url) as url:
            yield url


@pytest.fixture(scope="module")
def free_parcels(online_url: str) -> Iterator[str]:
    """Current parcels of the sample with no dossier in progress, one per test."""
    return iter(free_parcel_refs(online_url, 5))


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "hop-dong-chuyen-nhuong.pdf"
    path.write_bytes(PDF)
    return path


def _track(page, base_url: str, receipt: str, secret: str) -> None:
    page.goto(base_url + "/tra-cuu-ho-so")
    page.get_by_label("Mã hồ sơ").fill(receipt)
    page.get_by_label("Mã bí mật tra cứu").fill(secret)
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_selector("#application")


def _register_the_transfer(online_url: str, officer: tuple[str, str],
                           approver: tuple[str, str], dossier_id: int, ref: str) -> None:
    """What the land office does after accepting: the approver approves the dossier, the
    officer registers the transfer under it and closes it (the register's binding, as each
    person's own role)."""
    commune, sheet, number = ref.split("/")
    as_approver = connect(with_user(online_url, approver[0], approver[1]))
    with as_approver, as_approver.cursor() as cur:
        cur.execute("SELECT online.today()")
        today: dt.date = cur.fetchone()[0]
        dossiers.decide_dossier(cur, dossier_id=dossier_id, status="approved", decided_on=today)
    as_approver.close()
    as_officer = connect(with_user(online_url, officer[0], officer[1]))
    with as_officer, as_officer.cursor() as cur:
        cur.execute("SELECT id FROM cadastre.parcel WHERE status = 'current' AND commune_code = %s "
                    "AND sheet_number = %s AND parcel_number = %s", (commune, sheet, int(number)))
        parcel_id = cur.fetchone()[0]
        dossiers.begin_dossier_work(cur, dossier_id=dossier_id)
        buyer = parties.add_party(cur, kind="individual", name="Lê Văn Mua",
                                  personal={"id_number": GOOD_ID})
        rights.transfer_right(cur, dossier_id=dossier_id, parcel_id=parcel_id,
                              holders=[{"party_id": buyer, "share": "1"}], effective=today)
    with as_officer, as_officer.cursor() as cur:
        dossiers.close_dossier(cur, dossier_id=dossier_id, closed_on=today)
    as_officer.close()


def test_a_transfer_filed_online_is_accepted_registered_and_shown_approved(
    browser, page, base_url, online_url, free_parcels, officers, tmp_path
) -> None:
    ref = next(free_parcels)
    # The citizen, from the parcel's public page.
    page.goto(f"{base_url}/thua/{ref}")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến cho thửa đất này").click()
    page.get_by_label("Đăng ký biến động do chuyển nhượng, tặng cho, thừa kế").check()
    page.get_by_role("button", name="Chọn thủ tục").click()
    page.wait_for_selector("form.application")
    assert page.get_by_label("Thửa đất (xã/tờ/thửa)").input_value() == ref
    page.get_by_label("Loại biến động").select_option("sale")
    page.get_by_label("Họ và tên").fill("Lê Văn Mua")
    page.get_by_label("Số định danh cá nhân (CCCD, 12 chữ số)").fill(GOOD_ID)
    page.get_by_label("Số điện thoại").fill("0903123456")
    page.get_by_label("Quan hệ với thửa đất").select_option("buyer")
    page.get_by_label("Tài liệu đính kèm", exact=True).set_input_files(str(_pdf_file(tmp_path)))
    _shot(page, "application-form")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_selector("#receipt-code")
    receipt = page.locator("#receipt-code").inner_text()
    secret = page.locator("#tracking-secret").inner_text()
    _shot(page, "application-receipt")

    _track(page, base_url, receipt, secret)
    assert page.locator("#current-status").get_attribute("data-status") == "received"
    assert page.locator("#due-on").inner_text() == "Cơ quan chưa công bố"

    # The officer of the commune, logged in with their own account.
    officer = officers("officer", (SAMPLE_COMMUNE,))
    desk = browser.new_context(http_credentials={"username": officer[0], "password": officer[1]},
                               locale="vi-VN")
    desk_page = desk.new_page()
    desk_page.goto(base_url + "/can-bo/ho-so")
    desk_page.get_by_role("link", name=receipt).click()
    assert GOOD_ID in desk_page.locator("main").inner_text()
    desk_page.get_by_role("button", name="Tiếp nhận, mở hồ sơ đăng ký").click()
    desk_page.wait_for_selector("#done")
    dossier_id = int(desk_page.locator("#dossier").inner_text())
    _shot(desk_page, "application-backoffice-accepted")
    desk.close()
    public = httpx.get(f"{base_url}/api/parcels/{ref}").json()
    assert "dossier_in_progress" in public["status_codes"]

    approver = officers("approver", (SAMPLE_COMMUNE,))
    _register_the_transfer(online_url, officer, approver, dossier_id, ref)

    _track(page, base_url, receipt, secret)
    statuses = page.locator("#history tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.status)")
    assert statuses == ["received", "accepted", "approved", "result_ready"]
    assert "Đã được duyệt" in page.locator("#history").inner_text()
    _shot(page, "application-tracking-approved")

    # The result: the parcel's extract, where the register offers it (cadastre.extract).
    if importlib.util.find_spec("cadastre.extract") is None:
        return
    page.goto(f"{base_url}/thua/{ref}")
    link = page.locator("a[href$='/trich-luc.pdf']")
    assert link.count() == 1, "the parcel page offers no extract"
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "trich-luc.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        words = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True,
                               text=True, check=True).stdout
        assert ref.split("/")[2] in words


def test_applying_and_tracking_work_with_the_keyboard_alone(
    page, base_url, free_parcels, tmp_path
) -> None:
    ref = next(free_parcels)
    page.goto(f"{base_url}/nop-ho-so?service=transfer&parcel={ref}")
    typed = {"name": "Phạm Thị Bàn Phím", "id_number": "001190012345", "phone": "0987654321"}
    choices = {"dossier_kind": "ArrowDown", "relation": None}  # gift; the first relation
    pdf = _pdf_file(tmp_path)
    reached: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
        reached.append(focused)
        if focused in typed:
            page.keyboard.type(typed[focused])
        elif choices.get(focused):
            page.keyboard.press(choices[focused])
        elif focused == "documents":
            with page.expect_file_chooser() as chooser:
                page.keyboard.press("Space")
            chooser.value.set_files(str(pdf))
        elif focused == "BUTTON":
            page.keyboard.press("Enter")
            break
    page.wait_for_selector("#receipt-code")
    for field in ("dossier_kind", "parcels", "name", "id_number", "phone", "relation",
                  "documents", "note"):
        assert field in reached, f"{field} cannot be reached with Tab"
    receipt = page.locator("#receipt-code").inner_text()
    secret = page.locator("#tracking-secret").inner_text()

    page.goto(base_url + "/tra-cuu-ho-so")
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        if focused == "receipt":
            page.keyboard.type(receipt)
        elif focused == "secret":
            page.keyboard.type(secret)
            page.keyboard.press("Enter")
            break
    page.wait_for_selector("#application")
    assert page.locator("#current-status").get_attribute("data-status") == "received"
    assert "Tặng cho" in page.locator("#application").inner_text()
