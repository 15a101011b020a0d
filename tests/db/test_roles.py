"""Roles: officers edit only their communes, analysts never see personal data, only approvers
decide dossiers — enforced by the database whatever the client."""

from __future__ import annotations

import uuid

import psycopg2
import pytest

from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user, list_users
from cadastre.errors import CadastreError
from tests.db.register_helpers import (
    OTHER_COMMUNE,
    approve,
    approved_dossier,
    change,
    correct_boundary,
    first_registration,
    open_dossier,
    rect,
    register_parcel,
    scalar,
    work,
)
from tests.db.test_cli_register import run_cli


@pytest.fixture
def parcels(register_url: str) -> dict[str, int]:
    """One parcel in each test commune, registered by the administrator (superuser)."""
    conn = connect(register_url)
    try:
        own, _ = first_registration(conn, "2012-03-01", 45, rect(0, 0, 20, 10))
        other, _ = first_registration(
            conn, "2012-03-02", 46, rect(0, 100, 20, 110), commune=OTHER_COMMUNE
        )
    finally:
        conn.close()
    return {"own": own, "other": other}


def _officer_registers(
    officer_url: str, admin_url: str, number: int, wkt: str, commune: str
) -> int:
    """The officer receives a first-registration dossier, the administrator approves it, the
    officer registers the parcel under it."""
    officer = connect(officer_url)
    admin = connect(admin_url)
    try:
        with work(officer) as cur:
            dossier = open_dossier(cur, "first_registration", "2024-01-10", commune=commune)
        with change(admin, "2024-01-10") as cur:
            approve(cur, dossier, "2024-01-10")
        with work(officer) as cur:
            return register_parcel(cur, dossier, number, wkt, None, commune=commune)
    finally:
        officer.close()
        admin.close()


def test_an_officer_registers_parcels_in_an_assigned_commune(
    register_url, make_user, parcels
) -> None:
    officer = make_user("officer", ("00070",))

    parcel_id = _officer_registers(officer, register_url, 7, rect(40, 0, 50, 10), "00070")

    assert parcel_id > 0


def test_an_officer_cannot_register_in_a_commune_not_assigned(
    register_url, make_user, parcels
) -> None:
    officer = make_user("officer", ("00070",))

    # Its dossier cannot even be opened there, let alone worked under.
    with pytest.raises(psycopg2.Error, match=r"may not open dossier .* of commune 00073"):
        _officer_registers(officer, register_url, 7, rect(40, 100, 50, 110), OTHER_COMMUNE)


def test_an_officer_cannot_change_a_parcel_of_another_commune(
    register_url, make_user, parcels
) -> None:
    officer_url = make_user("officer", ("00070",))
    admin = connect(register_url)
    with change(admin, "2024-01-10") as cur:
        dossier = approved_dossier(cur, "resurvey", "2024-01-10")
    conn = connect(officer_url)

    with (
        pytest.raises(psycopg2.Error, match="may not edit parcel 00073/12/46"),
        work(conn) as cur,
    ):
        correct_boundary(cur, dossier, parcels["other"], rect(0, 100, 21, 110))
    conn.rollback()
    # No table is written directly by any application role: a raw UPDATE, DELETE or INSERT
    # is refused whatever the commune.
    for statement in (
        "UPDATE cadastre.parcel SET address = 'x' WHERE id = %s",
        "DELETE FROM cadastre.parcel WHERE id = %s",
        "INSERT INTO cadastre.parcel (commune_code, sheet_number, parcel_number, geom, "
        "legal_area, land_uses) SELECT '00073', '12', 47, ST_Multi(ST_Translate(geom, 0, "
        "50)), 200, land_uses FROM cadastre.parcel WHERE id = %s",
    ):
        with pytest.raises(psycopg2.Error, match="permission denied"), work(conn) as cur:
            cur.execute(statement, (parcels["other"],))
        conn.rollback()

    assert (
        scalar(admin, "SELECT version FROM cadastre.parcel WHERE id = %s", (parcels["other"],)) == 1
    )
    assert scalar(admin, "SELECT count(*) FROM cadastre.parcel") == 2


def test_an_officer_cannot_approve_a_dossier_but_an_approver_can(make_user, parcels) -> None:
    officer = connect(make_user("officer", ("00070",)))
    approver = connect(make_user("approver", ("00070",)))
    with work(officer) as cur:
        dossier = open_dossier(cur, "sale", "2024-01-10")

    with pytest.raises(psycopg2.Error, match="may not decide dossiers"), work(officer) as cur:
        approve(cur, dossier, "2024-01-11")
    officer.rollback()
    with work(approver) as cur:
        approve(cur, dossier, "2024-01-12")

    assert (
        scalar(approver, "SELECT status FROM cadastre.dossier WHERE id = %s", (dossier,))
        == "approved"
    )


def test_an_analyst_reads_the_register_but_not_personal_data(make_user, parcels) -> None:
    analyst = connect(make_user("analyst"))

    count = scalar(analyst, "SELECT count(*) FROM cadastre.parcel")
    with pytest.raises(psycopg2.Error, match="permission denied"), analyst, analyst.cursor() as cur:
        cur.execute("SELECT * FROM cadastre.party_personal")
    analyst.rollback()
    with pytest.raises(psycopg2.Error, match="permission denied"), analyst, analyst.cursor() as cur:
        cur.execute("UPDATE cadastre.parcel SET address = 'x'")

    assert count == 2


def test_an_officer_cannot_fake_a_bulk_session_or_rewrite_the_audit(make_user, parcels) -> None:
    officer = connect(make_user("officer", ("00070",)))

    for statement in (
        "INSERT INTO cadastre.bulk_session (txid) VALUES (txid_current())",
        "UPDATE cadastre.audit_transaction SET app_user = 'x'",
        "INSERT INTO cadastre.officer_commune VALUES (current_user, '00073')",
    ):
        with (
            pytest.raises(psycopg2.Error, match="permission denied"),
            officer,
            officer.cursor() as cur,
        ):
            cur.execute(statement)
        officer.rollback()


def test_the_web_role_sees_no_register_table(register_url: str, parcels) -> None:
    web = connect(with_user(register_url, "cadastre_web"))

    for table in ("parcel", "party", "party_personal", "audit_transaction"):
        with pytest.raises(psycopg2.Error, match="permission denied"), web, web.cursor() as cur:
            cur.execute(f"SELECT 1 FROM cadastre.{table} LIMIT 1")
        web.rollback()


def test_adding_a_user_validates_name_kind_and_communes(register_url: str) -> None:
    conn = connect(register_url)
    with pytest.raises(CadastreError, match="not a usable user name"):
        add_user(conn, "Robert'); DROP TABLE x;--", "officer", ["00070"])
    with pytest.raises(CadastreError, match="Unknown kind of user"):
        add_user(conn, "someone", "mayor", [])
    with pytest.raises(CadastreError, match="needs at least one commune"):
        add_user(conn, "someone", "officer", [])
    with pytest.raises(CadastreError, match="Unknown commune code"):
        add_user(conn, f"t_x_{uuid.uuid4().hex[:6]}", "officer", ["99999"])


def test_cli_user_add_and_list(register_url: str, make_user) -> None:
    name = f"t_cli_{uuid.uuid4().hex[:8]}"
    try:
        added = run_cli(
            register_url,
            "user",
            "add",
            name,
            "--role",
            "officer",
            "--commune",
            "00070",
            "--commune",
            "00073",
        )
        listed = run_cli(register_url, "user", "list")
        users = {u.name: u for u in list_users(connect(register_url))}
    finally:
        admin = connect(register_url)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE IF EXISTS "{name}"')

    assert added.returncode == 0, added.stderr
    assert name in listed.stdout
    assert users[name].communes == ("00070", "00073")
