"""`cadastre.parse_edits`: an officer's edit set (the plugin's and the CLI's JSON) decoded once
into typed rows with their kind, each malformed edit refused there, once, as "Edit #n: …" —
and `check_edit` and `submit_edits` meet the same refusal because they read the same parse.

Parcels 00070/12/1 (A) and 00070/12/2 (B) are two 20 m squares sharing an edge, in a fresh
register (EPSG:5897).
"""

from __future__ import annotations

import json

import psycopg2
import pytest

from cadastre.db.connection import connect
from tests.db.register_helpers import (
    COMMUNE,
    SHEET,
    SRID,
    Connection,
    approved_dossier,
    change,
    message,
    new_parties,
    rect,
    register_state,
    register_to,
    rows,
    square,
)

AT = "2024-03-01 09:00+00"
GEOM = f"SRID={SRID};{square(0, 0, 20)}"


@pytest.fixture
def fabric(register: Connection) -> tuple[int, int]:
    """A = [0, 20] × [0, 20] and B = [20, 40] × [0, 20], both held by one person."""
    (owner,) = new_parties(register, "2024-01-09 12:00+00", "Nguyễn Văn An")
    a = register_to(register, "2024-01-10 12:00+00", 1, square(0, 0, 20), [(owner, "1")])
    b = register_to(register, "2024-01-11 12:00+00", 2, square(20, 0, 20), [(owner, "1")])
    return a, b


@pytest.fixture
def dossier_id(register: Connection) -> int:
    """An approved split dossier of commune 00070."""
    with change(register, AT) as cur:
        return approved_dossier(cur, "split", AT[:10])


def parsed(conn: Connection, edits: object) -> list[dict]:
    return rows(conn, "SELECT * FROM cadastre.parse_edits(%s) ORDER BY n", (json.dumps(edits),))


def parse_refusal(conn: Connection, query: str, edits: object) -> psycopg2.Error:
    """The error a call reading `edits` raises (the transaction rolled back)."""
    with pytest.raises(psycopg2.Error) as info, conn, conn.cursor() as cur:
        cur.execute(query, (json.dumps(edits),))
    return info.value


# Typed rows ----------------------------------------------------------------------------------


def test_each_edit_gets_its_kind_from_the_keys_it_gives(register: Connection) -> None:
    edits = [
        {"parcel_id": 7, "version": 3, "geom": GEOM, "legal_area": 400.5},
        {"parcel_id": None, "split_of": 8, "versions": {"8": 2}, "geom": GEOM,
         "parcel_number": 31, "land_use": "ODT"},
        {"parcel_id": None, "replaces": [9, 10], "versions": {"9": 4, "10": 1}, "geom": GEOM},
        {"geom": GEOM, "commune_code": COMMUNE, "sheet_number": SHEET, "land_use": "LUC"},
    ]

    found = parsed(register, edits)

    assert [(e["n"], e["kind"]) for e in found] == [
        (1, "correction"), (2, "split_child"), (3, "merge"), (4, "new")]
    correction, child, merge, new = found
    assert (correction["parcel_id"], correction["version"]) == (7, 3)
    assert str(correction["legal_area"]) == "400.5" and correction["geom"] == GEOM
    assert (child["split_of"], child["version"], child["parcel_number"]) == (8, 2, 31)
    assert child["parcel_id"] is None and child["land_use"] == "ODT"
    assert merge["replaces"] == [9, 10] and merge["replaced_versions"] == [4, 1]
    assert merge["version"] is None and merge["split_of"] is None
    assert (new["commune_code"], new["sheet_number"], new["land_use"]) == (COMMUNE, SHEET, "LUC")
    assert new["parcel_id"] is None and new["replaces"] is None


def test_a_missing_version_stays_unknown_rather_than_guessed(register: Connection) -> None:
    found = parsed(register, [{"parcel_id": 7, "geom": GEOM},
                              {"parcel_id": None, "split_of": 8, "geom": GEOM},
                              {"parcel_id": None, "replaces": [9, 10], "versions": {"9": 4},
                               "geom": GEOM}])

    assert [e["version"] for e in found] == [None, None, None]
    assert found[2]["replaced_versions"] == [4, None]


def test_no_edits_parse_to_no_rows(register: Connection) -> None:
    assert parsed(register, []) == []
    assert rows(register, "SELECT * FROM cadastre.parse_edits(NULL)") == []


# Refusals, each raised once, by the parse -----------------------------------------------------


@pytest.mark.parametrize(("edit", "expected"), [
    ("not an edit", "Edit #2: not a JSON object"),
    ({"parcel_id": 7, "version": 1, "split_of": 8, "geom": GEOM},
     "Edit #2: an edit of parcel id 7 cannot also be a split child or a merge result"),
    ({"parcel_id": 7, "version": 1, "replaces": [8, 9], "geom": GEOM},
     "Edit #2: an edit of parcel id 7 cannot also be a split child or a merge result"),
    ({"parcel_id": None, "split_of": 8, "replaces": [8, 9], "geom": GEOM},
     "Edit #2: an edit is either a split child or a merge result, not both"),
    ({"parcel_id": "7", "version": 1, "geom": GEOM},
     'Edit #2: "parcel_id" is a JSON string, not a parcel id'),
    ({"parcel_id": None, "replaces": 8, "geom": GEOM},
     'Edit #2: "replaces" is a JSON number, not a list of parcel ids'),
])
def test_a_malformed_edit_is_refused_by_its_number(register: Connection, edit: object,
                                                   expected: str) -> None:
    edits = [{"geom": GEOM}, edit]

    error = parse_refusal(register, "SELECT * FROM cadastre.parse_edits(%s)", edits)

    assert error.pgcode == "22023"
    assert error.diag.message_primary == expected


@pytest.mark.parametrize(("key", "value", "sqlstate"), [
    ("parcel_number", "twelve", "22P02"),
    ("legal_area", "big", "22P02"),
    ("version", 1.5, "22P02"),
    ("parcel_number", 99999999999, "22003"),
])
def test_a_value_that_is_not_a_number_is_refused_naming_the_edit_and_key(
    register: Connection, key: str, value: object, sqlstate: str
) -> None:
    edits = [{"geom": GEOM}, {"geom": GEOM}, {"parcel_id": 7, "version": 1, "geom": GEOM,
                                              key: value}]

    error = parse_refusal(register, "SELECT * FROM cadastre.parse_edits(%s)", edits)

    assert error.pgcode == sqlstate
    assert error.diag.message_primary.startswith(f'Edit #3: "{key}" holds a value that is not')
    assert "whole numbers" in error.diag.message_hint


def test_edits_that_are_not_a_list_are_refused_in_words(register: Connection) -> None:
    error = parse_refusal(register, "SELECT * FROM cadastre.check_edit(%s)", {"parcel_id": 1})

    assert error.pgcode == "22023"
    assert error.diag.message_primary == "The edits are not a JSON array (got a JSON object)"


def test_check_and_submit_meet_the_same_refusal_once_and_nothing_changes(
    register: Connection, fabric: tuple[int, int], dossier_id: int
) -> None:
    a, _ = fabric
    edits = [{"parcel_id": None, "split_of": a, "replaces": [a], "versions": {str(a): 1},
              "geom": GEOM}]
    before = register_state(register)

    checked = parse_refusal(register, "SELECT * FROM cadastre.check_edit(%s)", edits)
    with change(register, AT) as cur:
        cur.execute("SELECT cadastre.submit_edits_report(%s, %s)",
                    (dossier_id, json.dumps(edits)))
        answered = cur.fetchone()[0]
    submitted = parse_refusal(
        register, f"SELECT * FROM cadastre.submit_edits({dossier_id}, %s)", edits)

    expected = "Edit #1: an edit is either a split child or a merge result, not both"
    assert checked.diag.message_primary == submitted.diag.message_primary == expected
    assert message(submitted).count("Edit #") == 1
    assert answered["status"] == "refused" and answered["message"] == expected
    assert answered["sqlstate"] == "22023"
    assert register_state(register) == before


def test_a_split_child_numbered_as_text_keeps_the_number_check_edit_checked(
    register: Connection, fabric: tuple[int, int], dossier_id: int
) -> None:
    a, _ = fabric
    edits = [{"parcel_id": None, "split_of": a, "versions": {str(a): 1}, "parcel_number": "41",
              "geom": f"SRID={SRID};{rect(0, 0, 10, 20)}"},
             {"parcel_id": None, "split_of": a, "versions": {str(a): 1}, "parcel_number": 42,
              "geom": f"SRID={SRID};{rect(10, 0, 20, 20)}"}]

    with change(register, AT) as cur:
        cur.execute("SELECT action, ref FROM cadastre.submit_edits(%s, %s)",
                    (dossier_id, json.dumps(edits)))
        landed = cur.fetchall()

    assert ("created", f"{COMMUNE}/{SHEET}/41") in landed
    assert ("created", f"{COMMUNE}/{SHEET}/42") in landed


# Who may call what -----------------------------------------------------------------------------


@pytest.mark.parametrize("function", [
    "submit_correction(NULL::cadastre.dossier, NULL::cadastre.parsed_edit)",
    "submit_split(NULL::cadastre.dossier, NULL::cadastre.parsed_edit[])",
    "submit_merge(NULL::cadastre.dossier, NULL::cadastre.parsed_edit)",
    "submit_new(NULL::cadastre.dossier, NULL::cadastre.parsed_edit)",
])
def test_an_officer_cannot_reach_a_kind_of_submission_around_the_locks_and_the_check(
    make_user, function: str
) -> None:
    conn = connect(make_user("officer", (COMMUNE,)))
    try:
        with pytest.raises(psycopg2.Error) as info, conn, conn.cursor() as cur:
            cur.execute(f"SELECT * FROM cadastre.{function}")
        assert info.value.pgcode == "42501"
        assert "permission denied for function submit_" in info.value.diag.message_primary
        # What the plugin calls stays open to the officer.
        kinds = rows(conn, "SELECT kind FROM cadastre.parse_edits(%s)",
                     (json.dumps([{"geom": GEOM}]),))
        assert kinds == [{"kind": "new"}]
    finally:
        conn.close()
