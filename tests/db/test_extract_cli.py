"""`cadastre extract REF -o file.pdf` as the officer at the desk: the extract is recorded as
that officer for the person named, the PDF holds the parcel, area and code; `--from-record`
draws an issued record without the database (what the plugin calls); bad input is one
sentence with a hint, and a refused issue records nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadastre.db.connection import connect
from cadastre.extract import render_extract
from tests.db.register_helpers import first_registration, rect, row, scalar
from tests.db.test_cli_register import ok, run_cli
from tests.db.test_cli_roles import refusal
from tests.extract.pdf_tools import pdf_text


@pytest.fixture
def parcel(register_url: str) -> int:
    """Parcel 00070/12/45, 20 × 10 m, beside 00070/12/46."""
    conn = connect(register_url)
    try:
        own, _ = first_registration(conn, "2012-03-01", 45, rect(0, 0, 20, 10))
        first_registration(conn, "2012-03-02", 46, rect(20, 0, 30, 10))
    finally:
        conn.close()
    return own


def test_an_officer_issues_the_extract_of_a_parcel_as_a_pdf(
    register_url: str, make_user, parcel: int, tmp_path: Path
) -> None:
    officer = make_user("officer", ("00070",))
    output = tmp_path / "trich-luc.pdf"

    said = ok(officer, "extract", "00070/12/45", "-o", str(output), "--for", "Trần Thị Hỏi")

    conn = connect(register_url)
    try:
        record = row(conn, "SELECT code, issued_by, issued_for, parcel_id, content_sha256 "
                     "FROM cadastre.extract")
    finally:
        conn.close()
    assert record["issued_by"] == officer.split("://")[1].split(":")[0]
    assert (record["issued_for"], record["parcel_id"]) == ("Trần Thị Hỏi", parcel)
    assert f"Extract {record['code']} of 00070/12/45 written to {output}" in said
    assert record["content_sha256"] in said
    text = pdf_text(output.read_bytes(), tmp_path)
    for expected in ("00070/12/45", "200.0 m²", record["code"], record["content_sha256"],
                     "Tỷ lệ / Scale 1:200"):
        assert expected in text, expected


def test_from_record_draws_an_issued_extract_without_the_database(
    register_url: str, parcel: int, tmp_path: Path
) -> None:
    conn = connect(register_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT cadastre.issue_extract(%s, 'Trần Thị Hỏi', '1')", (parcel,))
            record = cur.fetchone()[0]
    finally:
        conn.close()
    source = tmp_path / "record.json"
    source.write_text(json.dumps(record), encoding="utf-8")
    output = tmp_path / "out.pdf"

    result = run_cli("postgresql://nobody@127.0.0.1:1/none", "extract", "--from-record",
                     str(source), "-o", str(output))

    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == render_extract(record)


def test_bad_input_is_one_sentence_and_records_nothing(
    register_url: str, make_user, parcel: int, tmp_path: Path
) -> None:
    officer = make_user("officer", ("00070",))
    analyst = make_user("analyst")
    out = str(tmp_path / "x.pdf")
    (tmp_path / "exists.pdf").write_bytes(b"")
    (tmp_path / "bad.json").write_text("{\"code\": 1}", encoding="utf-8")

    assert "No parcel 00070/12/99" in refusal(officer, "extract", "00070/12/99", "-o", out,
                                              "--for", "A")
    assert "Say whom the extract is issued for" in refusal(officer, "extract", "00070/12/45",
                                                           "-o", out)
    assert "already exists" in refusal(officer, "extract", "00070/12/45", "-o",
                                       str(tmp_path / "exists.pdf"), "--for", "A")
    assert "No folder" in refusal(officer, "extract", "00070/12/45", "-o",
                                  str(tmp_path / "nowhere" / "x.pdf"), "--for", "A")
    assert "not an extract record" in refusal(officer, "extract", "--from-record",
                                              str(tmp_path / "bad.json"), "-o", out)
    assert "Only land officers issue extracts" in refusal(analyst, "extract", "00070/12/45",
                                                          "-o", out, "--for", "A")
    conn = connect(register_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.extract") == 0
    finally:
        conn.close()
    assert not Path(out).exists()
