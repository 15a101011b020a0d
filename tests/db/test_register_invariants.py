"""The register's invariants: every violation is refused, says which parcel or right and which
rule, and leaves the register exactly as it was.

Each rule is exercised through the operations (as the CLI calls them) and by direct SQL inside
`cadastre.begin_dossier_work(id)` (as QGIS writes when an officer saves a layer).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cadastre.register.binding import communes, parcels, rights
from tests.db.register_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    SHEET,
    Cursor,
    add_party,
    approve,
    approved_dossier,
    change,
    change_land_use,
    correct_boundary,
    cur_scalar,
    first_registration,
    holders,
    issue_certificate,
    land_uses,
    message,
    open_dossier,
    open_rights,
    parcel,
    rect,
    refused,
    register_parcel,
    register_state,
    ring_wkt,
    rows,
    scalar,
    split,
    square,
    transfer,
)

REF_45 = f"{COMMUNE}/{SHEET}/45"
REF_46 = f"{COMMUNE}/{SHEET}/46"
REF_47 = f"{COMMUNE}/{SHEET}/47"
LATER = "2016-01-01"

BOWTIE = ring_wkt([(0, 0), (10, 10), (10, 0), (0, 10)])
NAN_POLYGON = (
    "ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(586000, 2326000), "
    "ST_MakePoint('NaN'::float8, 2326000), ST_MakePoint(586010, 2326010), "
    "ST_MakePoint(586000, 2326000)])), 5897)"
)

# (case, SQL geometry expression, its parameters, fragments the refusal must contain; a tuple
# lists acceptable alternatives)
BAD_GEOMETRIES = [
    ("bow-tie", "ST_GeomFromText(%s, 5897)", [BOWTIE], ["Self-intersection", "geometry_invalid"]),
    ("empty", "ST_GeomFromText('POLYGON EMPTY', 5897)", [], ["empty", "geometry_empty"]),
    ("point", "ST_GeomFromText('POINT(586005 2326005)', 5897)", [],
     ["polygon", "geometry_not_polygon"]),
    ("line", "ST_GeomFromText('LINESTRING(586000 2326000, 586010 2326010)', 5897)", [],
     ["polygon", "geometry_not_polygon"]),
    ("NaN", NAN_POLYGON, [],
     [("NaN", "Invalid Coordinate"), ("geometry_not_finite", "geometry_invalid")]),
]


def expect_refusal(conn, action: Callable[[Cursor], object], *fragments: str | tuple[str, ...],
                   at: str = LATER) -> str:
    """The action is refused with every fragment (or one of a tuple of alternatives) in its
    message, and nothing changes."""
    before = register_state(conn)
    text = message(refused(conn, at, action))
    for fragment in fragments:
        options = fragment if isinstance(fragment, tuple) else (fragment,)
        assert any(option in text for option in options), f"{fragment!r} not in {text!r}"
    assert register_state(conn) == before
    return text


def qgis_insert(cur: Cursor, number: int, geom_expr: str, params: list, legal_area=100.0,
                uses: str | None = None, commune: str = COMMUNE,
                kind: str = "first_registration") -> None:
    """What QGIS does when an officer adds a parcel: INSERT under the dossier's work."""
    dossier = approved_dossier(cur, kind, LATER)
    cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
    cur.execute(
        "INSERT INTO cadastre.parcel (commune_code, sheet_number, parcel_number, geom, "
        f"legal_area, land_uses) VALUES (%s, %s, %s, {geom_expr}, %s, %s)",
        [commune, SHEET, number, *params, legal_area,
         uses or land_uses(("ODT", float(legal_area)))],
    )


def qgis_update(cur: Cursor, parcel_id: int, assignments: str, params: list,
                kind: str = "resurvey") -> None:
    """What QGIS does when an officer edits a parcel: UPDATE under the dossier's work."""
    dossier = approved_dossier(cur, kind, LATER)
    cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
    cur.execute(f"UPDATE cadastre.parcel SET {assignments} WHERE id = %s", [*params, parcel_id])


def op_register(cur: Cursor, number: int, geom_expr: str, params: list, legal_area=100.0,
                uses: str | None = None, commune: str = COMMUNE) -> None:
    """cadastre.register_parcel (through the binding) of any geometry expression's value."""
    dossier = approved_dossier(cur, "first_registration", LATER)
    owner = add_party(cur, "Đỗ Văn Giang")
    parcels.register_parcel(
        cur, dossier_id=dossier, commune=commune, sheet=SHEET, number=number,
        geom=cur_scalar(cur, f"SELECT {geom_expr}", params), legal_area=legal_area,
        land_uses=uses or land_uses(("ODT", float(legal_area))), holders=holders((owner, "1")),
    )


@pytest.fixture
def parcel_45(register) -> int:
    """A registered 10 m × 10 m parcel 00070/12/45 (2012) held by one person."""
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    return parcel_id


# Geometry ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "expr", "params", "fragments"), BAD_GEOMETRIES,
                         ids=[c[0] for c in BAD_GEOMETRIES])
def test_bad_geometry_is_refused_by_first_registration(
    register, parcel_45, case, expr, params, fragments
) -> None:
    expect_refusal(register, lambda cur: op_register(cur, 47, expr, params), REF_47, *fragments)


@pytest.mark.parametrize(("case", "expr", "params", "fragments"), BAD_GEOMETRIES,
                         ids=[c[0] for c in BAD_GEOMETRIES])
def test_bad_geometry_is_refused_when_inserted_directly(
    register, parcel_45, case, expr, params, fragments
) -> None:
    expect_refusal(register, lambda cur: qgis_insert(cur, 47, f"ST_Multi({expr})", params),
                   REF_47, *fragments)


@pytest.mark.parametrize(("case", "expr", "params", "fragments"), BAD_GEOMETRIES,
                         ids=[c[0] for c in BAD_GEOMETRIES])
def test_bad_geometry_is_refused_when_a_parcel_is_edited_directly(
    register, parcel_45, case, expr, params, fragments
) -> None:
    expect_refusal(register,
                   lambda cur: qgis_update(cur, parcel_45, f"geom = ST_Multi({expr})", params),
                   REF_45, *fragments)


def test_bad_geometry_is_refused_by_a_boundary_correction(register, parcel_45) -> None:
    def bowtie(cur):
        correct_boundary(cur, approved_dossier(cur, "resurvey", LATER), parcel_45, BOWTIE)

    expect_refusal(register, bowtie, REF_45, "Self-intersection", "geometry_invalid")


def test_geometry_in_another_crs_inserted_directly_is_refused(register, parcel_45) -> None:
    wgs84 = "ST_GeomFromText('MULTIPOLYGON(((105.8 21.02, 105.8001 21.02, 105.8001 21.0201, " \
            "105.8 21.0201, 105.8 21.02)))', 4326)"
    expect_refusal(register, lambda cur: qgis_insert(cur, 47, wgs84, []),
                   REF_47, "EPSG:4326", "EPSG:5897", "geometry_wrong_srid")
    expect_refusal(register, lambda cur: qgis_update(cur, parcel_45, f"geom = {wgs84}", []),
                   REF_45, "EPSG:4326", "geometry_wrong_srid")


def test_geometry_without_a_crs_is_refused_by_the_operations(register, parcel_45) -> None:
    expect_refusal(register, lambda cur: op_register(cur, 47, "ST_GeomFromText(%s)",
                                                     [square(20, 0, 10)]),
                   "SRID 0")


# Overlaps ------------------------------------------------------------------------------------


def test_overlapping_registration_is_refused_naming_both_parcels(register, parcel_45) -> None:
    text = expect_refusal(register, lambda cur: op_register(cur, 46, "ST_GeomFromText(%s, 5897)",
                                                            [rect(5, 0, 15, 10)]),
                          REF_46, REF_45, "Overlaps", "overlap")
    assert "50.000 m²" in text


def test_overlapping_insert_or_edit_by_direct_sql_is_refused(register, parcel_45) -> None:
    expect_refusal(register, lambda cur: qgis_insert(cur, 46, "ST_Multi(ST_GeomFromText(%s, 5897))",
                                                     [rect(5, 0, 15, 10)]),
                   REF_46, REF_45, "Overlaps")
    neighbour, _ = first_registration(register, "2013-01-01", 46, rect(10, 0, 20, 10))
    expect_refusal(register,
                   lambda cur: qgis_update(cur, neighbour,
                                           "geom = ST_Multi(ST_GeomFromText(%s, 5897))",
                                           [rect(8, 0, 20, 10)]),
                   REF_46, REF_45, "Overlaps")


def test_boundary_correction_onto_a_neighbour_is_refused(register, parcel_45) -> None:
    neighbour, _ = first_registration(register, "2013-01-01", 46, rect(10, 0, 20, 10))

    def grow(cur):
        correct_boundary(cur, approved_dossier(cur, "resurvey", LATER), parcel_45,
                         rect(0, 0, 12, 10))

    expect_refusal(register, grow, REF_45, REF_46, "Overlaps")
    assert parcel(register, neighbour)["version"] == 1


def test_two_neighbours_corrected_together_in_one_dossier_are_accepted(
    register, parcel_45
) -> None:
    neighbour, _ = first_registration(register, "2013-01-01", 46, rect(10, 0, 20, 10))
    with change(register, LATER) as cur:
        dossier = approved_dossier(cur, "resurvey", LATER)
        correct_boundary(cur, dossier, parcel_45, rect(0, 0, 12, 10))
        correct_boundary(cur, dossier, neighbour, rect(12, 0, 20, 10))
    assert parcel(register, parcel_45)["area"] == pytest.approx(120.0)
    assert parcel(register, neighbour)["area"] == pytest.approx(80.0)


def test_touching_parcels_are_accepted(register, parcel_45) -> None:
    right, _ = first_registration(register, "2013-01-01", 46, rect(10, 0, 20, 10))
    corner, _ = first_registration(register, "2013-01-02", 47, square(10, 10, 10))
    assert parcel(register, right)["status"] == parcel(register, corner)["status"] == "current"


def test_a_millimetre_sliver_along_a_shared_edge_is_accepted(register) -> None:
    # A 30 m shared edge digitised twice, 1 mm apart: 0.03 m² of overlap (above the area
    # tolerance) but no real width.
    first_registration(register, "2012-03-01", 45, rect(0, 0, 10, 30))
    sliver, _ = first_registration(register, "2013-01-01", 46, rect(9.999, 0, 20, 30))
    assert parcel(register, sliver)["status"] == "current"
    assert scalar(register, "SELECT ST_Area(ST_Intersection(a.geom, b.geom)) FROM "
                  "cadastre.parcel AS a, cadastre.parcel AS b WHERE a.parcel_number = 45 "
                  "AND b.parcel_number = 46") == pytest.approx(0.03, rel=1e-3)


def test_a_two_centimetre_overlap_along_a_shared_edge_is_refused(register) -> None:
    first_registration(register, "2012-03-01", 45, rect(0, 0, 10, 30))
    expect_refusal(register, lambda cur: op_register(cur, 46, "ST_GeomFromText(%s, 5897)",
                                                     [rect(9.98, 0, 20, 30)]),
                   REF_46, REF_45, "Overlaps")


# Identity ------------------------------------------------------------------------------------


def test_duplicate_current_identity_is_refused(register, parcel_45) -> None:
    for action in (
        lambda cur: op_register(cur, 45, "ST_GeomFromText(%s, 5897)", [square(50, 0, 10)]),
        lambda cur: qgis_insert(cur, 45, "ST_Multi(ST_GeomFromText(%s, 5897))",
                                [square(50, 0, 10)]),
    ):
        expect_refusal(register, action, "(00070, 12, 45)", "parcel_current_identity")


def test_renumbering_a_parcel_onto_an_existing_identity_is_refused(register, parcel_45) -> None:
    other, _ = first_registration(register, "2013-01-01", 46, rect(10, 0, 20, 10))
    expect_refusal(register, lambda cur: qgis_update(cur, other, "parcel_number = 45", []),
                   "(00070, 12, 45)", "parcel_current_identity")


# Shares --------------------------------------------------------------------------------------


def test_shares_summing_to_less_than_one_are_refused(register) -> None:
    def half_and_third(cur):
        dossier = approved_dossier(cur, "first_registration", LATER)
        a, b = add_party(cur, "Hoàng Văn Hải"), add_party(cur, "Hoàng Thị Hoa")
        register_parcel(cur, dossier, 45, square(0, 0, 10), holders((a, "1/2"), (b, "1/3")))

    expect_refusal(register, half_and_third, REF_45, "5/6", "instead of 1", "land_use_right")


def test_three_thirds_are_accepted(register) -> None:
    names = (("Hoàng Văn Hải", "1/3"), ("Hoàng Thị Hoa", "1/3"), ("Hoàng Văn Hùng", "1/3"))
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10),
                                      holder_names=names)
    assert scalar(register, "SELECT count(*) FROM cadastre.rrr_share AS s JOIN cadastre.rrr AS r "
                  "ON r.id = s.rrr_id WHERE r.parcel_id = %s", (parcel_id,)) == 3


def test_transfer_with_shares_summing_to_more_than_one_is_refused(register, parcel_45) -> None:
    def too_much(cur):
        dossier = approved_dossier(cur, "inheritance", LATER)
        a, b, c = (add_party(cur, n) for n in ("Con cả", "Con thứ", "Con út"))
        transfer(cur, dossier, parcel_45, holders((a, "1/2"), (b, "1/2"), (c, "1/3")))

    expect_refusal(register, too_much, REF_45, "4/3", "instead of 1")


@pytest.mark.parametrize("share", ["0/3", "4/3", "half", "1/0"])
def test_a_share_that_is_not_a_fraction_of_one_is_refused(register, parcel_45, share) -> None:
    def bad(cur):
        dossier = approved_dossier(cur, "sale", LATER)
        transfer(cur, dossier, parcel_45, holders((add_party(cur, "Vũ Văn Khoa"), share)))

    expect_refusal(register, bad, share)


def test_changing_or_removing_a_share_directly_is_refused(register) -> None:
    parcel_id, (a, b) = first_registration(
        register, "2012-03-01", 45, square(0, 0, 10),
        holder_names=(("Hoàng Văn Hải", "1/2"), ("Hoàng Thị Hoa", "1/2")))
    (right,) = open_rights(register, parcel_id)

    def shrink(cur):
        dossier = approved_dossier(cur, "correction", LATER)
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        cur.execute("UPDATE cadastre.rrr_share SET denominator = 3 WHERE rrr_id = %s "
                    "AND party_id = %s", (right["id"], b))

    def remove(cur):
        dossier = approved_dossier(cur, "correction", LATER)
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        cur.execute("DELETE FROM cadastre.rrr_share WHERE rrr_id = %s AND party_id = %s",
                    (right["id"], a))

    expect_refusal(register, shrink, REF_45, "5/6")
    expect_refusal(register, remove, REF_45, "1/2", "instead of 1")


def test_shares_rebalanced_directly_in_one_correction_are_accepted(register) -> None:
    parcel_id, (a, b) = first_registration(
        register, "2012-03-01", 45, square(0, 0, 10),
        holder_names=(("Hoàng Văn Hải", "1/2"), ("Hoàng Thị Hoa", "1/2")))
    (right,) = open_rights(register, parcel_id)
    with change(register, LATER) as cur:
        dossier = approved_dossier(cur, "correction", LATER)
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        cur.execute("UPDATE cadastre.rrr_share SET numerator = 1, denominator = 3 "
                    "WHERE rrr_id = %s AND party_id = %s", (right["id"], a))
        cur.execute("UPDATE cadastre.rrr_share SET numerator = 2, denominator = 3 "
                    "WHERE rrr_id = %s AND party_id = %s", (right["id"], b))
    assert rows(register, "SELECT party_id, numerator, denominator FROM cadastre.rrr_share "
                "ORDER BY party_id") == [
        {"party_id": a, "numerator": 1, "denominator": 3},
        {"party_id": b, "numerator": 2, "denominator": 3}]


def test_a_land_use_right_without_holders_is_refused(register, parcel_45) -> None:
    def no_holders(cur):
        dossier = approved_dossier(cur, "first_registration", LATER)
        register_parcel(cur, dossier, 47, square(20, 0, 10), "[]")

    expect_refusal(register, no_holders, "at least one holder")


def test_a_right_inserted_directly_without_holders_is_refused(register) -> None:
    with change(register, "2012-03-01") as cur:
        parcel_id = register_parcel(
            cur, approved_dossier(cur, "first_registration", "2012-03-01"), 45,
            square(0, 0, 10), None)

    def bare(cur):
        cur.execute("SELECT cadastre.begin_dossier_work(%s)",
                    (approved_dossier(cur, "first_registration", LATER),))
        cur.execute("INSERT INTO cadastre.rrr (kind, parcel_id, valid) "
                    "VALUES ('land_use_right', %s, daterange('2015-01-01', NULL))", (parcel_id,))

    expect_refusal(register, bare, REF_45, "0 holder", "instead of 1")


# Exclusive rights ------------------------------------------------------------------------------


def test_a_second_land_use_right_overlapping_in_time_is_refused(register, parcel_45) -> None:
    def second(cur):
        dossier = approved_dossier(cur, "correction", LATER)
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        owner = add_party(cur, "Vũ Văn Khoa")
        cur.execute("SELECT cadastre.add_rrr(%s, 'land_use_right', '2015-01-01', %s)",
                    (parcel_45, holders((owner, "1"))))

    def insert(cur):
        dossier = approved_dossier(cur, "correction", LATER)
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        cur.execute("INSERT INTO cadastre.rrr (kind, parcel_id, valid) "
                    "VALUES ('land_use_right', %s, daterange('2010-01-01', '2013-01-01'))",
                    (parcel_45,))

    for action in (second, insert):
        expect_refusal(register, action, "exclusion constraint", "land_use_right",
                       f"({parcel_45}, land_use_right")


def test_stretching_an_ended_right_over_its_successor_is_refused(register, parcel_45) -> None:
    with change(register, "2014-05-20") as cur:
        dossier = approved_dossier(cur, "sale", "2014-05-20")
        transfer(cur, dossier, parcel_45, holders((add_party(cur, "Phạm Văn Bình"), "1")))
    old = rows(register, "SELECT id FROM cadastre.rrr WHERE parcel_id = %s ORDER BY id",
               (parcel_45,))[0]["id"]

    def stretch(cur):
        dossier = approved_dossier(cur, "correction", LATER)
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        cur.execute("UPDATE cadastre.rrr SET valid = daterange(lower(valid), '2015-01-01') "
                    "WHERE id = %s", (old,))

    expect_refusal(register, stretch, "exclusion constraint", "land_use_right")


def test_restrictions_of_one_kind_may_overlap_in_time(register, parcel_45) -> None:
    with change(register, "2015-01-01") as cur:
        first = add_party(cur, "Ngân hàng A", kind="organisation")
        second = add_party(cur, "Ngân hàng B", kind="organisation")
        for bank in (first, second):
            rights.register_restriction(
                cur, dossier_id=approved_dossier(cur, "mortgage", "2015-01-01"),
                parcel_id=parcel_45, kind="mortgage", party_id=bank,
            )
    assert sorted(r["kind"] for r in open_rights(register, parcel_45)) == [
        "land_use_right", "mortgage", "mortgage"]


# Dossier discipline ----------------------------------------------------------------------------


def test_direct_update_without_a_dossier_is_refused_with_a_hint(register, parcel_45) -> None:
    def edit(cur):
        cur.execute("UPDATE cadastre.parcel SET address = 'Số 1 Tràng Tiền' WHERE id = %s",
                    (parcel_45,))

    text = expect_refusal(register, edit, REF_45, "approved dossier", "begin_dossier_work")
    assert "cadastre.parcel" in text


def test_direct_writes_of_rights_without_a_dossier_are_refused(register, parcel_45) -> None:
    (right,) = open_rights(register, parcel_45)

    def end_right(cur):
        cur.execute("UPDATE cadastre.rrr SET valid = daterange(lower(valid), '2015-01-01') "
                    "WHERE id = %s", (right["id"],))

    def add_holder(cur):
        party = add_party(cur, "Người lạ")
        cur.execute("INSERT INTO cadastre.rrr_share (rrr_id, party_id, numerator, denominator) "
                    "VALUES (%s, %s, 1, 2)", (right["id"], party))

    def cancel_certificate(cur):
        cur.execute("UPDATE cadastre.certificate SET cancelled_on = '2015-01-01'")

    with change(register, "2013-01-01") as cur:
        issue_certificate(cur, approved_dossier(cur, "certificate_reissue", "2013-01-01"),
                          "AB000001", [parcel_45], book_number="B1")
    expect_refusal(register, end_right, "cadastre.rrr", "approved dossier", "begin_dossier_work")
    expect_refusal(register, add_holder, "cadastre.rrr_share", "approved dossier")
    expect_refusal(register, cancel_certificate, "cadastre.certificate", "approved dossier")


def test_direct_insert_without_a_dossier_is_refused(register) -> None:
    def insert(cur):
        cur.execute(
            "INSERT INTO cadastre.parcel (commune_code, sheet_number, parcel_number, geom, "
            "legal_area, land_uses) VALUES (%s, %s, 45, ST_Multi(ST_GeomFromText(%s, 5897)), "
            "100, %s)", (COMMUNE, SHEET, square(0, 0, 10), land_uses(("ODT", 100.0))))

    expect_refusal(register, insert, REF_45, "approved dossier", "begin_dossier_work")


def test_writes_under_a_dossier_that_is_only_received_are_refused(register, parcel_45) -> None:
    with change(register, "2015-01-01") as cur:
        received = open_dossier(cur, "resurvey", "2015-01-01", number="HS-CHO-DUYET")

    def work(cur):
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (received,))

    def stamped(cur):
        cur.execute("UPDATE cadastre.parcel SET address = 'x', dossier_id = %s WHERE id = %s",
                    (received, parcel_45))

    def operation(cur):
        correct_boundary(cur, received, parcel_45, rect(0, 0, 10, 11))

    for action in (work, stamped, operation):
        expect_refusal(register, action, "HS-CHO-DUYET", "received, not approved")


def test_parcels_cannot_be_deleted_or_truncated(register, parcel_45) -> None:
    def delete(cur):
        cur.execute("DELETE FROM cadastre.parcel WHERE id = %s", (parcel_45,))

    def delete_in_dossier(cur):
        cur.execute("SELECT cadastre.begin_dossier_work(%s)",
                    (approved_dossier(cur, "acquisition", LATER),))
        cur.execute("DELETE FROM cadastre.parcel WHERE id = %s", (parcel_45,))

    def truncate(cur):
        cur.execute("TRUNCATE cadastre.parcel")

    def truncate_cascade(cur):
        cur.execute("TRUNCATE cadastre.parcel CASCADE")

    for action in (delete, delete_in_dossier, truncate_cascade):
        expect_refusal(register, action, "Nothing is ever deleted", "cadastre.parcel")
    expect_refusal(register, truncate)


@pytest.mark.parametrize("table", ["rrr", "dossier", "certificate", "parcel_lineage"])
def test_rights_dossiers_and_lineage_cannot_be_deleted(register, parcel_45, table) -> None:
    def delete(cur):
        cur.execute(f"DELETE FROM cadastre.{table}")

    with change(register, "2013-01-01") as cur:
        issue_certificate(cur, approved_dossier(cur, "certificate_reissue", "2013-01-01"),
                          "AB000001", [parcel_45], book_number="B1")
        children = split(cur, approved_dossier(cur, "split", "2013-01-01"), parcel_45,
                         [rect(0, 0, 5, 10), rect(5, 0, 10, 10)], [46, 47])
    assert len(children) == 2
    expect_refusal(register, delete, "Nothing is ever deleted", f"cadastre.{table}")


@pytest.mark.parametrize("table", ["parcel_history", "rrr_history", "rrr_share_history"])
def test_history_cannot_be_changed(register, parcel_45, table) -> None:
    with change(register, "2014-05-20") as cur:
        dossier = approved_dossier(cur, "sale", "2014-05-20")
        new_right = transfer(cur, dossier, parcel_45,
                             holders((add_party(cur, "Phạm Văn Bình"), "1")))
        correct_boundary(cur, approved_dossier(cur, "resurvey", "2014-05-20"), parcel_45,
                         rect(0, 0, 10, 11))
    with change(register, "2015-05-20") as cur:
        cur.execute("SELECT cadastre.begin_dossier_work(%s)",
                    (approved_dossier(cur, "correction", "2015-05-20"),))
        # A correction replaces the buyer by the buyer's company (a closed share version).
        company = add_party(cur, "Công ty TNHH Bình An", kind="organisation")
        cur.execute("DELETE FROM cadastre.rrr_share WHERE rrr_id = %s", (new_right,))
        cur.execute("INSERT INTO cadastre.rrr_share (rrr_id, party_id, numerator, denominator) "
                    "VALUES (%s, %s, 1, 1)", (new_right, company))
    assert scalar(register, f"SELECT count(*) FROM cadastre.{table}") > 0

    def update(cur):
        cur.execute(f"UPDATE cadastre.{table} SET sys_period = tstzrange(NULL, NULL)")

    def delete(cur):
        cur.execute(f"DELETE FROM cadastre.{table}")

    def truncate(cur):
        cur.execute(f"TRUNCATE cadastre.{table}")

    for action in (update, delete, truncate):
        expect_refusal(register, action, "history cannot be changed", f"cadastre.{table}")


# Retired parcels, stale edits --------------------------------------------------------------------


def test_a_retired_parcel_cannot_change(register, parcel_45) -> None:
    with change(register, "2014-01-01") as cur:
        split(cur, approved_dossier(cur, "split", "2014-01-01"), parcel_45,
              [rect(0, 0, 5, 10), rect(5, 0, 10, 10)], [46, 47])

    def edit(cur):
        qgis_update(cur, parcel_45, "address = 'Số 3 Hàng Bạc'", [])

    def revive(cur):
        qgis_update(cur, parcel_45, "status = 'current'", [])

    def operation(cur):
        change_land_use(cur, approved_dossier(cur, "land_use_change", LATER), parcel_45,
                        land_uses(("TMD", 100.0)))

    def new_right(cur):
        cur.execute("SELECT cadastre.begin_dossier_work(%s)",
                    (approved_dossier(cur, "correction", LATER),))
        cur.execute("SELECT cadastre.add_rrr(%s, 'land_use_right', '2015-01-01', %s)",
                    (parcel_45, holders((add_party(cur, "Vũ Văn Khoa"), "1"))))

    for action in (edit, revive):
        expect_refusal(register, action, REF_45, "retired", "final")
    expect_refusal(register, operation, REF_45, "retired")
    expect_refusal(register, new_right, REF_45, "retired")


def test_a_parcel_with_rights_and_a_certificate_cannot_be_retired_by_a_direct_edit(
    register, parcel_45
) -> None:
    """Retiring is what a split, merge or acquisition does (ending rights, cancelling
    certificates); a direct edit that would leave a retired parcel with rights in force, or a
    valid certificate, is refused and changes nothing."""
    with change(register, "2013-01-01") as cur:
        issue_certificate(cur, approved_dossier(cur, "certificate_reissue", "2013-01-01"),
                          "AB000001", [parcel_45])

    def retire(cur):
        qgis_update(cur, parcel_45, "status = 'retired'", [], kind="acquisition")

    expect_refusal(register, retire, REF_45, "cannot be retired while it has open rights or "
                   "valid certificates")
    assert parcel(register, parcel_45)["status"] == "current"
    assert open_rights(register, parcel_45) != []


def test_a_stale_direct_edit_is_refused_naming_who_changed_the_parcel(register, parcel_45) -> None:
    with change(register, "2015-06-01") as cur:
        dossier = approved_dossier(cur, "resurvey", "2015-06-01", number="HS-2015-077",
                                   officer="Phạm Thu Hà")
        correct_boundary(cur, dossier, parcel_45, rect(0, 0, 10, 11))
    assert parcel(register, parcel_45)["version"] == 2

    def stale(cur):
        qgis_update(cur, parcel_45, "geom = ST_Multi(ST_GeomFromText(%s, 5897)), version = 1",
                    [rect(0, 0, 10, 9)])

    text = expect_refusal(register, stale, REF_45, "version 1", "version 2", "HS-2015-077",
                          "Phạm Thu Hà")
    assert "someone else" in text


def test_a_direct_edit_naming_the_current_version_is_accepted_and_counts_up(
    register, parcel_45
) -> None:
    with change(register, LATER) as cur:
        qgis_update(cur, parcel_45, "address = 'Số 5 Hàng Bạc', version = 1", [])
    now = parcel(register, parcel_45)
    assert (now["address"], now["version"]) == ("Số 5 Hàng Bạc", 2)


# Land uses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uses", "fragments"),
    [
        (land_uses(("XYZ", 100.0)), ["XYZ", "reference list"]),
        (land_uses(("NNP", 100.0)), ["NNP", "group heading"]),
        (land_uses(("ODT", 60.0), ("CLN", 30.0)), ["90", "100.0", "legal area"]),
        (land_uses(("ODT", -5.0), ("CLN", 105.0)), ["ODT", "positive"]),
        ("[]", ["at least one land-use purpose"]),
        ('[{"code": "ODT", "area": 100, "form": "stolen"}]', ["stolen", "form"]),
    ],
    ids=["unknown-code", "group-heading", "areas-do-not-sum", "negative-area", "none",
         "unknown-form"],
)
def test_bad_land_uses_are_refused(register, parcel_45, uses, fragments) -> None:
    def by_operation(cur):
        op_register(cur, 47, "ST_GeomFromText(%s, 5897)", [square(20, 0, 10)], uses=uses)

    def by_insert(cur):
        qgis_insert(cur, 47, "ST_Multi(ST_GeomFromText(%s, 5897))", [square(20, 0, 10)],
                    uses=uses)

    def by_change(cur):
        change_land_use(cur, approved_dossier(cur, "land_use_change", LATER), parcel_45, uses)

    def by_edit(cur):
        qgis_update(cur, parcel_45, "land_uses = %s", [uses], kind="land_use_change")

    for action, ref in ((by_operation, REF_47), (by_insert, REF_47), (by_change, REF_45),
                        (by_edit, REF_45)):
        expect_refusal(register, action, ref, *fragments)


def test_land_use_areas_within_a_tenth_of_a_square_metre_are_accepted(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10),
                                      uses=land_uses(("ODT", 59.97), ("CLN", 40.0)))
    assert float(parcel(register, parcel_id)["legal_area"]) == 100.0


def test_changing_the_legal_area_alone_is_refused_when_land_uses_no_longer_sum(
    register, parcel_45
) -> None:
    expect_refusal(register, lambda cur: qgis_update(cur, parcel_45, "legal_area = 120", []),
                   REF_45, "legal area")


# Communes ----------------------------------------------------------------------------------


def test_a_parcel_in_an_unknown_commune_is_refused(register, parcel_45) -> None:
    for action in (
        lambda cur: op_register(cur, 47, "ST_GeomFromText(%s, 5897)", [square(20, 0, 10)],
                                commune="09999"),
        lambda cur: qgis_insert(cur, 47, "ST_Multi(ST_GeomFromText(%s, 5897))",
                                [square(20, 0, 10)], commune="09999"),
        lambda cur: qgis_insert(cur, 47, "ST_Multi(ST_GeomFromText(%s, 5897))",
                                [square(20, 0, 10)], commune="01"),
    ):
        expect_refusal(register, action, "unknown commune code")
    expect_refusal(register, lambda cur: qgis_update(cur, parcel_45, "commune_code = '09999'", []),
                   "09999/12/45", "unknown commune code 09999")


def test_a_parcel_in_a_retired_commune_is_refused(register, parcel_45) -> None:
    other, _ = first_registration(register, "2012-03-02", 3, square(100, 0, 10),
                                  commune=OTHER_COMMUNE, sheet="5")
    with change(register, "2025-07-01") as cur:
        dossier = open_dossier(cur, "commune_reassignment", "2025-06-16")
        approve(cur, dossier, "2025-07-01")
        communes.reassign_commune(cur, dossier_id=dossier, old_code=COMMUNE,
                                  new_code=OTHER_COMMUNE, effective="2025-07-01",
                                  sheet_prefix="HK-")

    after = "2025-08-01"
    for action in (
        lambda cur: op_register(cur, 47, "ST_GeomFromText(%s, 5897)", [square(20, 0, 10)]),
        lambda cur: qgis_insert(cur, 47, "ST_Multi(ST_GeomFromText(%s, 5897))",
                                [square(20, 0, 10)]),
        lambda cur: qgis_update(cur, other, "commune_code = %s", [COMMUNE]),
    ):
        expect_refusal(register, action, COMMUNE, "not in force", OTHER_COMMUNE, at=after)
