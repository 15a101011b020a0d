"""The audit trail: every change names its role, person, time and dossier, and cannot be altered."""

from __future__ import annotations

import psycopg2
import pytest

from cadastre.db.connection import connect
from cadastre.register.binding import parties
from tests.db.register_helpers import (
    approved_dossier,
    change,
    first_registration,
    holders,
    new_parties,
    rect,
    refused,
    register_parcel,
    rows,
    scalar,
    split,
    transfer,
)
from tests.db.test_cli_register import run_cli

OFFICER = "Lê Văn Cán bộ"


def _officer_connection(url: str, name: str = OFFICER) -> psycopg2.extensions.connection:
    """A connection as a client that says which officer is working (as the plugin does)."""
    escaped = name.replace(" ", "\\ ")
    return connect(url, application_name="qgis-plugin", options=f"-c cadastre.app_user={escaped}")


@pytest.fixture
def split_by_officer(register_url: str) -> dict[str, int]:
    """Parcel 45 registered through the CLI's connection, then split by the officer."""
    parent_id, _ = first_registration(connect(register_url), "2012-03-01", 45, rect(0, 0, 20, 10))
    officer = _officer_connection(register_url)
    try:
        with change(officer, "2020-05-04") as cur:
            dossier = approved_dossier(cur, "split", "2020-05-04")
            children = split(
                cur, dossier, parent_id, [rect(0, 0, 12, 10), rect(12, 0, 20, 10)], [101, 102]
            )
    finally:
        officer.close()
    return {"parent": parent_id, "first_child": children[0], "dossier": dossier}


def test_a_split_is_audited_with_role_officer_dossier_and_before_after(
    register_url: str, split_by_officer: dict[str, int]
) -> None:
    conn = connect(register_url)
    trail = rows(conn, "SELECT * FROM cadastre.audit_trail(%s)", (split_by_officer["parent"],))

    split_rows = [r for r in trail if r["dossier_kind"] == "split" and r["table_name"] == "parcel"]
    assert len(split_rows) == 1
    entry = split_rows[0]
    assert entry["db_role"] == "cadastre"
    assert entry["app_user"] == OFFICER
    assert entry["application_name"] == "qgis-plugin"
    assert entry["operation"] == "update"
    assert entry["before"]["status"] == "current"
    assert entry["after"]["status"] == "retired"
    assert entry["before"]["geom_area"] == pytest.approx(200.0)
    registration = [
        r
        for r in trail
        if r["dossier_kind"] == "first_registration" and r["table_name"] == "parcel"
    ]
    assert registration[0]["operation"] == "insert"
    assert registration[0]["before"] is None


def test_the_trail_can_be_read_by_officer_and_by_period(
    register_url: str, split_by_officer: dict[str, int]
) -> None:
    conn = connect(register_url)

    by_officer = rows(conn, "SELECT * FROM cadastre.audit_trail(NULL, %s)", ("Cán bộ",))
    future = rows(conn, "SELECT * FROM cadastre.audit_trail(NULL, NULL, now() + interval '1 day')")

    assert {r["dossier_kind"] for r in by_officer} == {"split"}
    assert {r["parcel_ref"] for r in by_officer if r["table_name"] == "parcel"} == {
        "00070/12/45",
        "00070/12/101",
        "00070/12/102",
    }
    assert future == []


def test_opening_and_deciding_a_dossier_are_audited(register_url: str) -> None:
    conn = _officer_connection(register_url)
    with change(conn, "2021-01-01") as cur:
        dossier = approved_dossier(cur, "sale", "2021-01-01")

    actions = rows(
        conn,
        "SELECT action, app_user FROM cadastre.audit_transaction WHERE dossier_id = %s ORDER BY id",
        (dossier,),
    )

    assert [a["action"] for a in actions] == ["open", "decide"]
    assert {a["app_user"] for a in actions} == {OFFICER}


def test_a_refused_change_leaves_no_audit_row(register_url: str) -> None:
    conn = connect(register_url)
    first_registration(conn, "2012-03-01", 45, rect(0, 0, 20, 10))
    before = scalar(conn, "SELECT count(*) FROM cadastre.audit_transaction")

    refused(
        conn,
        "2013-01-01",
        lambda cur: register_parcel(
            cur,
            approved_dossier(cur, "first_registration", "2013-01-01"),
            46,
            rect(5, 0, 25, 10),
            None,
        ),
    )

    assert scalar(conn, "SELECT count(*) FROM cadastre.audit_transaction") == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cadastre.audit_transaction SET app_user = 'someone else'",
        "DELETE FROM cadastre.audit_transaction",
        "TRUNCATE cadastre.audit_transaction",
    ],
)
def test_the_audit_trail_cannot_be_altered(
    register_url: str, split_by_officer: dict[str, int], statement: str
) -> None:
    conn = connect(register_url)
    before = rows(conn, "SELECT * FROM cadastre.audit_transaction ORDER BY id")

    with pytest.raises(psycopg2.Error, match="cannot be changed"), conn, conn.cursor() as cur:
        cur.execute(statement)
    conn.rollback()

    assert rows(conn, "SELECT * FROM cadastre.audit_transaction ORDER BY id") == before


def test_cli_audit_by_parcel_shows_who_did_what(
    register_url: str, split_by_officer: dict[str, int]
) -> None:
    result = run_cli(register_url, "audit", "--parcel", "00070/12/45", "--details")
    unknown = run_cli(register_url, "audit", "--parcel", "00070/12/999")
    by_officer = run_cli(register_url, "audit", "--officer", "nobody-at-all")

    assert result.returncode == 0, result.stderr
    assert "Cán bộ" in result.stdout
    assert "split" in result.stdout
    assert '"status": "retired"' in result.stdout
    assert unknown.returncode == 1
    assert "00070/12/999" in unknown.stderr
    assert "No audited changes match" in by_officer.stdout


def test_every_dossier_that_changed_the_register_is_audited(register_url: str) -> None:
    from cadastre.samples.loader import load_ward
    from data_samples.generator import generate

    conn = connect(register_url)
    load_ward(conn, generate(300, 7))  # registrations, sales, gifts, splits, merges, mortgages…

    kinds_changed = rows(
        conn,
        """
        SELECT DISTINCT d.kind FROM cadastre.dossier AS d
        WHERE d.id IN (SELECT dossier_id FROM cadastre.parcel_version
                       UNION SELECT dossier_id FROM cadastre.rrr_version)""",
    )
    unaudited = rows(
        conn,
        """
        SELECT x.dossier_id, d.kind FROM (SELECT dossier_id FROM cadastre.parcel_version
                                  UNION SELECT dossier_id FROM cadastre.rrr_version) AS x
        JOIN cadastre.dossier AS d ON d.id = x.dossier_id
        WHERE NOT EXISTS (SELECT 1 FROM cadastre.audit_transaction AS a
                          WHERE a.dossier_id = x.dossier_id AND a.action = 'change')""",
    )

    assert len(kinds_changed) >= 6
    assert unaudited == []


def test_a_transfer_shows_the_new_holders_shares_in_the_parcels_trail(register_url: str) -> None:
    conn = connect(register_url)
    parcel_id, _ = first_registration(conn, "2012-03-01", 46, rect(0, 0, 20, 10))
    [buyer] = new_parties(conn, "2015-01-01", "Trần Thị Mua")
    with change(conn, "2015-06-01") as cur:
        dossier = approved_dossier(cur, "sale", "2015-06-01")
        transfer(cur, dossier, parcel_id, holders((buyer, "1")))

    trail = rows(conn, "SELECT * FROM cadastre.audit_trail(%s)", (parcel_id,))

    shares = [r for r in trail if r["dossier_kind"] == "sale" and r["table_name"] == "rrr_share"]
    assert [(s["after"]["holder"], s["after"]["numerator"], s["operation"]) for s in shares] == [
        ("Trần Thị Mua", 1, "insert")
    ]


def test_a_party_renamed_in_a_dossier_keeps_its_old_name_and_is_in_the_trail(
    register_url: str,
) -> None:
    conn = connect(register_url)
    _, [party] = first_registration(conn, "2012-03-01", 47, rect(0, 0, 20, 10))
    with change(conn, "2016-02-01") as cur:
        dossier = approved_dossier(cur, "correction", "2016-02-01")
        parties.change_party(cur, dossier_id=dossier, party_id=party, name="Nguyễn Văn Ân",
                             personal='{"id_number": "001099012345"}')

    trail = rows(conn, "SELECT * FROM cadastre.audit_trail(NULL, NULL, NULL, NULL)")
    renamed = [r for r in trail if r["table_name"] == "party" and r["operation"] == "update"]
    assert [(r["before"]["name"], r["after"]["name"]) for r in renamed] == [
        ("Nguyễn Văn An", "Nguyễn Văn Ân")
    ]
    assert scalar(conn, "SELECT count(*) FROM cadastre.party_history WHERE id = %s", (party,)) == 1
    assert scalar(
        conn, "SELECT id_number FROM cadastre.party_personal WHERE party_id = %s", (party,)
    ) == "001099012345"


def test_audit_verify_passes_then_names_a_row_deleted_with_the_triggers_off(
    register_url: str, split_by_officer: dict[str, int]
) -> None:
    intact = run_cli(register_url, "audit", "verify")
    conn = connect(register_url)
    with conn, conn.cursor() as cur:  # the owner, rules switched off, as a tamperer would
        cur.execute("SET session_replication_role = replica")
        cur.execute("DELETE FROM cadastre.audit_transaction "
                    "WHERE id = (SELECT min(id) FROM cadastre.audit_transaction)")
    broken = run_cli(register_url, "audit", "verify")

    assert intact.returncode == 0, intact.stderr
    assert "The audit trail is intact" in intact.stdout
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert "was deleted" in broken.stderr and "Hint:" in broken.stderr
