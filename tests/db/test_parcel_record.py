"""cadastre.parcel_record: the officer's whole record of a parcel in one call, as it stood on a
legal date and as the register knew it at an instant — read by an officer of the parcel's
commune, refused to an officer of another commune."""

from __future__ import annotations

import json

import psycopg2
import pytest

from cadastre.db.connection import connect
from tests.db.register_helpers import (
    OTHER_COMMUNE,
    add_party,
    approved_dossier,
    change,
    correct_boundary,
    holders,
    issue_certificate,
    open_dossier,
    rect,
    register_parcel,
    restrict,
    transfer,
)

ID_NUMBER = "001080012345"


@pytest.fixture
def history(register_url: str) -> dict[str, int]:
    """Parcel 00070/12/45: registered 2012 to An (with an ID number), certificate 2012, sold
    2015 to Bình and Cúc in halves, mortgaged 2017 to a bank, its boundary corrected in 2019
    (recorded 2019-06-01), and a sale dossier received in 2020 still undecided."""
    conn = connect(register_url)
    try:
        with change(conn, "2012-03-01") as cur:
            first = approved_dossier(cur, "first_registration", "2012-03-01")
            an = add_party(cur, "Nguyễn Văn An", id_number=ID_NUMBER)
            parcel = register_parcel(cur, first, 45, rect(0, 0, 20, 10), holders((an, "1")))
            issue_certificate(cur, first, "AB123456", [parcel])
        with change(conn, "2015-03-20") as cur:
            binh = add_party(cur, "Lê Thị Bình")
            cuc = add_party(cur, "Lê Văn Cúc")
            sale = approved_dossier(cur, "sale", "2015-03-20")
            transfer(cur, sale, parcel, holders((binh, "1/2"), (cuc, "1/2")))
        with change(conn, "2017-01-05") as cur:
            bank = add_party(cur, "Ngân hàng Ngoại thương", kind="organisation")
            mortgage = approved_dossier(cur, "mortgage", "2017-01-05")
            restrict(cur, mortgage, parcel, "mortgage", bank, amount=2_000_000_000)
        with change(conn, "2019-06-01") as cur:
            survey = approved_dossier(cur, "resurvey", "2019-06-01")
            correct_boundary(cur, survey, parcel, rect(0, 0, 20, 11))
        with change(conn, "2020-02-01") as cur:
            pending = open_dossier(cur, "sale", "2020-02-01", number="5/2020/CN")
            cur.execute("SELECT cadastre.add_dossier_parcel(%s, %s)", (pending, parcel))
        with change(conn, "2020-03-01") as cur:
            other_dossier = approved_dossier(cur, "first_registration", "2020-03-01")
            other = register_parcel(
                cur, other_dossier, 46, rect(0, 100, 20, 110), holders((an, "1")),
                commune=OTHER_COMMUNE,
            )
    finally:
        conn.close()
    return {"parcel": parcel, "other": other}


def record(url: str, parcel_id: int, legal_date: str | None = None,
           known_at: str | None = None) -> dict:
    """parcel_record as the role of `url` reads it."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT cadastre.parcel_record(p_parcel_id => %s, p_legal_date => %s, "
                "p_known_at => %s)",
                (parcel_id, legal_date, known_at),
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_an_officer_reads_the_whole_record_of_a_parcel_of_their_commune_now(
    make_user, history: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    now = record(officer, history["parcel"])

    parcel = now["parcel"]
    assert parcel["ref"] == "00070/12/45" and parcel["status"] == "current"
    assert parcel["version"] == 2 and parcel["measured_area"] == 220.0
    assert parcel["geometry"]["area"] == 220.0 and parcel["geometry"]["perimeter"] == 62.0
    assert parcel["land_uses"][0]["code"] == "ODT"
    [right] = now["rights"]
    assert right["kind"] == "land_use_right" and right["from"] == "2015-03-20"
    assert [(h["name"], h["share"]) for h in right["holders"]] == [
        ("Lê Thị Bình", "1/2"), ("Lê Văn Cúc", "1/2")]
    [mortgage] = now["restrictions"]
    assert mortgage["kind"] == "mortgage" and mortgage["creditor"] == "Ngân hàng Ngoại thương"
    assert mortgage["amount"] == 2_000_000_000
    assert [d["number"] for d in now["open_dossiers"]] == ["5/2020/CN"]
    assert now["open_dossiers"][0]["status"] == "received"
    assert [c["serial"] for c in now["certificates"]] == ["AB123456"]
    assert [v["version"] for v in now["versions"]] == [1, 2]
    assert {t["dossier_kind"] for t in now["timeline"]} >= {"sale", "mortgage"}


def test_the_record_as_of_a_past_date_shows_the_holders_and_boundary_then(
    make_user, history: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    then = record(officer, history["parcel"], "2014-06-01")

    assert then["legal_date"] == "2014-06-01"
    assert then["parcel"]["version"] == 1 and then["parcel"]["measured_area"] == 200.0
    assert [h["name"] for r in then["rights"] for h in r["holders"]] == ["Nguyễn Văn An"]
    assert then["restrictions"] == [] and then["open_dossiers"] == []
    assert all(t["on_date"] <= "2014-06-01" for t in then["timeline"])


def test_the_record_as_known_before_a_correction_does_not_show_it(
    make_user, history: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    before = record(officer, history["parcel"], "2019-12-31", "2019-05-01")

    assert before["parcel"]["version"] == 1
    assert [v["version"] for v in before["versions"]] == [1]
    assert before["versions"][0]["recorded_until"] is None


def test_the_record_names_holders_but_never_carries_their_id_numbers(
    make_user, history: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    text = json.dumps(record(officer, history["parcel"], "2014-06-01"), ensure_ascii=False)

    assert "Nguyễn Văn An" in text and ID_NUMBER not in text


def test_an_officer_of_another_commune_is_refused_the_record_by_name(
    make_user, history: dict[str, int]
) -> None:
    stranger = make_user("officer", (OTHER_COMMUNE,))

    with pytest.raises(psycopg2.Error) as refused:
        record(stranger, history["parcel"])
    assert refused.value.pgcode == "42501"
    assert "may not read the record of parcel 00070/12/45 of commune 00070" in str(refused.value)
    assert refused.value.diag.constraint_name == "record_commune"
    assert "--commune" in refused.value.diag.message_hint
    assert record(stranger, history["other"])["parcel"]["ref"] == f"{OTHER_COMMUNE}/12/46"


def test_an_unknown_parcel_id_is_named(make_user, history: dict[str, int]) -> None:
    officer = make_user("officer", ("00070",))

    with pytest.raises(psycopg2.Error) as missing:
        record(officer, 999_999)
    assert "no parcel with id 999999" in str(missing.value)
