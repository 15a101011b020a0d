"""`cadastre.submit_edits`: an officer's edits (check_edit's JSON) land for one dossier in one
transaction, all or nothing, through the register's operations.

Parcels 00070/12/1 (A) and 00070/12/2 (B) are two 20 m squares sharing an edge, both held by
the same person, in a fresh register (EPSG:5897).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2
import pytest

from cadastre.register.binding import edits as edits_binding
from tests.db.register_helpers import (
    COMMUNE,
    SHEET,
    SRID,
    Connection,
    approve,
    approved_dossier,
    change,
    correct_boundary,
    current_holders,
    message,
    new_parties,
    open_dossier,
    parcel,
    rect,
    register_state,
    register_to,
    rows,
    scalar,
    square,
)

REF_A = f"{COMMUNE}/{SHEET}/1"
REF_B = f"{COMMUNE}/{SHEET}/2"
AT = "2024-03-01 09:00+00"


@dataclass
class Fabric:
    conn: Connection
    a: int
    b: int
    owner: int


@pytest.fixture
def fabric(register: Connection) -> Fabric:
    """A = [0, 20] × [0, 20] and B = [20, 40] × [0, 20], both held by one person."""
    (owner,) = new_parties(register, "2024-01-09 12:00+00", "Nguyễn Văn An")
    a = register_to(register, "2024-01-10 12:00+00", 1, square(0, 0, 20), [(owner, "1")])
    b = register_to(register, "2024-01-11 12:00+00", 2, square(20, 0, 20), [(owner, "1")])
    return Fabric(register, a, b, owner)


def ewkt(wkt: str) -> str:
    return f"SRID={SRID};{wkt}"


def dossier(conn: Connection, kind: str, at: str = AT, officer: str = "Trần Thị Bình") -> int:
    """An approved dossier of `kind`, decided on the day of `at`."""
    with change(conn, at) as cur:
        return approved_dossier(cur, kind, at[:10], officer=officer)


def submit(conn: Connection, dossier_id: int, edits: list[dict], acknowledged=(),
           at: str = AT) -> list[dict]:
    """cadastre.submit_edits in its own transaction at `at`; returns what each edit did."""
    with change(conn, at) as cur:
        return edits_binding.submit_edits(
            cur, dossier_id=dossier_id, edits=edits, acknowledged=acknowledged
        )


def refusal(conn: Connection, dossier_id: int, edits: list[dict], acknowledged=(),
            at: str = AT) -> psycopg2.Error:
    """The error that refuses a submission (the register is left as it was)."""
    with pytest.raises(psycopg2.Error) as info:
        submit(conn, dossier_id, edits, acknowledged, at)
    conn.rollback()
    return info.value


def report(conn: Connection, dossier_id: int, edits: list[dict], acknowledged=(),
           at: str = AT) -> dict:
    """cadastre.submit_edits_report, committed."""
    with change(conn, at) as cur:
        return edits_binding.submit_edits_report(
            cur, dossier_id=dossier_id, edits=edits, acknowledged=acknowledged
        )


def shared_edge_at(fabric: Fabric, x: float, legal_a: float, legal_b: float) -> list[dict]:
    """Edits moving the shared edge of A and B to x, with the legal areas given."""
    return [
        {"parcel_id": fabric.a, "version": 1, "geom": ewkt(rect(0, 0, x, 20)),
         "legal_area": legal_a},
        {"parcel_id": fabric.b, "version": 1, "geom": ewkt(rect(x, 0, 40, 20)),
         "legal_area": legal_b},
    ]


def halves_of_a(fabric: Fabric, **extra) -> list[dict]:
    """A split into its west and east halves (numbers left to the register)."""
    return [{"parcel_id": None, "split_of": fabric.a, "versions": {str(fabric.a): 1},
             "geom": ewkt(rect(0, 0, 10, 20)), **extra},
            {"parcel_id": None, "split_of": fabric.a, "versions": {str(fabric.a): 1},
             "geom": ewkt(rect(10, 0, 20, 20)), **extra}]


# What lands ---------------------------------------------------------------------------------


def test_moving_a_shared_edge_corrects_both_parcels_in_one_dossier(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "resurvey")

    done = submit(fabric.conn, dossier_id, shared_edge_at(fabric, 21, 420, 380))

    assert [(d["action"], d["ref"]) for d in done] == [("changed", REF_A), ("changed", REF_B)]
    a, b = parcel(fabric.conn, fabric.a), parcel(fabric.conn, fabric.b)
    assert (a["area"], float(a["legal_area"]), a["version"]) == (pytest.approx(420), 420, 2)
    assert (b["area"], float(b["legal_area"]), b["version"]) == (pytest.approx(380), 380, 2)
    assert a["dossier_id"] == b["dossier_id"] == dossier_id


def test_a_split_retires_the_parent_and_numbers_the_children_after_the_sheet(
    fabric: Fabric,
) -> None:
    dossier_id = dossier(fabric.conn, "split")

    done = submit(fabric.conn, dossier_id, halves_of_a(fabric))

    assert [(d["action"], d["ref"]) for d in done] == [
        ("retired", REF_A), ("created", f"{COMMUNE}/{SHEET}/3"),
        ("created", f"{COMMUNE}/{SHEET}/4")]
    children = [d["parcel_id"] for d in done if d["action"] == "created"]
    assert parcel(fabric.conn, fabric.a)["status"] == "retired"
    assert [parcel(fabric.conn, c)["area"] for c in children] == [pytest.approx(200)] * 2
    assert [current_holders(fabric.conn, c) for c in children] == [{"Nguyễn Văn An": "1/1"}] * 2
    lineage = rows(fabric.conn, "SELECT child_id, kind, dossier_id FROM cadastre.parcel_lineage "
                                "WHERE parent_id = %s ORDER BY child_id", (fabric.a,))
    assert lineage == [{"child_id": c, "kind": "split", "dossier_id": dossier_id}
                       for c in children]


def test_split_children_keep_the_numbers_the_officer_gave(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "split")
    edits = halves_of_a(fabric)
    edits[0]["parcel_number"], edits[1]["parcel_number"] = 31, 32

    done = submit(fabric.conn, dossier_id, edits)

    assert [d["ref"] for d in done if d["action"] == "created"] == [
        f"{COMMUNE}/{SHEET}/31", f"{COMMUNE}/{SHEET}/32"]


def test_a_merge_makes_one_parcel_of_the_union_and_retires_both(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "merge")
    edit = {"parcel_id": None, "replaces": [fabric.a, fabric.b],
            "versions": {str(fabric.a): 1, str(fabric.b): 1}, "geom": ewkt(rect(0, 0, 40, 20))}

    done = submit(fabric.conn, dossier_id, [edit])

    merged = next(d["parcel_id"] for d in done if d["action"] == "created")
    assert {d["parcel_id"] for d in done if d["action"] == "retired"} == {fabric.a, fabric.b}
    assert parcel(fabric.conn, merged)["area"] == pytest.approx(800)
    assert parcel(fabric.conn, merged)["ref"] == f"{COMMUNE}/{SHEET}/3"
    assert current_holders(fabric.conn, merged) == {"Nguyễn Văn An": "1/1"}


def test_a_merge_without_the_version_of_one_of_its_parcels_is_refused(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "merge")
    before = register_state(fabric.conn)
    edit = {"parcel_id": None, "replaces": [fabric.a, fabric.b],
            "versions": {str(fabric.a): 1}, "geom": ewkt(rect(0, 0, 40, 20))}

    error = refusal(fabric.conn, dossier_id, [edit])

    assert error.pgcode == "22023"
    assert message(error).startswith(f"The edit of parcel {REF_B} does not say which version")
    assert register_state(fabric.conn) == before

def test_a_new_parcel_is_registered_with_its_land_use(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "first_registration")
    edit = {"parcel_id": None, "geom": ewkt(square(40, 0, 20)), "commune_code": COMMUNE,
            "sheet_number": SHEET, "land_use": "CLN"}

    (done,) = submit(fabric.conn, dossier_id, [edit])

    new = parcel(fabric.conn, done["parcel_id"])
    assert (new["ref"], float(new["legal_area"])) == (f"{COMMUNE}/{SHEET}/3", 400.0)
    assert new["land_uses"] == [{"code": "CLN", "area": 400.0}]


# What is refused, and nothing moves -----------------------------------------------------------


def test_an_overlapping_edit_is_refused_naming_the_neighbour_and_nothing_changes(
    fabric: Fabric,
) -> None:
    dossier_id = dossier(fabric.conn, "resurvey")
    before = register_state(fabric.conn)

    error = refusal(fabric.conn, dossier_id, [
        {"parcel_id": fabric.a, "version": 1, "geom": ewkt(rect(0, 0, 20.5, 20)),
         "legal_area": 410}])

    assert error.pgcode == "23514"
    assert "overlap" in message(error) and REF_B in message(error)
    assert register_state(fabric.conn) == before


def test_a_failing_split_undoes_the_boundary_edit_submitted_with_it(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "split")
    before = register_state(fabric.conn)
    edits = [{"parcel_id": fabric.b, "version": 1, "geom": ewkt(rect(20, 0, 40, 20.0)),
              "legal_area": 400},
             *halves_of_a(fabric)]
    edits[2]["geom"] = ewkt(rect(10, 0, 19, 20))  # the children no longer cover the parent

    error = refusal(fabric.conn, dossier_id, edits)

    assert "gap" in message(error)
    assert register_state(fabric.conn) == before


def test_a_stale_version_is_a_conflict_naming_the_colleague_and_the_time(
    fabric: Fabric,
) -> None:
    colleague = dossier(fabric.conn, "resurvey", "2024-02-01 08:00+00", officer="Lê Thu Hà")
    with change(fabric.conn, "2024-02-01 08:30+00") as cur:
        correct_boundary(cur, colleague, fabric.a, rect(0, 0, 20, 20.2))
    mine = dossier(fabric.conn, "resurvey")
    before = register_state(fabric.conn)

    error = refusal(fabric.conn, mine, [
        {"parcel_id": fabric.a, "version": 1, "geom": ewkt(rect(0, 0, 20, 19.8)),
         "legal_area": 396}])

    assert error.pgcode == "40001"
    text = message(error)
    assert "Lê Thu Hà" in text and "2024-02-01 08:30:00" in text
    assert "version 1" in text and "version 2" in text
    assert register_state(fabric.conn) == before


def test_splitting_a_parcel_a_colleague_changed_is_a_conflict(fabric: Fabric) -> None:
    colleague = dossier(fabric.conn, "resurvey", "2024-02-01 08:00+00", officer="Lê Thu Hà")
    with change(fabric.conn, "2024-02-01 08:30+00") as cur:
        correct_boundary(cur, colleague, fabric.a, rect(0, 0, 20, 20.0), legal_area=401)
    mine = dossier(fabric.conn, "split")

    error = refusal(fabric.conn, mine, halves_of_a(fabric))

    assert error.pgcode == "40001" and "Lê Thu Hà" in message(error)


def test_a_warning_refuses_until_it_is_acknowledged(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "resurvey")
    edits = shared_edge_at(fabric, 20.5, 400, 400)  # measured areas now differ by 10 m²

    error = refusal(fabric.conn, dossier_id, edits)
    assert "not acknowledged" in message(error) and "area_tolerance" in message(error)

    done = submit(fabric.conn, dossier_id, edits,
                  acknowledged=[f"area_tolerance:{REF_A}", f"area_tolerance:{REF_B}"])
    assert [d["action"] for d in done] == ["changed", "changed"]


def test_acknowledging_one_parcel_leaves_the_other_warning_blocking(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "resurvey")

    error = refusal(fabric.conn, dossier_id, shared_edge_at(fabric, 20.5, 400, 400),
                    acknowledged=[f"area_tolerance:{REF_A}"])

    assert "1 warning(s) not acknowledged" in message(error) and REF_B in message(error)


def test_a_dossier_not_yet_approved_cannot_carry_edits(fabric: Fabric) -> None:
    with change(fabric.conn, AT) as cur:
        received = open_dossier(cur, "resurvey", AT[:10])

    error = refusal(fabric.conn, received, shared_edge_at(fabric, 21, 420, 380))

    assert "not approved" in message(error)
    with change(fabric.conn, AT) as cur:
        approve(cur, received, AT[:10])


def test_a_parcel_in_two_edits_is_refused(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "split")
    edits = [{"parcel_id": fabric.a, "version": 1, "geom": ewkt(square(0, 0, 20)),
              "legal_area": 400}, *halves_of_a(fabric)]

    error = refusal(fabric.conn, dossier_id, edits)

    assert REF_A in message(error) and "more than one edit" in message(error)


def test_renumbering_through_an_edit_is_refused(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "resurvey")

    error = refusal(fabric.conn, dossier_id, [
        {"parcel_id": fabric.a, "version": 1, "geom": ewkt(square(0, 0, 20)),
         "legal_area": 400, "parcel_number": 7}])

    assert "identity" in message(error) and REF_A in message(error)


def test_an_empty_submission_is_refused(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "resurvey")

    assert "No edits" in message(refusal(fabric.conn, dossier_id, []))


# The report the plugin reads ------------------------------------------------------------------


def test_the_report_lists_what_landed(fabric: Fabric) -> None:
    dossier_id = dossier(fabric.conn, "split")

    answer = report(fabric.conn, dossier_id, halves_of_a(fabric))

    assert answer["status"] == "submitted"
    assert [p["action"] for p in answer["parcels"]] == ["retired", "created", "created"]


def test_the_report_of_a_conflict_says_who_and_when_and_changes_nothing(
    fabric: Fabric,
) -> None:
    colleague = dossier(fabric.conn, "resurvey", "2024-02-01 08:00+00", officer="Lê Thu Hà")
    with change(fabric.conn, "2024-02-01 08:30+00") as cur:
        correct_boundary(cur, colleague, fabric.a, rect(0, 0, 20, 20.2))
    mine = dossier(fabric.conn, "resurvey")
    before = register_state(fabric.conn)

    answer = report(fabric.conn, mine, [
        {"parcel_id": fabric.a, "version": 1, "geom": ewkt(rect(0, 0, 20, 19.8)),
         "legal_area": 396}])

    assert (answer["status"], answer["sqlstate"]) == ("conflict", "40001")
    assert "Lê Thu Hà" in answer["detail"]
    assert "stale_edit" in [i["rule"] for i in answer["issues"]]
    assert register_state(fabric.conn) == before


def test_the_report_of_a_refusal_carries_the_issues_with_their_locations(
    fabric: Fabric,
) -> None:
    dossier_id = dossier(fabric.conn, "resurvey")

    answer = report(fabric.conn, dossier_id, [
        {"parcel_id": fabric.a, "version": 1, "geom": ewkt(rect(0, 0, 20.5, 20)),
         "legal_area": 410}])

    assert answer["status"] == "refused" and answer["sqlstate"] == "23514"
    (overlap,) = answer["issues"]
    assert (overlap["rule"], overlap["other_ref"]) == ("overlap", REF_B)
    assert overlap["location"].startswith(f"SRID={SRID};")
    assert scalar(fabric.conn, "SELECT version FROM cadastre.parcel WHERE id = %s",
                  (fabric.a,)) == 1


def test_a_direct_update_without_a_dossier_is_refused(fabric: Fabric) -> None:
    # What QGIS's own "Save edits" sends for a moved vertex on the parcel layer.
    with pytest.raises(psycopg2.Error) as info, fabric.conn, fabric.conn.cursor() as cur:
        cur.execute("UPDATE cadastre.parcel SET geom = ST_Multi(ST_GeomFromText(%s, %s)) "
                    "WHERE id = %s", (rect(0, 0, 20, 19), SRID, fabric.a))
    fabric.conn.rollback()

    assert "within an approved dossier" in message(info.value)
    assert parcel(fabric.conn, fabric.a)["version"] == 1
