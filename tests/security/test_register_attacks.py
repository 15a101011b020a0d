"""Attacks on the register by its own users, each run as the role that would try it.

Every attack must be refused with a message that says why (or the SQLSTATE of a missing
privilege, 42501) and must change nothing: every table of schemas cadastre and public_register
is fingerprinted (row count and a hash of its rows) before and after. Honest work through the
operations, by real officer and approver roles, still succeeds.
"""

from __future__ import annotations

import json

import psycopg2
import pytest

from cadastre.db.connection import connect
from tests.db.register_helpers import COMMUNE, OTHER_COMMUNE, SRID, rect
from tests.security.attack_helpers import (
    OFFICER_LAYER,
    STAGING_TABLES,
    Attacker,
    People,
    World,
    assert_refused,
    changed_tables,
    fingerprint,
    holders_json,
    refusal,
    run,
    text,
    value,
)

A, B = COMMUNE, OTHER_COMMUNE


def ewkt(wkt: str) -> str:
    return f"SRID={SRID};{wkt}"


def unchanged(world: World, before: dict) -> None:
    assert changed_tables(before, fingerprint(world.owner_url)) == []


def owner(world: World) -> psycopg2.extensions.connection:
    return connect(world.owner_url)


def open_as(who: Attacker, kind: str = "sale", commune: str = A, on: str = "2024-02-01") -> int:
    return value(who.conn, ("SELECT cadastre.open_dossier(%s, %s, %s, %s, NULL, %s)",
                            (f"{kind[:3].upper()}-{who.name}-{on}", kind, on, who.name, commune)))


def decide_as(who: Attacker, dossier: int, on: str = "2024-02-05", status: str = "approved"):
    return run(who.conn, ("SELECT (cadastre.decide_dossier(%s, %s, %s)).status",
                          (dossier, status, on)))


# Honest work ---------------------------------------------------------------------------------


def test_honest_work_by_real_roles_succeeds_and_is_audited_under_their_logins(
    people: People, world: World
) -> None:
    officer = people.make("officer", (A,))
    approver = people.make("approver", (A,))
    run(officer.conn, "SET cadastre.app_user = 'Someone Else'", "SET application_name = 'forged'")

    dossier = open_as(officer)
    assert decide_as(approver, dossier) == [("approved",)]
    new_holder = value(officer.conn, "SELECT cadastre.add_party('individual', 'Lê Thị Mua')")
    run(officer.conn, ("SELECT cadastre.transfer_right(%s, %s, %s)",
                       (dossier, world.parcel_a, holders_json(new_holder))))
    done = run(officer.conn, (
        "SELECT action, ref FROM cadastre.submit_edits(%s, %s)",
        (dossier, json.dumps([{"parcel_id": world.parcel_a, "version": 1,
                               "geom": ewkt(rect(0, 0, 20, 10.2)), "legal_area": 204}])),
    ))
    closed = run(officer.conn, ("SELECT status, closed_by FROM cadastre.close_dossier(%s, %s)",
                                (dossier, "2024-02-10")))

    assert done == [("changed", f"{A}/12/45")]
    assert closed == [("closed", officer.name)]
    admin = owner(world)
    try:
        assert run(admin, ("SELECT opened_by, decided_by, self_decided FROM cadastre.dossier "
                           "WHERE id = %s", (dossier,))) == [
            (officer.name, approver.name, False)]
        audit = run(admin, ("SELECT action, db_role FROM cadastre.audit_transaction "
                            "WHERE dossier_id = %s ORDER BY id", (dossier,)))
        assert audit == [("open", officer.name), ("decide", approver.name),
                         ("change", officer.name), ("change", officer.name),
                         ("close", officer.name)]
        assert run(admin, "SELECT ok, problem FROM cadastre.verify_audit()") == [(True, None)]
        holder = run(admin, ("SELECT s.party_id FROM cadastre.rrr AS r JOIN cadastre.rrr_share "
                             "AS s ON s.rrr_id = r.id WHERE r.parcel_id = %s AND "
                             "upper_inf(r.valid) AND r.kind = 'land_use_right'",
                             (world.parcel_a,)))
        assert holder == [(new_holder,)]
    finally:
        admin.close()


# 1. Self-approval ------------------------------------------------------------------------------


def test_an_officer_cannot_insert_an_approved_dossier(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, (
        "INSERT INTO cadastre.dossier (number, kind, received_on, officer, commune_code, status, "
        "decided_on, opened_by, decided_by) VALUES ('SELF-1', 'sale', '2024-02-01', 'me', %s, "
        "'approved', '2024-02-01', 'someone', 'someone')", (A,)))

    assert_refused(error, "permission denied for table dossier")
    unchanged(world, before)


def test_an_officer_cannot_approve_by_updating_the_dossier_or_deciding_it(
    people: People, world: World
) -> None:
    officer = people.make("officer", (A,))
    dossier = open_as(officer)
    before = fingerprint(world.owner_url)

    update = refusal(officer.conn, ("UPDATE cadastre.dossier SET status = 'approved', "
                                    "decided_on = '2024-02-02' WHERE id = %s", (dossier,)))
    decide = refusal(officer.conn, ("SELECT cadastre.decide_dossier(%s, 'approved', "
                                    "'2024-02-02')", (dossier,)))

    assert_refused(update, "permission denied for table dossier")
    assert_refused(decide, f"Role {officer.name} may not decide dossiers")
    unchanged(world, before)


# 2. Another commune's rows ---------------------------------------------------------------------

DIRECT_WRITES_ON_A = [
    ("rrr_share", "UPDATE cadastre.rrr_share SET numerator = numerator WHERE rrr_id IN "
                  "(SELECT id FROM cadastre.rrr WHERE parcel_id = %(parcel)s)"),
    ("rrr_share", "DELETE FROM cadastre.rrr_share WHERE rrr_id IN "
                  "(SELECT id FROM cadastre.rrr WHERE parcel_id = %(parcel)s)"),
    ("rrr_share", "INSERT INTO cadastre.rrr_share (rrr_id, party_id, numerator, denominator) "
                  "SELECT id, %(party_b)s, 1, 2 FROM cadastre.rrr WHERE parcel_id = %(parcel)s"),
    ("certificate_holder", "INSERT INTO cadastre.certificate_holder (certificate_id, party_id) "
                           "SELECT certificate_id, %(party_b)s FROM cadastre.certificate_parcel "
                           "WHERE parcel_id = %(parcel)s"),
    ("certificate_holder", "DELETE FROM cadastre.certificate_holder"),
    ("certificate_parcel", "DELETE FROM cadastre.certificate_parcel WHERE parcel_id = %(parcel)s"),
    ("certificate_parcel", "UPDATE cadastre.certificate_parcel SET parcel_id = %(parcel)s"),
    ("party_member", "INSERT INTO cadastre.party_member (group_id, member_id, role) "
                     "VALUES (%(party_b)s, %(party)s, 'member')"),
    ("dossier_parcel", "INSERT INTO cadastre.dossier_parcel (dossier_id, parcel_id) "
                       "VALUES (%(dossier_b)s, %(parcel)s)"),
    ("party", "UPDATE cadastre.party SET name = 'Kẻ Mạo Danh' WHERE id = %(party)s"),
    ("party_personal", "UPDATE cadastre.party_personal SET id_number = '999999999' "
                       "WHERE party_id = %(party)s"),
    ("party_personal", "DELETE FROM cadastre.party_personal WHERE party_id = %(party)s"),
    ("certificate", "UPDATE cadastre.certificate SET cancelled_on = '2024-02-01' "
                    "WHERE serial = %(serial)s"),
    ("rrr", "UPDATE cadastre.rrr SET valid = daterange(lower(valid), '2024-02-01') "
            "WHERE parcel_id = %(parcel)s"),
    ("parcel", "UPDATE cadastre.parcel SET address = 'x' WHERE id = %(parcel)s"),
]


@pytest.mark.parametrize(("table", "statement"), DIRECT_WRITES_ON_A,
                         ids=[f"{t}-{s.split()[0].lower()}" for t, s in DIRECT_WRITES_ON_A])
def test_an_officer_of_b_cannot_write_rows_of_a_directly(
    people: People, world: World, table: str, statement: str
) -> None:
    officer = people.make("officer", (B,))
    params = {"parcel": world.parcel_a, "party": world.party_a, "party_b": world.party_b,
              "dossier_b": world.dossier_b, "serial": world.certificate_a}
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, ("SELECT cadastre.begin_dossier_work(%s)", (world.dossier_b,)),
                    (statement, params))

    assert_refused(error, f"permission denied for table {table}")
    unchanged(world, before)


def test_an_officer_of_b_cannot_transfer_a_right_of_a_under_their_own_dossier(
    people: People, world: World
) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, ("SELECT cadastre.transfer_right(%s, %s, %s)",
                                   (world.dossier_b, world.parcel_a, holders_json(world.party_b))))

    assert_refused(error, f"Role {officer.name} may not edit parcel {A}/12/45 of commune {A}")
    unchanged(world, before)


@pytest.mark.parametrize("operation", [
    ("SELECT cadastre.correct_boundary(%(d)s, %(p)s, ST_GeomFromEWKT(%(g)s))"),
    ("SELECT cadastre.change_land_use(%(d)s, %(p)s, '[{\"code\": \"CLN\", \"area\": 200}]')"),
    ("SELECT cadastre.register_restriction(%(d)s, %(p)s, 'seizure')"),
    ("SELECT cadastre.issue_certificate(%(d)s, 'XX000009', 'CS-9', ARRAY[%(p)s]::bigint[])"),
    ("SELECT cadastre.add_dossier_parcel(%(d)s, %(p)s)"),
    ("SELECT cadastre.split_parcel(%(d)s, %(p)s, ARRAY[ST_GeomFromEWKT(%(w)s), "
     "ST_GeomFromEWKT(%(e)s)], ARRAY[101, 102])"),
    ("SELECT * FROM cadastre.submit_edits(%(d)s, %(edits)s)"),
], ids=["correct_boundary", "change_land_use", "register_restriction",
        "issue_certificate", "add_dossier_parcel", "split_parcel", "submit_edits"])
def test_an_officer_of_b_cannot_change_a_parcel_of_a_through_the_operations(
    people: People, world: World, operation: str
) -> None:
    officer = people.make("officer", (B,))
    params = {"d": world.dossier_b, "p": world.parcel_a, "g": ewkt(rect(0, 0, 21, 10)),
              "w": ewkt(rect(0, 0, 10, 10)), "e": ewkt(rect(10, 0, 20, 10)),
              "edits": json.dumps([{"parcel_id": world.parcel_a, "version": 1,
                                    "geom": ewkt(rect(0, 0, 20, 10.2)), "legal_area": 204}])}
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, (operation, params))

    assert_refused(error, f"may not edit parcel {A}/12/45 of commune {A}")
    unchanged(world, before)


def test_an_officer_of_b_cannot_change_a_party_holding_rights_only_in_a(
    people: People, world: World
) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    name = refusal(officer.conn, ("SELECT cadastre.change_party(%s, %s, 'Kẻ Mạo Danh')",
                                  (world.dossier_b, world.party_a)))
    personal = refusal(officer.conn, ("SELECT cadastre.change_party(%s, %s, NULL, %s)",
                                      (world.dossier_b, world.party_a,
                                       json.dumps({"id_number": "999999999"}))))

    for error in (name, personal):
        assert_refused(error, f"may not change party {world.party_a}",
                       f"holds rights only in commune {A}")
    unchanged(world, before)


def test_an_officer_of_b_cannot_make_a_party_of_a_a_member_of_a_new_group(
    people: People, world: World
) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, (
        "SELECT cadastre.add_party('household', 'Hộ giả', %s)",
        (json.dumps([{"party_id": world.party_a, "role": "head"}]),)))

    assert_refused(error, f"may not change party {world.party_a}")
    unchanged(world, before)


def test_an_officer_of_b_cannot_cancel_a_certificate_of_a(people: People, world: World) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, ("SELECT cadastre.cancel_certificate(%s, %s)",
                                   (world.dossier_b, world.certificate_a)))

    assert_refused(error, f"commune {A}")
    unchanged(world, before)


def test_an_officer_of_b_cannot_add_documents_to_a_dossier_of_a(
    people: People, world: World
) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, ("SELECT cadastre.add_source_document(%s, 'contract', "
                                   "'HĐ giả 1/2024')", (world.dossier_a,)))

    assert_refused(error, f"commune {A}")
    unchanged(world, before)


def test_an_officer_of_b_cannot_link_a_parcel_to_a_dossier_of_a(
    people: People, world: World
) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, ("SELECT cadastre.add_dossier_parcel(%s, %s)",
                                   (world.received_a, world.parcel_b)))

    assert_refused(error, f"commune {A}")
    unchanged(world, before)


def test_an_officer_cannot_attribute_a_new_party_to_a_dossier_they_may_not_work_under(
    people: People, world: World
) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn,
                    ("SELECT set_config('cadastre.dossier_id', %s, false)",
                     (str(world.received_a),)),
                    "SELECT cadastre.add_party('individual', 'Người Lạ', NULL, "
                    "'{\"id_number\": \"001080000009\"}')")
    run(officer.conn, "RESET cadastre.dossier_id")

    assert_refused(error, sqlstate=None)
    unchanged(world, before)


# 3. The audit trail and the history ------------------------------------------------------------


def test_an_officer_cannot_write_a_forged_audit_row(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    insert = refusal(officer.conn, (
        "INSERT INTO cadastre.audit_transaction (txid, dossier_id, action, register_time, "
        "recorded_at, db_role, app_user) VALUES (txid_current(), %s, 'decide', "
        "'2020-01-01', '2020-01-01', 'cadastre_operator', 'Giám đốc')", (world.dossier_a,)))
    helper = refusal(officer.conn, ("SELECT cadastre.record_audit(%s, 'decide')",
                                    (world.dossier_a,)))
    seal = refusal(officer.conn, "INSERT INTO cadastre.audit_seal VALUES (999, 999, '', '')")

    assert_refused(insert, "permission denied for table audit_transaction")
    assert_refused(helper, "permission denied for table audit_transaction")
    assert_refused(seal, "permission denied for table audit_seal")
    unchanged(world, before)


def test_an_officer_cannot_write_any_history_table(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    history = [t for (t,) in run(officer.conn,
                                 "SELECT table_name FROM information_schema.tables "
                                 "WHERE table_schema = 'cadastre' AND table_name LIKE '%%_history' "
                                 "ORDER BY 1")]
    admin = owner(world)
    try:
        every = [t for (t,) in run(admin, "SELECT relname FROM pg_class WHERE relnamespace = "
                                          "'cadastre'::regnamespace AND relkind = 'r' AND "
                                          "relname LIKE '%%\\_history' ORDER BY 1")]
    finally:
        admin.close()
    before = fingerprint(world.owner_url)

    errors = {}
    for table in every:
        errors[table] = refusal(officer.conn,
                                f"INSERT INTO cadastre.{table} SELECT * FROM cadastre.{table} "
                                f"LIMIT 0").pgcode
        errors[table + " (update)"] = refusal(officer.conn,
                                              f"DELETE FROM cadastre.{table}").pgcode

    assert "party_personal_history" in every and "parcel_history" in every
    assert set(history) <= set(every)
    assert set(errors.values()) == {"42501"}, errors
    unchanged(world, before)


def test_the_audit_row_names_the_login_whatever_the_client_sets(
    people: People, world: World
) -> None:
    officer = people.make("officer", (A,))

    dossier = value(officer.conn,
                    "SET ROLE cadastre_officer",
                    "SET cadastre.app_user = 'Giám đốc Sở'",
                    ("SELECT set_config('application_name', 'cadastre-cli', false)", None),
                    ("SELECT cadastre.open_dossier('AUD-1', 'sale', '2024-02-01', 'x', NULL, %s)",
                     (A,)))
    run(officer.conn, "RESET ROLE")

    admin = owner(world)
    try:
        audit = run(admin, ("SELECT db_role, app_user, recorded_at > now() - interval '1 hour' "
                            "FROM cadastre.audit_transaction WHERE dossier_id = %s",
                            (dossier,)))
    finally:
        admin.close()
    assert audit == [(officer.name, "Giám đốc Sở", True)]


def test_a_client_cannot_skip_the_audit_row_by_presetting_its_marker(
    people: People, world: World
) -> None:
    officer = people.make("officer", (A,))
    approver = people.make("approver", (A,))
    dossier = open_as(officer)
    decide_as(approver, dossier)

    try:  # the marker record_audit keeps per transaction, set by the client beforehand
        run(officer.conn,
            ("SELECT set_config('cadastre.audited', txid_current()::text || ':' || %s || "
             "':change', true)", (dossier,)),
            ("SELECT cadastre.transfer_right(%s, %s, %s)",
             (dossier, world.parcel_a, holders_json(world.party_b))))
    except psycopg2.Error:
        officer.conn.rollback()  # refusing the attempt is fine too

    admin = owner(world)
    try:
        changed = run(admin, ("SELECT count(*) FROM cadastre.rrr WHERE dossier_id = %s",
                              (dossier,)))[0][0]
        audited = run(admin, ("SELECT count(*) FROM cadastre.audit_transaction WHERE "
                              "dossier_id = %s AND action = 'change' AND db_role = %s",
                              (dossier, officer.name)))[0][0]
    finally:
        admin.close()
    assert (changed > 0) == (audited == 1), (changed, audited)


def test_the_operator_cannot_decide_a_dossier_it_opened(people: People, world: World) -> None:
    operator = people.builtin("cadastre_operator")
    dossier = open_as(operator)
    before = fingerprint(world.owner_url)

    error = refusal(operator.conn, ("SELECT cadastre.decide_dossier(%s, 'approved', "
                                    "'2024-02-05')", (dossier,)))

    assert_refused(error, "was opened by cadastre_operator: another approver must decide it")
    unchanged(world, before)


# 4. Parties ------------------------------------------------------------------------------------


def test_a_party_cannot_change_without_a_dossier(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    direct = refusal(officer.conn, ("UPDATE cadastre.party SET name = 'X' WHERE id = %s",
                                    (world.party_a,)))
    personal = refusal(officer.conn, ("UPDATE cadastre.party_personal SET address = 'X' "
                                      "WHERE party_id = %s", (world.party_a,)))
    no_dossier = refusal(officer.conn, ("SELECT cadastre.change_party(NULL, %s, 'X')",
                                        (world.party_a,)))
    received = refusal(officer.conn, ("SELECT cadastre.change_party(%s, %s, 'X')",
                                      (world.received_a, world.party_a)))

    assert_refused(direct, "permission denied for table party")
    assert_refused(personal, "permission denied for table party_personal")
    assert_refused(no_dossier, "does not exist", sqlstate=None)
    assert_refused(received, "is received, not approved", sqlstate="23514")
    unchanged(world, before)


def test_changing_a_party_within_a_dossier_keeps_history_and_is_audited(
    people: People, world: World
) -> None:
    officer = people.make("officer", (A,))

    run(officer.conn, ("SELECT cadastre.change_party(%s, %s, 'Nguyễn Văn Ân', %s)",
                       (world.dossier_a, world.party_a,
                        json.dumps({"address": "12 Hàng Bạc"}))))

    admin = owner(world)
    try:
        assert run(admin, ("SELECT name, dossier_id FROM cadastre.party WHERE id = %s",
                           (world.party_a,))) == [("Nguyễn Văn Ân", world.dossier_a)]
        assert run(admin, ("SELECT name FROM cadastre.party_history WHERE id = %s",
                           (world.party_a,))) == [("Nguyễn Văn An",)]
        assert run(admin, ("SELECT address, dossier_id FROM cadastre.party_personal "
                           "WHERE party_id = %s", (world.party_a,))) == [
            ("12 Hàng Bạc", world.dossier_a)]
        assert run(admin, ("SELECT id_number, address FROM cadastre.party_personal_history "
                           "WHERE party_id = %s", (world.party_a,))) == [("001080000001", None)]
        assert run(admin, ("SELECT action, db_role FROM cadastre.audit_transaction "
                           "WHERE dossier_id = %s AND db_role = %s",
                           (world.dossier_a, officer.name))) == [("change", officer.name)]
    finally:
        admin.close()


# 5. The clock ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["officer", "approver", "operator"])
def test_only_the_owner_sets_the_clock(people: People, world: World, kind: str) -> None:
    who = (people.builtin("cadastre_operator") if kind == "operator"
           else people.make(kind, (A,)))
    before = fingerprint(world.owner_url)

    error = refusal(who.conn, "SELECT cadastre.set_clock('2030-01-01')")

    assert_refused(error, "permission denied for function set_clock")
    unchanged(world, before)


@pytest.mark.parametrize("kind", ["officer", "operator"])
def test_a_forged_clock_setting_refuses_the_operation(
    people: People, world: World, kind: str
) -> None:
    who = (people.builtin("cadastre_operator") if kind == "operator"
           else people.make(kind, (A,)))
    before = fingerprint(world.owner_url)

    opened = refusal(who.conn, "SET cadastre.clock = '2030-01-01'",
                     ("SELECT cadastre.open_dossier('CLK-1', 'sale', '2024-02-01', 'x', NULL, %s)",
                      (A,)))
    transfer = refusal(who.conn, "SET cadastre.clock = '2030-01-01'",
                       ("SELECT cadastre.transfer_right(%s, %s, %s)",
                        (world.dossier_a, world.parcel_a, holders_json(world.party_b))))
    local = refusal(who.conn, "SELECT set_config('cadastre.clock', '2030-01-01', true)",
                    ("SELECT cadastre.add_party('individual', 'Người Tương Lai')", None))
    clock_row = refusal(who.conn, "INSERT INTO cadastre.clock_override VALUES "
                                  "(txid_current(), '2030-01-01')")
    run(who.conn, "RESET cadastre.clock")

    for error in (opened, transfer, local):
        assert_refused(error, "The register's clock cannot be set by this session")
    assert_refused(clock_row, "permission denied for table clock_override")
    unchanged(world, before)


# 6. Bulk bypass --------------------------------------------------------------------------------


def test_the_operator_cannot_fake_a_bulk_session_to_skip_the_overlap_check(
    people: People, world: World
) -> None:
    operator = people.builtin("cadastre_operator")
    before = fingerprint(world.owner_url)

    session = refusal(operator.conn, "INSERT INTO cadastre.bulk_session (txid) "
                                     "VALUES (txid_current())")
    overlap = refusal(
        operator.conn,
        "SELECT set_config('cadastre.bulk_txid', txid_current()::text, true)",
        ("SELECT cadastre.register_parcel(%s, %s, '12', 99, ST_GeomFromEWKT(%s), NULL, "
         "'[{\"code\": \"ODT\", \"area\": 100}]', NULL, NULL)",
         (world.dossier_a, A, ewkt(rect(5, 0, 15, 10)))))

    assert_refused(session, "permission denied for table bulk_session")
    assert "overlap" in text(overlap).lower(), text(overlap)
    unchanged(world, before)


# 7. Deciding, closing, working under dossiers ----------------------------------------------------


def test_an_approver_of_b_cannot_decide_a_dossier_of_a(people: People, world: World) -> None:
    approver = people.make("approver", (B,))
    before = fingerprint(world.owner_url)

    error = refusal(approver.conn, ("SELECT cadastre.decide_dossier(%s, 'approved', "
                                    "'2024-02-05')", (world.received_a,)))

    assert_refused(error, "may not decide dossier", f"of commune {A}")
    unchanged(world, before)


def test_an_approver_cannot_decide_a_dossier_they_opened(people: People, world: World) -> None:
    approver = people.make("approver", (A,))
    dossier = open_as(approver)
    before = fingerprint(world.owner_url)

    error = refusal(approver.conn, ("SELECT cadastre.decide_dossier(%s, 'approved', "
                                    "'2024-02-05')", (dossier,)))

    assert_refused(error, f"was opened by {approver.name}: another approver must decide it")
    unchanged(world, before)


def test_a_single_officer_office_lets_the_opener_decide_and_marks_it(
    people: People, world: World
) -> None:
    approver = people.make("approver", (A,))
    dossier = open_as(approver)
    admin = owner(world)
    try:
        run(admin, "UPDATE cadastre.register_setting SET single_officer_office = true")

        decide_as(approver, dossier)

        assert run(admin, ("SELECT status, decided_by, self_decided FROM cadastre.dossier "
                           "WHERE id = %s", (dossier,))) == [("approved", approver.name, True)]
    finally:
        admin.close()


def test_nobody_but_the_owner_turns_on_single_officer_office(
    people: People, world: World
) -> None:
    attackers = (people.make("approver", (A,)), people.builtin("cadastre_operator"))
    before = fingerprint(world.owner_url)
    for who in attackers:
        error = refusal(who.conn, "UPDATE cadastre.register_setting "
                                  "SET single_officer_office = true")
        assert_refused(error, "permission denied for table register_setting")
    unchanged(world, before)


def test_no_work_under_a_closed_dossier(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    run(officer.conn, ("SELECT cadastre.close_dossier(%s, '2024-01-05')", (world.dossier_a,)))
    before = fingerprint(world.owner_url)

    begin = refusal(officer.conn, ("SELECT cadastre.begin_dossier_work(%s)", (world.dossier_a,)))
    transfer = refusal(officer.conn, ("SELECT cadastre.transfer_right(%s, %s, %s)",
                                      (world.dossier_a, world.parcel_a,
                                       holders_json(world.party_b))))
    reopen = refusal(officer.conn, ("SELECT cadastre.close_dossier(%s)", (world.dossier_a,)))

    for error in (begin, transfer):
        assert_refused(error, "was closed on 2024-01-05", sqlstate="23514")
    assert_refused(reopen, "is closed: only an approved dossier is closed", sqlstate="23514")
    unchanged(world, before)


def test_an_officer_of_b_cannot_work_under_or_close_a_dossier_of_a(
    people: People, world: World
) -> None:
    officer = people.make("officer", (B,))
    before = fingerprint(world.owner_url)

    begin = refusal(officer.conn, ("SELECT cadastre.begin_dossier_work(%s)", (world.dossier_a,)))
    close = refusal(officer.conn, ("SELECT cadastre.close_dossier(%s)", (world.dossier_a,)))
    opened = refusal(officer.conn, ("SELECT cadastre.open_dossier('B-IN-A', 'sale', "
                                    "'2024-02-01', 'x', NULL, %s)", (A,)))

    assert_refused(begin, "may not work under dossier", f"of commune {A}")
    assert_refused(close, "may not close dossier", f"of commune {A}")
    assert_refused(opened, "may not open dossier", f"of commune {A}")
    unchanged(world, before)


# 8. Lost updates -------------------------------------------------------------------------------


def test_submit_edits_without_the_version_is_refused(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, (
        "SELECT * FROM cadastre.submit_edits(%s, %s)",
        (world.dossier_a, json.dumps([{"parcel_id": world.parcel_a,
                                       "geom": ewkt(rect(0, 0, 20, 10.2)),
                                       "legal_area": 204}]))))

    assert_refused(error, "does not say which version it changes", sqlstate=None)
    unchanged(world, before)


# 9. Analysts and the web role --------------------------------------------------------------------


def _definer_calls(conn) -> list[tuple[str, str]]:
    """Every SECURITY DEFINER function of schema cadastre (not triggers), called with NULLs."""
    return run(conn, (
        "SELECT p.oid::regprocedure::text, format('SELECT %%s(%%s)', "
        "'cadastre.' || quote_ident(p.proname), coalesce((SELECT string_agg("
        "'NULL::' || format_type(t, NULL), ', ' ORDER BY n) "
        "FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, n)), '')) "
        "FROM pg_proc AS p WHERE p.pronamespace = 'cadastre'::regnamespace AND p.prosecdef "
        "AND p.prorettype <> 'trigger'::regtype ORDER BY 1", ()))


def test_an_analyst_may_call_no_security_definer_operation(people: People, world: World) -> None:
    analyst = people.make("analyst")
    admin = owner(world)
    try:
        calls = _definer_calls(admin)
    finally:
        admin.close()
    before = fingerprint(world.owner_url)

    outcomes = {name: refusal(analyst.conn, call) for name, call in calls}

    assert len(calls) >= 20
    wrong = {name: (e.pgcode, text(e)) for name, e in outcomes.items() if e.pgcode != "42501"}
    assert wrong == {}
    # Refused by the grant, except the one operation granted to analysts so that it refuses
    # them in its own words (`cadastre extract` as an analyst says only officers issue).
    in_words = {name for name, e in outcomes.items()
                if "permission denied for function" not in text(e)}
    assert in_words == {"issue_extract(bigint,text,text)"}
    assert "Only land officers issue extracts" in text(outcomes["issue_extract(bigint,text,text)"])
    unchanged(world, before)


def test_an_analyst_reads_no_personal_data(people: People, world: World) -> None:
    analyst = people.make("analyst")
    before = fingerprint(world.owner_url)

    errors = {table: refusal(analyst.conn, f"SELECT * FROM cadastre.{table}")
              for table in ("party_personal", "party_personal_history", "personal_data_access",
                            "officer_commune")}
    function = refusal(analyst.conn, ("SELECT * FROM cadastre.personal_data(%s)",
                                      (world.party_a,)))

    for table, error in errors.items():
        assert_refused(error, f"permission denied for table {table}")
    assert_refused(function, "permission denied for function personal_data")
    unchanged(world, before)


def test_the_web_role_reads_no_table_of_the_register(people: People, world: World) -> None:
    web = people.builtin("cadastre_web")
    admin = owner(world)
    try:
        tables = [t for (t,) in run(admin, "SELECT relname FROM pg_class WHERE relnamespace = "
                                           "'cadastre'::regnamespace AND relkind IN "
                                           "('r', 'p', 'v', 'm') ORDER BY 1")]
    finally:
        admin.close()

    codes = {t: refusal(web.conn, f"SELECT 1 FROM cadastre.{t} LIMIT 1").pgcode for t in tables}

    assert "parcel" in codes and "party_personal" in codes
    assert set(codes.values()) == {"42501"}, codes


# 10. Personal data -------------------------------------------------------------------------------


def test_an_officer_reads_personal_data_only_through_the_logged_function(
    people: People, world: World
) -> None:
    officer = people.make("officer", (A,))

    direct = refusal(officer.conn, "SELECT * FROM cadastre.party_personal")
    found = run(officer.conn, ("SELECT party_id, id_number FROM cadastre.personal_data(%s, %s)",
                               (world.party_a, "hồ sơ chuyển nhượng")))
    log_read = refusal(officer.conn, "SELECT * FROM cadastre.personal_data_access")
    log_write = refusal(officer.conn, "DELETE FROM cadastre.personal_data_access")

    assert_refused(direct, "permission denied for table party_personal")
    assert_refused(log_read, "permission denied for table personal_data_access")
    assert_refused(log_write, "permission denied for table personal_data_access")
    assert found == [(world.party_a, "001080000001")]
    admin = owner(world)
    try:
        assert run(admin, "SELECT party_id, db_role, purpose FROM "
                          "cadastre.personal_data_access") == [
            (world.party_a, officer.name, "hồ sơ chuyển nhượng")]
    finally:
        admin.close()


# 11. The audit chain -----------------------------------------------------------------------------


def _verify(world: World) -> tuple:
    admin = owner(world)
    try:
        return run(admin, "SELECT ok, seq, audit_id, problem FROM cadastre.verify_audit()")[0]
    finally:
        admin.close()


def _tamper(world: World, statement: str, params=None) -> None:
    admin = owner(world)
    try:
        run(admin, "SET LOCAL session_replication_role = replica", (statement, params))
    finally:
        admin.close()


def _honest_audit_rows(people: People, world: World) -> list[int]:
    officer = people.make("officer", (A,))
    approver = people.make("approver", (A,))
    dossier = open_as(officer)
    decide_as(approver, dossier)
    admin = owner(world)
    try:
        return [i for (i,) in run(admin, "SELECT id FROM cadastre.audit_transaction "
                                         "WHERE id > (SELECT started_after FROM "
                                         "cadastre.audit_chain) ORDER BY id")]
    finally:
        admin.close()


def test_the_audit_chain_holds_after_honest_work(people: People, world: World) -> None:
    ids = _honest_audit_rows(people, world)

    ok, links, _, problem = _verify(world)

    assert (ok, problem) == (True, None)
    assert links == len(ids) >= 4


def test_the_audit_chain_reports_a_deleted_row(people: People, world: World) -> None:
    ids = _honest_audit_rows(people, world)
    victim = ids[1]

    _tamper(world, "DELETE FROM cadastre.audit_transaction WHERE id = %s", (victim,))

    ok, _, _, problem = _verify(world)
    assert not ok
    assert f"audit row {victim} (link 2) was deleted" == problem


def test_the_audit_chain_reports_an_altered_row(people: People, world: World) -> None:
    ids = _honest_audit_rows(people, world)
    victim = ids[-1]

    _tamper(world, "UPDATE cadastre.audit_transaction SET app_user = 'Người khác' WHERE id = %s",
            (victim,))

    ok, _, audit_id, problem = _verify(world)
    assert (ok, audit_id) == (False, victim)
    assert "was altered after it was sealed" in problem


def test_the_audit_chain_reports_a_row_written_around_the_seal(
    people: People, world: World
) -> None:
    _honest_audit_rows(people, world)

    _tamper(world, "INSERT INTO cadastre.audit_transaction (txid, dossier_id, action, "
                   "register_time, recorded_at, db_role) VALUES (txid_current(), %s, 'decide', "
                   "now(), now(), 'cadastre_operator')", (world.received_a,))

    ok, _, audit_id, problem = _verify(world)
    assert not ok and audit_id is not None
    assert problem == f"audit row {audit_id} has no link in the chain (written with the seal " \
                      "switched off)"


# 12. Every table, every role ------------------------------------------------------------------


def _every_relation(world: World) -> list[tuple[str, str, str]]:
    """(name, kind, first column) of every table and view of schema cadastre, found now."""
    admin = owner(world)
    try:
        return run(admin, "SELECT c.relname, c.relkind::text, (SELECT quote_ident(a.attname) "
                          "FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attnum > 0 AND "
                          "NOT a.attisdropped ORDER BY a.attnum LIMIT 1) FROM pg_class AS c "
                          "WHERE c.relnamespace = 'cadastre'::regnamespace AND c.relkind IN "
                          "('r', 'p', 'v', 'm', 'f') ORDER BY 1")
    finally:
        admin.close()


def _attacker(people: People, role: str) -> Attacker:
    if role == "web":  # its read-only default is the role's own to lift: the attacker does
        web = people.builtin("cadastre_web")
        run(web.conn, "SET default_transaction_read_only = off")
        return web
    if role == "operator":
        return people.builtin("cadastre_operator")
    return people.make(role, (A,) if role in ("officer", "approver") else ())


@pytest.mark.parametrize("role", ["officer", "approver", "analyst", "operator", "web"])
def test_no_application_role_writes_any_table_of_the_register(
    people: People, world: World, role: str
) -> None:
    who = _attacker(people, role)
    relations = _every_relation(world)
    before = fingerprint(world.owner_url)

    wrong = []
    for name, kind, column in relations:
        if name in STAGING_TABLES and role in ("officer", "approver", "operator"):
            continue
        statements = {
            "INSERT": f"INSERT INTO cadastre.{name} DEFAULT VALUES",
            "UPDATE": f"UPDATE cadastre.{name} SET {column} = {column}",
            "DELETE": f"DELETE FROM cadastre.{name}",
        }
        if kind in ("r", "p"):
            statements["TRUNCATE"] = f"TRUNCATE cadastre.{name}"
        for verb, statement in statements.items():
            try:
                with who.conn, who.conn.cursor() as cur:  # committed if it passes: a real hole
                    cur.execute(statement)
                    count = cur.rowcount
            except psycopg2.Error as error:
                who.conn.rollback()
                layer_refusal = (name == OFFICER_LAYER and role in ("officer", "approver")
                                 and "cannot be saved directly" in text(error))
                view_refusal = kind == "v" and error.pgcode == "55000"  # not updatable at all
                if error.pgcode != "42501" and not layer_refusal and not view_refusal:
                    wrong.append((name, verb, error.pgcode, text(error)))
                continue
            if not (name == OFFICER_LAYER and count == 0):
                wrong.append((name, verb, "passed", count))

    assert len(relations) > 30
    assert wrong == [], "\n".join(map(str, wrong))
    unchanged(world, before)


# Beyond the list --------------------------------------------------------------------------------


@pytest.mark.parametrize("helper", [
    "SELECT cadastre.insert_parcel(%(commune)s, '12', 77, ST_Multi(ST_GeomFromEWKT(%(g)s)), "
    "100, '[{\"code\": \"ODT\", \"area\": 100}]', NULL)",
    "SELECT cadastre.add_rrr(%(parcel)s, 'mortgage', '2024-02-01', NULL)",
    "SELECT cadastre.end_rrr((SELECT id FROM cadastre.rrr WHERE parcel_id = %(parcel)s "
    "LIMIT 1), '2024-02-01')",
    "SELECT cadastre.add_shares((SELECT id FROM cadastre.rrr WHERE parcel_id = %(parcel)s "
    "LIMIT 1), '[{\"party_id\": 1, \"share\": \"1\"}]')",
    "SELECT cadastre.cancel_certificates_of(%(parcel)s, '2024-02-01')",
    "SELECT cadastre.retire_parcel((SELECT p FROM cadastre.parcel AS p WHERE id = %(parcel)s), "
    "'2024-02-01')",
    "SELECT cadastre.end_open_rrrs(%(parcel)s, '2024-02-01')",
], ids=["insert_parcel", "add_rrr", "end_rrr", "add_shares", "cancel_certificates_of",
        "retire_parcel", "end_open_rrrs"])
def test_an_officer_cannot_call_the_internal_helpers_directly(
    people: People, world: World, helper: str
) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn,
                    ("SELECT cadastre.begin_dossier_work(%s)", (world.dossier_a,)),
                    (helper, {"commune": A, "parcel": world.parcel_a,
                              "g": ewkt(rect(50, 0, 60, 10))}))

    assert_refused(error, "permission denied")
    unchanged(world, before)


@pytest.mark.parametrize("statement", [
    "ALTER TABLE cadastre.parcel DISABLE TRIGGER ALL",
    "ALTER TABLE cadastre.audit_transaction DISABLE TRIGGER refuse_change",
    "ALTER TABLE cadastre.parcel DISABLE ROW LEVEL SECURITY",
    "DROP TRIGGER z_seal ON cadastre.audit_transaction",
    "SET session_replication_role = replica",
    "ALTER FUNCTION cadastre.may_edit_commune(text) SECURITY INVOKER",
    "CREATE OR REPLACE FUNCTION cadastre.may_edit_commune(text) RETURNS boolean "
    "LANGUAGE sql AS 'SELECT true'",
    "SET ROLE cadastre_auditor",
    "CREATE ROLE t_evil_operator_role LOGIN SUPERUSER",
], ids=["disable-triggers", "disable-audit-guard", "disable-rls", "drop-seal", "replica",
        "alter-function", "replace-function", "set-role-auditor", "create-role"])
def test_the_operator_cannot_switch_off_the_guards(
    people: People, world: World, statement: str
) -> None:
    operator = people.builtin("cadastre_operator")
    before = fingerprint(world.owner_url)

    error = refusal(operator.conn, statement)

    assert_refused(error)
    unchanged(world, before)


def test_the_operator_cannot_grant_privileges_on_the_register(
    people: People, world: World
) -> None:
    operator = people.builtin("cadastre_operator")

    run(operator.conn, "GRANT INSERT ON cadastre.dossier TO cadastre_officer")  # a warning only

    admin = owner(world)
    try:
        assert run(admin, "SELECT has_table_privilege('cadastre_officer', 'cadastre.dossier', "
                          "'INSERT')") == [(False,)]
    finally:
        admin.close()


@pytest.mark.parametrize("role", ["web", "officer"])
def test_neither_the_web_nor_an_officer_calls_the_functions_that_write_the_public_tables(
    people: People, world: World, role: str
) -> None:
    if role == "web":
        caller = people.builtin("cadastre_web")
        run(caller.conn, "SET default_transaction_read_only = off")
    else:
        caller = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    errors = [refusal(caller.conn, (statement, (world.parcel_a,))) for statement in (
        "SELECT public_register.withdraw_pages(ARRAY[%s]::bigint[])",
        "SELECT public_register.publish_pages(ARRAY[%s]::bigint[])",
        "SELECT public_register.note_parcels(ARRAY[%s]::bigint[])",
    )]

    for error in errors:
        assert_refused(error, "permission denied for function")
    unchanged(world, before)


@pytest.mark.parametrize("schema", ["cadastre", "public", "public_register"])
def test_an_officer_cannot_create_functions_or_tables_in_shared_schemas(
    people: People, world: World, schema: str
) -> None:
    officer = people.make("officer", (A,))

    function = refusal(officer.conn, f"CREATE FUNCTION {schema}.session_role() RETURNS text "
                                     "LANGUAGE sql AS 'SELECT ''cadastre_admin''::text'")
    table = refusal(officer.conn, f"CREATE TABLE {schema}.officer_commune "
                                  "(role_name text, commune_code text)")

    assert_refused(function, f"permission denied for schema {schema}")
    assert_refused(table, f"permission denied for schema {schema}")


def test_shadowing_register_tables_in_pg_temp_does_not_fool_the_operations(
    people: People, world: World
) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    error = refusal(
        officer.conn,
        "CREATE TEMP TABLE officer_commune (role_name text, commune_code text)",
        ("INSERT INTO pg_temp.officer_commune VALUES (session_user, %s)", (B,)),
        "CREATE TEMP TABLE dossier (LIKE cadastre.dossier)",
        "CREATE TEMP TABLE parcel (id bigint, commune_code text)",
        ("INSERT INTO pg_temp.parcel VALUES (%s, %s)", (world.parcel_b, A)),
        "SET LOCAL search_path = pg_temp, cadastre, public",
        ("SELECT cadastre.transfer_right(%s, %s, %s)",
         (world.dossier_b, world.parcel_b, holders_json(world.party_a))))

    assert_refused(error, "may not work under dossier", f"of commune {B}")
    unchanged(world, before)


def test_an_officer_cannot_assign_themselves_a_commune(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    error = refusal(officer.conn, ("INSERT INTO cadastre.officer_commune VALUES "
                                   "(session_user, %s)", (B,)))
    grant = refusal(officer.conn, "GRANT cadastre_admin TO CURRENT_USER")
    admin_role = refusal(officer.conn, "SET ROLE cadastre_admin")

    assert_refused(error, "permission denied for table officer_commune")
    assert_refused(grant)
    assert_refused(admin_role)
    unchanged(world, before)


def test_an_officer_cannot_run_admin_only_operations(people: People, world: World) -> None:
    officer = people.make("officer", (A,))
    before = fingerprint(world.owner_url)

    errors = [
        refusal(officer.conn, "SELECT cadastre.open_import_dossier('IMP-1', '2024-02-01', 'x', "
                              "'y')"),
        refusal(officer.conn, ("SELECT cadastre.register_staged(1, %s)", (world.dossier_a,))),
        refusal(officer.conn, ("SELECT cadastre.reassign_commune(%s, %s, %s, '2024-02-01')",
                               (world.dossier_a, A, B))),
        refusal(officer.conn, "SELECT cadastre.add_commune('00076', 'Phường Giả')"),
        refusal(officer.conn, "SELECT cadastre.init_register('02')"),
    ]

    for error in errors:
        assert_refused(error, "permission denied for function")
    unchanged(world, before)


@pytest.mark.parametrize("kind", ["officer", "approver", "analyst", "admin", "web", "operator"])
def test_no_role_but_the_owner_records_a_crs_area_of_use(
    people: People, world: World, kind: str
) -> None:
    # The area a register's imports are checked against is set-up, like init_register: a
    # widened area would let a file in the wrong CRS in.
    attacker = (people.builtin(f"cadastre_{kind}") if kind in ("web", "operator")
                else people.make(kind, (A,)))
    before = fingerprint(world.owner_url)

    error = refusal(attacker.conn, ("SELECT cadastre.record_crs_area_of_use(4326, 'WGS 84', "
                                    "-180, -90, 180, 90)", ()))

    # The web role does not even see the register's schema.
    assert error.pgcode == "42501"
    assert ("permission denied for " + ("schema" if kind == "web" else "function")) in text(error)
    unchanged(world, before)
