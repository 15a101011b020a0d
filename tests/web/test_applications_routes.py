"""The online services over HTTP (the application in process, as the web role): filing with
documents, tracking, the officers' back office, and every refusal — a forged form, a wrong
secret, an executable renamed .pdf, an oversize upload, another commune's officer, too many
submissions — each a clear answer that stores nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect
from cadastre.web.app import create_app
from tests.web.applications_helpers import (
    EXECUTABLE,
    GOOD_ID,
    PDF,
    free_parcel_refs,
    officers,
    online_url,
    stored_files,
    upload_dir,
)
from tests.web.conftest import SAMPLE_COMMUNE, web_settings
from tests.web.test_privacy import _leaks, personal

__all__ = ["officers", "online_url", "personal", "upload_dir"]  # fixtures

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@pytest.fixture(scope="module")
def app_client(online_url: str, upload_dir: Path) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CADASTRE_ONLINE_UPLOAD_DIR", str(upload_dir))
        env.setenv("CADASTRE_ONLINE_MAX_FILE_BYTES", str(64 * 1024))
        env.setenv("CADASTRE_ONLINE_SUBMISSIONS_PER_HOUR", "0")
        env.setenv("CADASTRE_ONLINE_TRACKING_PER_MINUTE", "0")
        with TestClient(create_app(web_settings(online_url))) as client:
            yield client


@pytest.fixture(scope="module")
def parcel_ref(online_url: str) -> str:
    return free_parcel_refs(online_url, 1)[0]


def token(client: TestClient, path: str = "/nop-ho-so?service=transfer") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def application_fields(ref: str, **changes: str) -> dict[str, str]:
    fields = {"service": "transfer", "dossier_kind": "sale", "parcels": ref,
              "name": "Lê Văn Mua", "id_number": GOOD_ID, "phone": "0903 123 456",
              "email": "", "relation": "buyer", "note": ""}
    fields.update(changes)
    return fields


def file_application(client: TestClient, ref: str, files: list | None = None,
                     csrf: str | None = "fetch", **changes: str):
    data = application_fields(ref, **changes)
    if csrf == "fetch":
        csrf = token(client)
    if csrf is not None:
        data = {"csrf_token": csrf, **data}
    return client.post("/nop-ho-so", data=data,
                       files=files if files is not None
                       else [("documents", ("hop-dong.pdf", PDF, "application/pdf"))])


def receipt_of(page: str) -> tuple[str, str]:
    code = re.search(r'id="receipt-code">([^<]+)<', page)
    secret = re.search(r'id="tracking-secret">([^<]+)<', page)
    assert code and secret, page
    return code.group(1), secret.group(1)


def track(client: TestClient, receipt: str, secret: str):
    return client.post("/tra-cuu-ho-so", data={"csrf_token": token(client, "/tra-cuu-ho-so"),
                                               "receipt": receipt, "secret": secret})


def count_applications(url: str) -> int:
    conn = connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM online.application")
        found = cur.fetchone()[0]
    conn.close()
    return found


def test_the_services_page_lists_documents_and_says_figures_are_not_set(app_client) -> None:
    page = app_client.get("/dich-vu")
    assert page.status_code == 200
    assert "Đăng ký biến động do chuyển nhượng, tặng cho, thừa kế" in page.text
    assert "Cơ quan chưa công bố" in page.text  # no processing time invented
    english = app_client.get("/dich-vu?lang=en")
    assert "Not set by the office yet" in english.text


def test_a_citizen_files_with_a_pdf_and_tracks_it(app_client, parcel_ref, upload_dir,
                                                    online_url) -> None:
    answer = file_application(app_client, parcel_ref)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    receipt, secret = receipt_of(answer.text)
    conn = connect(online_url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT d.stored_as, encode(d.sha256, 'hex'), d.media_type "
                    "FROM online.application_document AS d JOIN online.application AS a "
                    "ON a.id = d.application_id WHERE a.receipt_code = %s", (receipt,))
        stored_as, digest, media_type = cur.fetchone()
    conn.close()
    assert (upload_dir / stored_as).read_bytes() == PDF
    assert digest == hashlib.sha256(PDF).hexdigest() and media_type == "application/pdf"
    assert "hop-dong" not in stored_as  # the citizen's file name is not trusted
    tracked = track(app_client, receipt, secret)
    assert tracked.status_code == 200
    assert 'data-status="received"' in tracked.text and parcel_ref in tracked.text
    assert GOOD_ID not in tracked.text and GOOD_ID[-4:] in tracked.text
    assert app_client.get(f"/static/../{stored_as}").status_code == 404


@pytest.mark.parametrize(("files", "status", "words"), [
    ([("documents", ("setup.pdf", EXECUTABLE, "application/pdf"))], 415,
     "không phải PDF, JPEG hay PNG"),
    ([("documents", ("big.pdf", PDF + b"0" * (65 * 1024), "application/pdf"))], 413,
     "quá lớn"),
    ([("documents", (f"{n}.pdf", PDF, "application/pdf")) for n in range(11)], 413,
     "Quá nhiều tệp"),
])
def test_a_bad_upload_is_refused_in_words_and_nothing_is_stored(
    app_client, parcel_ref, upload_dir, online_url, files, status, words
) -> None:
    before, files_before = count_applications(online_url), stored_files(upload_dir)
    answer = file_application(app_client, parcel_ref, files=files)
    assert answer.status_code == status, answer.text
    assert words in answer.text
    assert count_applications(online_url) == before
    assert stored_files(upload_dir) == files_before


def test_a_form_without_its_token_is_refused_before_anything_is_written(
    app_client, parcel_ref, upload_dir, online_url
) -> None:
    before, files_before = count_applications(online_url), stored_files(upload_dir)
    token(app_client)  # the browser has its cookie; the forged form has no token
    for csrf in (None, "0" * 64):
        answer = file_application(app_client, parcel_ref, csrf=csrf)
        assert answer.status_code == 403
        assert "không gửi từ trang này" in answer.text
    tracked = app_client.post("/tra-cuu-ho-so", data={"receipt": "x", "secret": "y"})
    assert tracked.status_code == 403
    assert count_applications(online_url) == before
    assert stored_files(upload_dir) == files_before


def test_the_registers_refusal_is_worded_by_rule_and_the_documents_are_removed(
    app_client, parcel_ref, upload_dir, online_url
) -> None:
    before, files_before = count_applications(online_url), stored_files(upload_dir)
    answer = file_application(app_client, parcel_ref, id_number="999190012345")
    assert answer.status_code == 422
    assert "không phải mã tỉnh" in answer.text
    assert 'value="Lê Văn Mua"' in answer.text  # what was typed is kept
    assert count_applications(online_url) == before
    assert stored_files(upload_dir) == files_before


def test_a_wrong_secret_is_a_clear_answer_that_shows_nothing(app_client, parcel_ref) -> None:
    receipt, _ = receipt_of(file_application(app_client, parcel_ref).text)
    wrong = track(app_client, receipt, "AAAAA-BBBBB-CCCCC-DDDDD")
    assert wrong.status_code == 404
    assert "Không có hồ sơ nào khớp" in wrong.text
    assert 'id="application"' not in wrong.text and "Lê Văn Mua" not in wrong.text


def test_officers_work_their_communes_queue_and_nothing_else(
    app_client, parcel_ref, officers, online_url
) -> None:
    receipt, secret = receipt_of(file_application(app_client, parcel_ref).text)
    outsider = officers("officer", ("91099",))
    queue = app_client.get("/can-bo/ho-so", auth=outsider)
    assert queue.status_code == 200 and receipt not in queue.text
    assert app_client.get(f"/can-bo/ho-so/{receipt}", auth=outsider).status_code == 403
    form_token = token(app_client, "/tra-cuu-ho-so")
    refused = app_client.post(f"/can-bo/ho-so/{receipt}/accept", auth=outsider,
                              data={"csrf_token": form_token})
    assert refused.status_code == 403
    assert "xã, phường khác" in refused.text
    assert 'data-status="received"' in track(app_client, receipt, secret).text

    officer = officers("officer", (SAMPLE_COMMUNE,))
    assert app_client.get("/can-bo/ho-so").status_code == 401
    assert app_client.get("/can-bo/ho-so", auth=(officer[0], "wrong")).status_code == 401
    assert receipt in app_client.get("/can-bo/ho-so", auth=officer).text
    assert receipt in app_client.get(f"/can-bo/ho-so?commune={SAMPLE_COMMUNE}", auth=officer).text
    assert receipt not in app_client.get("/can-bo/ho-so?commune=91099", auth=officer).text
    forged = app_client.post(f"/can-bo/ho-so/{receipt}/accept", auth=officer, data={})
    assert forged.status_code == 403
    detail = app_client.get(f"/can-bo/ho-so/{receipt}", auth=officer)
    assert GOOD_ID in detail.text
    document = app_client.get(f"/can-bo/ho-so/{receipt}/tai-lieu/1", auth=officer)
    assert document.content == PDF and "attachment" in document.headers["content-disposition"]
    accepted = app_client.post(f"/can-bo/ho-so/{receipt}/accept", auth=officer,
                               data={"csrf_token": TOKEN.search(detail.text).group(1)},
                               follow_redirects=False)
    assert accepted.status_code == 303
    assert 'data-status="accepted"' in track(app_client, receipt, secret).text
    page = app_client.get(f"/api/parcels/{parcel_ref}").json()
    assert "dossier_in_progress" in page["status_codes"]


def test_a_client_filing_too_often_is_told_to_wait(online_url, upload_dir, parcel_ref) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CADASTRE_ONLINE_UPLOAD_DIR", str(upload_dir))
        env.setenv("CADASTRE_ONLINE_SUBMISSIONS_PER_HOUR", "1")
        env.setenv("CADASTRE_ONLINE_SUBMISSION_BURST", "1")
        with TestClient(create_app(web_settings(online_url))) as client:
            first = file_application(client, parcel_ref)
            second = file_application(client, parcel_ref)
    assert first.status_code == 200
    assert second.status_code == 429 and "Retry-After" in second.headers
    assert "quá nhiều lần" in second.text


def test_the_tracking_pages_let_out_no_one_elses_personal_data(
    app_client, parcel_ref, personal
) -> None:
    """The privacy crawl (tests/web/test_privacy.py) over the online services' pages: none of
    the sample's ID numbers, birth dates, names or addresses, the applicant's own ID and phone
    masked, and nothing of another applicant on the same parcel."""
    other = file_application(app_client, parcel_ref, name="Đỗ Thị Người Khác",
                             id_number="001300012345", phone="0911222333")
    assert other.status_code == 200
    answer = file_application(app_client, parcel_ref)
    receipt, secret = receipt_of(answer.text)
    pages = [answer.content, app_client.get("/dich-vu").content,
             app_client.get(f"/nop-ho-so?service=transfer&parcel={parcel_ref}").content]
    for lang in ("vi", "en"):
        tracked = app_client.post(
            f"/tra-cuu-ho-so?lang={lang}",
            data={"csrf_token": token(app_client, "/tra-cuu-ho-so"), "receipt": receipt,
                  "secret": secret})
        assert tracked.status_code == 200
        pages.append(tracked.content)
        text = tracked.text
        assert "Lê Văn Mua" in text  # what the applicant typed
        assert GOOD_ID not in text and "0903123456" not in text
        assert "Người Khác" not in text and "001300012345" not in text
    for body in pages:
        assert not _leaks(body, personal)


def test_the_applicant_sends_the_documents_the_office_asked_for(
    app_client, parcel_ref, officers, upload_dir
) -> None:
    receipt, secret = receipt_of(file_application(app_client, parcel_ref).text)
    officer = officers("officer", (SAMPLE_COMMUNE,))
    detail = app_client.get(f"/can-bo/ho-so/{receipt}", auth=officer)
    asked = app_client.post(f"/can-bo/ho-so/{receipt}/request-documents", auth=officer,
                            data={"csrf_token": TOKEN.search(detail.text).group(1),
                                  "reason": "Bản sao hợp đồng có công chứng"})
    assert asked.status_code == 200 and 'data-status="documents_requested"' in asked.text
    tracked = track(app_client, receipt, secret)
    assert "Bản sao hợp đồng có công chứng" in tracked.text
    assert 'action="/tra-cuu-ho-so/bo-sung' in tracked.text
    files_before = stored_files(upload_dir)
    sent = app_client.post("/tra-cuu-ho-so/bo-sung", data={
        "csrf_token": TOKEN.search(tracked.text).group(1), "receipt": receipt,
        "secret": secret}, files=[("documents", ("cong-chung.pdf", PDF, "application/pdf"))])
    assert sent.status_code == 200, sent.text
    assert "Đã nhận 1 tài liệu bổ sung" in sent.text
    assert 'id="current-status" data-status="received"' in sent.text
    assert len(stored_files(upload_dir)) == len(files_before) + 1
    again = app_client.post("/tra-cuu-ho-so/bo-sung", data={
        "csrf_token": TOKEN.search(sent.text).group(1), "receipt": receipt, "secret": secret},
        files=[("documents", ("lan-nua.pdf", PDF, "application/pdf"))])
    assert again.status_code == 409  # nothing asked any more: refused, the file removed
    assert len(stored_files(upload_dir)) == len(files_before) + 1
    detail = app_client.get(f"/can-bo/ho-so/{receipt}", auth=officer)
    assert f"/can-bo/ho-so/{receipt}/tai-lieu/2" in detail.text


def test_an_extract_request_ends_with_the_extract_to_download(
    app_client, parcel_ref, officers
) -> None:
    answer = file_application(app_client, parcel_ref, service="extract", dossier_kind="",
                              relation="holder")
    receipt, secret = receipt_of(answer.text)
    officer = officers("officer", (SAMPLE_COMMUNE,))
    for action in ("accept", "result-ready"):
        detail = app_client.get(f"/can-bo/ho-so/{receipt}", auth=officer)
        done = app_client.post(f"/can-bo/ho-so/{receipt}/{action}", auth=officer,
                               data={"csrf_token": TOKEN.search(detail.text).group(1)})
        assert done.status_code == 200, done.text
    tracked = track(app_client, receipt, secret)
    assert 'data-status="result_ready"' in tracked.text
    link = f"/thua/{parcel_ref}/trich-luc.pdf"
    assert f'href="{link}"' in tracked.text
    pdf = app_client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_a_parcel_that_does_not_exist_is_named_in_the_refusal(app_client, online_url) -> None:
    before = count_applications(online_url)
    answer = file_application(app_client, "91001/999/99999")
    assert answer.status_code == 422
    assert "Không có thửa đất hiện hành: 91001/999/99999." in answer.text
    empty = file_application(app_client, "")
    assert empty.status_code == 422 and "Hãy ghi từ 1 đến số thửa tối đa" in empty.text
    assert count_applications(online_url) == before
