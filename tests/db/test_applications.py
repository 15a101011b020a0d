"""Online applications in the database, as each real role: the web role files and tracks and
can do nothing else; an officer works only the applications of their communes; accepting
opens the register dossier with its parcels; due dates count working days; every refusal is
clear and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import psycopg2
import pytest

from cadastre.db.connection import connect, with_user
from cadastre.register.binding import applications, dossiers
from tests.db.register_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    SHEET,
    first_registration,
    rect,
    rows,
    scalar,
)

GOOD_ID = "001085012345"  # Hà Nội, a man born in 1985


@pytest.fixture
def parcels(register_url: str) -> dict[str, str]:
    """Parcel 45 in the officer's commune, 46 in the other one."""
    conn = connect(register_url)
    try:
        first_registration(conn, "2012-03-01", 45, rect(0, 0, 20, 10))
        first_registration(conn, "2012-03-02", 46, rect(0, 100, 20, 110), commune=OTHER_COMMUNE)
    finally:
        conn.close()
    return {"own": f"{COMMUNE}/{SHEET}/45", "other": f"{OTHER_COMMUNE}/{SHEET}/46"}


def web(register_url: str) -> psycopg2.extensions.connection:
    return connect(with_user(register_url, "cadastre_web"))


def document(n: int = 1) -> dict:
    return {"media_type": "application/pdf", "size_bytes": 1000 + n,
            "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
            "stored_as": f"2026/{uuid.uuid4().hex}.pdf"}


def submit(conn, ref: str, **changes) -> tuple[str, str]:
    values = dict(service="transfer", dossier_kind="sale", parcels=[ref], name="Trần Thị Mua",
                  id_number=GOOD_ID, phone="0912 345 678", email="mua@example.vn",
                  relation="buyer", note=None, documents=[document()], client_addr="10.1.2.3")
    values.update(changes)
    with conn, conn.cursor() as cur:
        return applications.submit_application(cur, **values)


def counts(register_url: str) -> tuple[int, ...]:
    conn = connect(register_url)
    try:
        return tuple(scalar(conn, f"SELECT count(*) FROM online.{t}") for t in
                     ("application", "application_parcel", "application_document",
                      "application_event"))
    finally:
        conn.close()


def test_the_web_role_files_and_tracks_an_application_and_reads_nothing_else(
    register_url: str, parcels
) -> None:
    conn = web(register_url)
    receipt, secret = submit(conn, parcels["own"])
    assert receipt.startswith(f"{COMMUNE}-")
    with conn, conn.cursor() as cur:
        seen = applications.track_application(cur, receipt=receipt, secret=secret.lower())
    assert seen["status"] == "received"
    assert seen["parcels"] == [parcels["own"]]
    assert seen["id_number"].endswith(GOOD_ID[-4:]) and GOOD_ID not in str(seen)
    assert seen["due_on"] is None  # the office has not entered the processing time
    for table in ("application", "application_document", "application_event",
                  "application_access"):
        with pytest.raises(psycopg2.Error, match="permission denied"), conn, conn.cursor() as cur:
            cur.execute(f"SELECT 1 FROM online.{table} LIMIT 1")
    for call in ("online.application_queue()", f"online.accept_application('{receipt}')",
                 f"online.refuse_application('{receipt}', 'x')",
                 "online.set_service('transfer', 10)"):
        with pytest.raises(psycopg2.Error, match="permission denied"), conn, conn.cursor() as cur:
            cur.execute(f"SELECT {call}")
    conn.close()
    owner = connect(register_url)
    stored = scalar(owner, "SELECT secret_hash FROM online.application WHERE receipt_code = %s",
                    (receipt,))
    assert bytes(stored) == hashlib.sha256(secret.replace("-", "").encode()).digest()
    assert secret.replace("-", "") not in str(rows(owner, "SELECT * FROM online.application"))
    owner.close()


@pytest.mark.parametrize(("changes", "rule"), [
    ({"id_number": "00108501234"}, "citizen_id_format"),
    ({"id_number": "003085012345"}, "citizen_id_province"),  # 003 is no province
    ({"id_number": "001585012345"}, "citizen_id_birth"),  # born in the 22nd century
    ({"id_number": "001399012345"}, "citizen_id_birth"),  # born in 2099
    ({"phone": "12345"}, "applicant_phone"),
    ({"email": "not an address"}, "applicant_email"),
    ({"relation": "neighbour"}, "applicant_relation"),
    ({"name": "1"}, "applicant_name"),
    ({"parcels": ["00070/12/999"]}, "application_parcel"),
    ({"dossier_kind": "mortgage"}, "application_kind"),
    ({"documents": []}, "application_documents"),
    ({"documents": [dict(document(), media_type="application/x-msdownload")]},
     "application_document"),
])
def test_a_malformed_application_is_refused_by_rule_and_nothing_is_stored(
    register_url: str, parcels, changes: dict, rule: str
) -> None:
    before = counts(register_url)
    conn = web(register_url)
    with pytest.raises(psycopg2.Error) as info:
        submit(conn, parcels["own"], **changes)
    conn.close()
    assert info.value.pgcode == "22023"
    assert info.value.diag.constraint_name == rule
    assert counts(register_url) == before


def test_parcels_of_two_communes_are_two_applications(register_url: str, parcels) -> None:
    conn = web(register_url)
    with pytest.raises(psycopg2.Error) as info:
        submit(conn, parcels["own"], parcels=[parcels["own"], parcels["other"]])
    conn.close()
    assert info.value.diag.constraint_name == "application_communes"


def test_a_wrong_secret_gets_the_same_answer_as_an_unknown_receipt(
    register_url: str, parcels
) -> None:
    conn = web(register_url)
    receipt, secret = submit(conn, parcels["own"])
    answers = []
    for code, guess in ((receipt, "AAAAA-BBBBB-CCCCC-DDDDD"), ("00070-000000-XXXXXX", secret)):
        with pytest.raises(psycopg2.Error) as info, conn, conn.cursor() as cur:
            applications.track_application(cur, receipt=code, secret=guess)
        answers.append((info.value.pgcode, info.value.diag.constraint_name,
                        info.value.diag.message_primary))
    conn.close()
    assert answers[0] == answers[1] == (
        "P0002", "application_secret", "No application matches this receipt code and secret")


def test_an_officer_accepts_and_the_dossier_opens_with_its_parcels_then_the_decision_shows(
    register_url: str, parcels, make_user
) -> None:
    receipt, secret = submit(web(register_url), parcels["own"])
    officer = connect(make_user("officer", (COMMUNE,)))
    with officer, officer.cursor() as cur:
        queue = applications.application_queue(cur)
        assert [q["receipt_code"] for q in queue] == [receipt]
        detail = applications.application_detail(cur, receipt=receipt)
        assert detail["id_number"] == GOOD_ID and "secret_hash" not in detail
        dossier_id = applications.accept_application(cur, receipt=receipt)
    owner = connect(register_url)
    assert rows(owner, "SELECT cadastre.parcel_ref(parcel_id) AS ref FROM cadastre.dossier_parcel "
                       "WHERE dossier_id = %s", (dossier_id,)) == [{"ref": parcels["own"]}]
    dossier = rows(owner, "SELECT kind, number, commune_code, status FROM cadastre.dossier "
                          "WHERE id = %s", (dossier_id,))[0]
    assert dossier == {"kind": "sale", "number": receipt, "commune_code": COMMUNE,
                       "status": "received"}
    # Audited: the register's trail names the officer's role for the dossier it opened;
    # the reads of personal data are logged.
    assert scalar(owner, "SELECT db_role FROM cadastre.audit_transaction WHERE dossier_id = %s "
                         "AND action = 'open'", (dossier_id,)) == officer.info.user
    assert {r["purpose"] for r in rows(owner, "SELECT purpose FROM online.application_access")} \
        == {"queue", "detail"}
    approver = connect(make_user("approver", (COMMUNE,)))
    with approver, approver.cursor() as cur:
        dossiers.decide_dossier(cur, dossier_id=dossier_id, status="approved",
                                decided_on=scalar(owner, "SELECT online.today()"))
    conn = web(register_url)
    with conn, conn.cursor() as cur:
        seen = applications.track_application(cur, receipt=receipt, secret=secret)
    assert [h["status"] for h in seen["history"]] == ["received", "accepted", "approved"]
    for c in (officer, approver, owner, conn):
        c.close()


def test_an_officer_cannot_touch_another_communes_application(
    register_url: str, parcels, make_user
) -> None:
    receipt, _ = submit(web(register_url), parcels["other"])
    before = counts(register_url)
    officer = connect(make_user("officer", (COMMUNE,)))
    with officer, officer.cursor() as cur:
        assert applications.application_queue(cur) == []
    for action in (
        lambda cur: applications.accept_application(cur, receipt=receipt),
        lambda cur: applications.refuse_application(cur, receipt=receipt, reason="no"),
        lambda cur: applications.request_documents(cur, receipt=receipt, reason="more"),
        lambda cur: applications.application_detail(cur, receipt=receipt),
        lambda cur: cur.execute("SELECT * FROM online.application"),
        lambda cur: cur.execute("UPDATE online.application SET commune_code = %s",
                                (COMMUNE,)),
    ):
        with pytest.raises(psycopg2.Error) as info, officer, officer.cursor() as cur:
            action(cur)
        assert info.value.pgcode == "42501", info.value
    officer.close()
    assert counts(register_url) == before


def test_refusal_and_document_requests_are_recorded_with_reason_and_role(
    register_url: str, parcels, make_user
) -> None:
    receipt, secret = submit(web(register_url), parcels["own"])
    officer = connect(make_user("officer", (COMMUNE,)))
    with officer, officer.cursor() as cur:
        applications.request_documents(cur, receipt=receipt, reason="Bản sao hợp đồng")
    with pytest.raises(psycopg2.Error, match="say why"), officer, officer.cursor() as cur:
        applications.refuse_application(cur, receipt=receipt, reason="  ")
    with officer, officer.cursor() as cur:
        applications.refuse_application(cur, receipt=receipt, reason="Thửa đang tranh chấp")
    with pytest.raises(psycopg2.Error) as info, officer, officer.cursor() as cur:
        applications.accept_application(cur, receipt=receipt)
    assert info.value.diag.constraint_name == "application_state"
    conn = web(register_url)
    with conn, conn.cursor() as cur:
        seen = applications.track_application(cur, receipt=receipt, secret=secret)
    assert [(h["status"], h["reason"]) for h in seen["history"]] == [
        ("received", None), ("documents_requested", "Bản sao hợp đồng"),
        ("refused", "Thửa đang tranh chấp")]
    owner = connect(register_url)
    assert {r["db_role"] for r in rows(owner, "SELECT db_role FROM online.application_event "
                                              "WHERE status <> 'received'")} == {officer.info.user}
    for c in (officer, conn, owner):
        c.close()


def test_due_dates_skip_weekends_and_the_offices_holidays(register_url: str) -> None:
    admin = connect(register_url)
    with admin, admin.cursor() as cur:
        # Friday 2026-04-24 + 3 working days: Mon 27, Tue 28, Wed 29 (none on the weekend).
        assert applications.add_working_days(cur, start="2026-04-24", days=3) == \
            dt.date(2026, 4, 29)
        applications.add_holiday(cur, day="2026-04-28", name_vi="Nghỉ bù", name_en="Day off")
        assert applications.add_working_days(cur, start="2026-04-24", days=3) == \
            dt.date(2026, 4, 30)
        applications.remove_holiday(cur, day="2026-04-28")
        assert applications.add_working_days(cur, start="2026-04-24", days=3) == \
            dt.date(2026, 4, 29)
        cur.execute("SELECT online.working_days_between('2026-04-24', '2026-05-04')")
        assert cur.fetchone()[0] == 6
    admin.close()


def test_only_an_administrator_enters_a_services_figures(
    register_url: str, parcels, make_user
) -> None:
    officer = connect(make_user("officer", (COMMUNE,)))
    with pytest.raises(psycopg2.Error) as info, officer, officer.cursor() as cur:
        applications.set_service(cur, code="transfer", processing_days=10)
    assert info.value.pgcode == "42501"
    officer.close()
    admin = connect(make_user("admin"))
    with admin, admin.cursor() as cur:
        row = applications.set_service(cur, code="transfer", processing_days=10)
    assert row["processing_days"] == 10
    receipt, secret = submit(web(register_url), parcels["own"])
    conn = web(register_url)
    with conn, conn.cursor() as cur:
        seen = applications.track_application(cur, receipt=receipt, secret=secret)
    with admin, admin.cursor() as cur:
        cur.execute("SELECT online.add_working_days(online.today(), 10)")
        assert seen["due_on"] == cur.fetchone()[0].isoformat()
    for c in (admin, conn):
        c.close()


def test_the_queue_puts_overdue_applications_first_and_counts_working_days(
    register_url: str, parcels, make_user
) -> None:
    admin = connect(make_user("admin"))
    with admin, admin.cursor() as cur:
        applications.set_service(cur, code="transfer", processing_days=3)
    conn = web(register_url)
    fresh, _ = submit(conn, parcels["own"])
    late, late_secret = submit(conn, parcels["own"])
    owner = connect(register_url)
    with owner, owner.cursor() as cur:  # filed ten working days before today
        cur.execute("UPDATE online.application SET received_on = online.today() - 14 "
                    "WHERE receipt_code = %s", (late,))
        cur.execute("SELECT online.working_days_between(online.add_working_days("
                    "online.today() - 14, 3), online.today())")
        expected = cur.fetchone()[0]
    assert expected >= 5
    officer = connect(make_user("officer", (COMMUNE,)))
    with officer, officer.cursor() as cur:
        queue = applications.application_queue(cur)
    assert [q["receipt_code"] for q in queue] == [late, fresh]
    assert queue[0]["overdue_days"] == expected and queue[1]["overdue_days"] == 0
    with conn, conn.cursor() as cur:
        seen = applications.track_application(cur, receipt=late, secret=late_secret)
    assert seen["overdue_days"] == expected
    with officer, officer.cursor() as cur:  # a refused application is no longer overdue
        applications.refuse_application(cur, receipt=late, reason="Không đủ giấy tờ")
        assert [q["receipt_code"] for q in applications.application_queue(cur)] == [fresh, late]
    for c in (admin, conn, owner, officer):
        c.close()


def test_an_extract_request_opens_no_dossier_and_the_officer_marks_its_result_ready(
    register_url: str, parcels, make_user
) -> None:
    conn = web(register_url)
    receipt, secret = submit(conn, parcels["own"], service="extract", dossier_kind=None,
                             relation="holder")
    officer = connect(make_user("officer", (COMMUNE,)))
    with pytest.raises(psycopg2.Error) as info, officer, officer.cursor() as cur:
        applications.mark_result_ready(cur, receipt=receipt)  # not accepted yet
    assert info.value.diag.constraint_name == "application_state"
    with officer, officer.cursor() as cur:
        assert applications.accept_application(cur, receipt=receipt) is None
        applications.mark_result_ready(cur, receipt=receipt, note="Nhận tại bộ phận một cửa")
    with conn, conn.cursor() as cur:
        seen = applications.track_application(cur, receipt=receipt, secret=secret)
    assert seen["dossier_kind"] is None
    assert [(h["status"], h["reason"]) for h in seen["history"]] == [
        ("received", None), ("accepted", None), ("result_ready", "Nhận tại bộ phận một cửa")]
    for c in (officer, conn):
        c.close()


def test_the_applicant_adds_the_documents_asked_for_and_only_then(
    register_url: str, parcels, make_user
) -> None:
    conn = web(register_url)
    receipt, secret = submit(conn, parcels["own"])
    with pytest.raises(psycopg2.Error) as info, conn, conn.cursor() as cur:
        applications.supplement_application(cur, receipt=receipt, secret=secret,
                                            documents=[document(2)])
    assert info.value.diag.constraint_name == "application_state"  # nothing was asked
    officer = connect(make_user("officer", (COMMUNE,)))
    with officer, officer.cursor() as cur:
        applications.request_documents(cur, receipt=receipt, reason="Bản sao sổ hộ khẩu")
    with pytest.raises(psycopg2.Error) as info, conn, conn.cursor() as cur:
        applications.supplement_application(cur, receipt=receipt, secret="WRONG-SECRET",
                                            documents=[document(2)])
    assert info.value.diag.constraint_name == "application_secret"
    with conn, conn.cursor() as cur:
        added = applications.supplement_application(cur, receipt=receipt, secret=secret,
                                                    documents=[document(2), document(3)])
    assert added == 2
    with officer, officer.cursor() as cur:
        detail = applications.application_detail(cur, receipt=receipt)
        assert [d["position"] for d in detail["documents"]] == [1, 2, 3]
        assert detail["status"] == "received"
        applications.accept_application(cur, receipt=receipt)
    for c in (conn, officer):
        c.close()


def test_the_record_of_actions_and_reads_cannot_be_changed_even_by_the_owner(
    register_url: str, parcels, make_user
) -> None:
    receipt, _ = submit(web(register_url), parcels["own"])
    officer = connect(make_user("officer", (COMMUNE,)))
    with officer, officer.cursor() as cur:
        applications.application_detail(cur, receipt=receipt)
    officer.close()
    owner = connect(register_url)
    for statement in ("UPDATE online.application_event SET reason = 'x'",
                      "DELETE FROM online.application_access",
                      "TRUNCATE online.application_event CASCADE"):
        with pytest.raises(psycopg2.Error, match="history cannot be changed"), owner, \
                owner.cursor() as cur:
            cur.execute(statement)
    assert scalar(owner, "SELECT count(*) FROM online.application_access") == 1
    owner.close()
