"""The register's operations, called as clients call them, against the real PostGIS.

Each change is its own transaction recorded at a register clock that moves forward; the tests
assert what the register holds afterwards (rows, areas, holders, dates), not how it got there.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest

from cadastre.register.binding import communes, dossiers, parcels
from tests.db.register_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    SHEET,
    add_party,
    approve,
    approved_dossier,
    change,
    change_land_use,
    correct_boundary,
    cur_scalar,
    current_holders,
    first_registration,
    holders,
    issue_certificate,
    land_uses,
    merge,
    message,
    new_parties,
    open_dossier,
    open_rights,
    parcel,
    parcel_as_of,
    parcel_as_of_identity,
    rect,
    refused,
    register_parcel,
    register_state,
    register_to,
    release,
    restrict,
    row,
    rows,
    scalar,
    split,
    square,
    transfer,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# First registration ---------------------------------------------------------------------------


def test_first_registration_records_the_parcel_and_its_right_with_the_holders(register) -> None:
    with change(register, "2012-03-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-01",
                                   received_on="2012-02-10")
        husband = add_party(cur, "Nguyễn Văn An", id_number="001080012345")
        wife = add_party(cur, "Trần Thị Bình", id_number="001185054321")
        parcel_id = register_parcel(
            cur, dossier, 45, square(0, 0, 10), holders((husband, "1/2"), (wife, "1/2")),
            uses=land_uses(("ODT", 60.0), ("CLN", 40.0)), address="12 Hàng Bạc",
        )

    registered = parcel(register, parcel_id)
    assert registered["ref"] == f"{COMMUNE}/{SHEET}/45"
    assert registered["status"] == "current"
    assert registered["version"] == 1
    assert registered["dossier_id"] == dossier
    assert float(registered["legal_area"]) == 100.0
    assert registered["area"] == pytest.approx(100.0)
    assert [(u["code"], u["area"]) for u in registered["land_uses"]] == [
        ("ODT", 60.0), ("CLN", 40.0)]
    assert registered["address"] == "12 Hàng Bạc"
    assert scalar(register, "SELECT ST_SRID(geom) FROM cadastre.parcel WHERE id = %s",
                  (parcel_id,)) == 5897
    assert scalar(register, "SELECT GeometryType(geom) FROM cadastre.parcel WHERE id = %s",
                  (parcel_id,)) == "MULTIPOLYGON"

    (right,) = open_rights(register, parcel_id)
    assert right["kind"] == "land_use_right"
    assert right["valid_from"] == d("2012-03-01")
    assert right["valid_until"] is None
    assert right["dossier_id"] == dossier
    assert current_holders(register, parcel_id) == {"Nguyễn Văn An": "1/2", "Trần Thị Bình": "1/2"}


def test_first_registration_stores_a_legal_area_other_than_the_measured_one(register) -> None:
    with change(register, "2012-03-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-01")
        owner = add_party(cur, "Lê Thị Cúc")
        parcel_id = register_parcel(cur, dossier, 7, square(0, 0, 10), holders((owner, "1")),
                                    uses=land_uses(("ODT", 99.6)), legal_area=99.6)
    registered = parcel(register, parcel_id)
    assert float(registered["legal_area"]) == 99.6
    assert registered["area"] == pytest.approx(100.0)


def test_first_registration_reprojects_a_wgs84_geometry_into_the_register_crs(register) -> None:
    with change(register, "2012-03-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-01")
        owner = add_party(cur, "Lê Thị Cúc")
        wgs84 = cur_scalar(cur, "SELECT ST_AsText(ST_Transform(ST_GeomFromText(%s, 5897), 4326))",
                           (square(0, 0, 10),))
        parcel_id = parcels.register_parcel(
            cur, dossier_id=dossier, commune=COMMUNE, sheet=SHEET, number=8,
            geom=f"SRID=4326;{wgs84}", legal_area=None, land_uses=land_uses(("ODT", 100.0)),
            holders=holders((owner, "1")),
        )
    registered = parcel(register, parcel_id)
    assert scalar(register, "SELECT ST_SRID(geom) FROM cadastre.parcel WHERE id = %s",
                  (parcel_id,)) == 5897
    assert registered["area"] == pytest.approx(100.0, abs=0.01)
    assert float(registered["legal_area"]) == 100.0


def test_a_parcel_registered_without_holders_has_no_right(register) -> None:
    with change(register, "2012-03-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-01")
        parcel_id = register_parcel(cur, dossier, 9, square(0, 0, 10), None)
    assert parcel(register, parcel_id)["status"] == "current"
    assert open_rights(register, parcel_id) == []


# Boundary re-survey / correction ----------------------------------------------------------------


def test_boundary_correction_makes_a_new_version_keeps_the_old_and_rescales_land_uses(
    register,
) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10),
                                      uses=land_uses(("ODT", 60.0), ("CLN", 40.0)))
    with change(register, "2015-06-01") as cur:
        dossier = approved_dossier(cur, "resurvey", "2015-06-01")
        version = correct_boundary(cur, dossier, parcel_id, rect(0, 0, 10, 12),
                                   expected_version=1)

    assert version == 2
    now = parcel(register, parcel_id)
    assert now["version"] == 2
    assert now["dossier_id"] == dossier
    assert now["area"] == pytest.approx(120.0)
    assert float(now["legal_area"]) == 120.0
    assert [(u["code"], u["area"]) for u in now["land_uses"]] == [("ODT", 72.0), ("CLN", 48.0)]

    history = rows(register, "SELECT version, legal_area, ST_Area(geom) AS area, "
                   "upper(sys_period) AS until FROM cadastre.parcel_history WHERE id = %s",
                   (parcel_id,))
    assert len(history) == 1
    assert history[0]["version"] == 1
    assert float(history[0]["legal_area"]) == 100.0
    assert history[0]["area"] == pytest.approx(100.0)
    assert history[0]["until"] == scalar(register, "SELECT '2015-06-01'::timestamptz")
    (before,) = parcel_as_of(register, parcel_id, "2014-01-01")
    assert before["version"] == 1
    assert [(u["code"], u["area"]) for u in before["land_uses"]] == [("ODT", 60.0), ("CLN", 40.0)]
    # The right is untouched by a re-survey.
    assert current_holders(register, parcel_id) == {"Nguyễn Văn An": "1/1"}


def test_boundary_correction_with_a_stated_legal_area_rescales_to_that_area(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10),
                                      uses=land_uses(("ODT", 50.0), ("CLN", 30.0),
                                                     ("BHK", 20.0)))
    with change(register, "2015-06-01") as cur:
        dossier = approved_dossier(cur, "resurvey", "2015-06-01")
        correct_boundary(cur, dossier, parcel_id, rect(0, 0, 10, 10.5), legal_area=104.9)
    now = parcel(register, parcel_id)
    assert float(now["legal_area"]) == 104.9
    areas = [u["area"] for u in now["land_uses"]]
    assert sum(areas) == pytest.approx(104.9)
    # Each purpose keeps its share of the new area, to the recorded tenth of a m².
    for area, share in zip(areas, (0.5, 0.3, 0.2), strict=True):
        assert area == pytest.approx(104.9 * share, abs=0.1)


def test_boundary_correction_on_a_stale_version_is_refused_naming_the_last_change(
    register,
) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2015-06-01") as cur:
        dossier = approved_dossier(cur, "resurvey", "2015-06-01", number="HS-2015-001",
                                   officer="Phạm Thu Hà")
        correct_boundary(cur, dossier, parcel_id, rect(0, 0, 10, 11))
    before = register_state(register)

    def stale(cur):
        later = approved_dossier(cur, "resurvey", "2015-07-01")
        correct_boundary(cur, later, parcel_id, rect(0, 0, 10, 12), expected_version=1)

    error = refused(register, "2015-07-01", stale)
    text = message(error)
    assert f"{COMMUNE}/{SHEET}/45" in text
    assert "HS-2015-001" in text and "Phạm Thu Hà" in text
    assert register_state(register) == before


# Split ----------------------------------------------------------------------------------------


def test_split_partitions_the_parent_and_carries_rights_and_restrictions_to_every_child(
    register,
) -> None:
    parent_id, _ = first_registration(
        register, "2012-03-01", 45, rect(0, 0, 20, 10),
        holder_names=(("Nguyễn Văn An", "1/2"), ("Trần Thị Bình", "1/2")))
    with change(register, "2013-04-01") as cur:
        bank = add_party(cur, "Ngân hàng TMCP Ngoại thương", kind="organisation")
        dossier = approved_dossier(cur, "mortgage", "2013-04-01")
        restrict(cur, dossier, parent_id, "mortgage", bank, 2_000_000_000)
        cert_dossier = approved_dossier(cur, "certificate_reissue", "2013-04-01")
        issue_certificate(cur, cert_dossier, "AB123456", [parent_id])

    with change(register, "2020-05-04") as cur:
        dossier = approved_dossier(cur, "split", "2020-05-04")
        children = split(cur, dossier, parent_id, [rect(0, 0, 12, 10), rect(12, 0, 20, 10)],
                         [101, 102])

    assert len(children) == 2
    parent = parcel(register, parent_id)
    assert parent["status"] == "retired"
    geometry = row(
        register,
        "SELECT ST_Area(ST_SymDifference(ST_Union(c.geom), p.geom)) AS mismatch, "
        "sum(ST_Area(c.geom)) AS total FROM cadastre.parcel AS c, cadastre.parcel AS p "
        "WHERE c.id = ANY(%s) AND p.id = %s GROUP BY p.geom",
        (children, parent_id),
    )
    assert geometry["mismatch"] < 1e-6
    assert geometry["total"] == pytest.approx(parent["area"])
    assert scalar(register, "SELECT ST_Area(ST_Intersection(a.geom, b.geom)) "
                  "FROM cadastre.parcel AS a, cadastre.parcel AS b WHERE a.id = %s AND b.id = %s",
                  tuple(children)) < 1e-9
    first, second = (parcel(register, child) for child in children)
    assert (first["ref"], second["ref"]) == (f"{COMMUNE}/{SHEET}/101", f"{COMMUNE}/{SHEET}/102")
    assert float(first["legal_area"]) + float(second["legal_area"]) == float(
        parent["legal_area"])
    assert [(u["code"], u["area"]) for u in first["land_uses"]] == [("ODT", 120.0)]
    assert [(u["code"], u["area"]) for u in second["land_uses"]] == [("ODT", 80.0)]

    # The parent's rights and restrictions ended on the split date …
    ended = rows(register, "SELECT kind, upper(valid) AS until FROM cadastre.rrr "
                 "WHERE parcel_id = %s ORDER BY kind", (parent_id,))
    assert ended == [{"kind": "land_use_right", "until": d("2020-05-04")},
                     {"kind": "mortgage", "until": d("2020-05-04")}]
    # … and every child has the same right (holders, shares) and the same mortgage.
    for child in children:
        carried = open_rights(register, child)
        assert sorted(r["kind"] for r in carried) == ["land_use_right", "mortgage"]
        assert all(r["valid_from"] == d("2020-05-04") for r in carried)
        (mortgage,) = [r for r in carried if r["kind"] == "mortgage"]
        assert mortgage["creditor_id"] == bank
        assert int(mortgage["amount"]) == 2_000_000_000
        assert current_holders(register, child) == {"Nguyễn Văn An": "1/2",
                                                    "Trần Thị Bình": "1/2"}

    lineage = rows(register, "SELECT parent_id, child_id, kind, dossier_id "
                   "FROM cadastre.parcel_lineage ORDER BY child_id")
    assert lineage == [{"parent_id": parent_id, "child_id": child, "kind": "split",
                        "dossier_id": dossier} for child in children]
    certificate = row(register, "SELECT cancelled_on FROM cadastre.certificate "
                      "WHERE serial = 'AB123456'")
    assert certificate["cancelled_on"] == d("2020-05-04")


def test_a_split_child_may_take_the_parents_number(register) -> None:
    parent_id, _ = first_registration(register, "2012-03-01", 45, rect(0, 0, 20, 10))
    with change(register, "2020-05-04") as cur:
        dossier = approved_dossier(cur, "split", "2020-05-04")
        children = split(cur, dossier, parent_id, [rect(0, 0, 10, 10), rect(10, 0, 20, 10)],
                         [45, 46])
    assert parcel(register, children[0])["ref"] == f"{COMMUNE}/{SHEET}/45"
    assert parcel(register, parent_id)["status"] == "retired"


def test_split_whose_children_leave_a_gap_is_refused_and_changes_nothing(register) -> None:
    parent_id, _ = first_registration(register, "2012-03-01", 45, rect(0, 0, 20, 10))
    before = register_state(register)

    def gap(cur):
        dossier = approved_dossier(cur, "split", "2020-05-04")
        split(cur, dossier, parent_id, [rect(0, 0, 9, 10), rect(10, 0, 20, 10)], [101, 102])

    error = refused(register, "2020-05-04", gap)
    text = message(error)
    assert f"{COMMUNE}/{SHEET}/45" in text
    assert "partition" in text
    assert register_state(register) == before


def test_split_into_one_child_is_refused(register) -> None:
    parent_id, _ = first_registration(register, "2012-03-01", 45, rect(0, 0, 20, 10))

    def single(cur):
        dossier = approved_dossier(cur, "split", "2020-05-04")
        split(cur, dossier, parent_id, [rect(0, 0, 20, 10)], [101])

    assert "at least two" in message(refused(register, "2020-05-04", single))


# Merge ----------------------------------------------------------------------------------------


def test_merge_of_adjacent_parcels_of_the_same_holders_unites_them(register) -> None:
    an, binh = new_parties(register, "2012-03-01", "Nguyễn Văn An", "Trần Thị Bình")
    pairs = [(an, "1/2"), (binh, "1/2")]
    left = register_to(register, "2012-03-02", 45, square(0, 0, 10), pairs,
                       uses=land_uses(("ODT", 100.0)))
    right = register_to(register, "2012-03-03", 46, rect(10, 0, 20, 10), pairs,
                        uses=land_uses(("ODT", 60.0), ("CLN", 40.0)))
    with change(register, "2021-02-01") as cur:
        dossier = approved_dossier(cur, "merge", "2021-02-01")
        merged = merge(cur, dossier, [left, right], 200)

    result = parcel(register, merged)
    assert result["ref"] == f"{COMMUNE}/{SHEET}/200"
    assert result["status"] == "current"
    assert float(result["legal_area"]) == 200.0
    assert sorted((u["code"], u["area"]) for u in result["land_uses"]) == [
        ("CLN", 40.0), ("ODT", 160.0)]
    assert scalar(
        register,
        "SELECT ST_Area(ST_SymDifference(m.geom, ST_Union(p.geom))) FROM cadastre.parcel AS m, "
        "cadastre.parcel AS p WHERE m.id = %s AND p.id = ANY(%s) GROUP BY m.geom",
        (merged, [left, right]),
    ) < 1e-6
    assert scalar(register, "SELECT ST_NumGeometries(geom) FROM cadastre.parcel WHERE id = %s",
                  (merged,)) == 1
    assert parcel(register, left)["status"] == "retired"
    assert parcel(register, right)["status"] == "retired"
    assert current_holders(register, merged) == {"Nguyễn Văn An": "1/2", "Trần Thị Bình": "1/2"}
    assert [r["kind"] for r in open_rights(register, merged)] == ["land_use_right"]
    assert open_rights(register, left) == [] and open_rights(register, right) == []
    lineage = rows(register, "SELECT parent_id, child_id, kind FROM cadastre.parcel_lineage "
                   "ORDER BY parent_id")
    assert lineage == [{"parent_id": left, "child_id": merged, "kind": "merge"},
                       {"parent_id": right, "child_id": merged, "kind": "merge"}]


def test_merge_carries_the_restrictions_of_every_parent(register) -> None:
    (an,) = new_parties(register, "2012-03-01", "Nguyễn Văn An")
    left = register_to(register, "2012-03-02", 45, square(0, 0, 10), [(an, "1")])
    right = register_to(register, "2012-03-03", 46, rect(10, 0, 20, 10), [(an, "1")])
    with change(register, "2017-01-01") as cur:
        bank = add_party(cur, "Ngân hàng Nông nghiệp", kind="organisation")
        dossier = approved_dossier(cur, "mortgage", "2017-01-01")
        restrict(cur, dossier, right, "mortgage", bank, 500_000_000)
    with change(register, "2021-02-01") as cur:
        dossier = approved_dossier(cur, "merge", "2021-02-01")
        merged = merge(cur, dossier, [left, right], 200)
    kinds = {r["kind"]: r for r in open_rights(register, merged)}
    assert set(kinds) == {"land_use_right", "mortgage"}
    assert kinds["mortgage"]["creditor_id"] == bank


def test_merge_of_parcels_that_do_not_touch_is_refused(register) -> None:
    (an,) = new_parties(register, "2012-03-01", "Nguyễn Văn An")
    left = register_to(register, "2012-03-02", 45, square(0, 0, 10), [(an, "1")])
    far = register_to(register, "2012-03-03", 46, square(30, 0, 10), [(an, "1")])
    corner = register_to(register, "2012-03-04", 47, square(10, 10, 10), [(an, "1")])
    before = register_state(register)

    for other in (far, corner):
        def apart(cur, other=other):
            dossier = approved_dossier(cur, "merge", "2021-02-01")
            merge(cur, dossier, [left, other], 200)

        text = message(refused(register, "2021-02-01", apart))
        assert "not adjacent" in text
        assert f"{COMMUNE}/{SHEET}/45" in text
    assert register_state(register) == before


def test_merge_of_parcels_with_different_holders_is_refused(register) -> None:
    an, binh = new_parties(register, "2012-03-01", "Nguyễn Văn An", "Trần Thị Bình")
    left = register_to(register, "2012-03-02", 45, square(0, 0, 10), [(an, "1")])
    right = register_to(register, "2012-03-03", 46, rect(10, 0, 20, 10), [(binh, "1")])
    shared = register_to(register, "2012-03-04", 47, rect(0, 10, 10, 20),
                         [(an, "1/2"), (binh, "1/2")])
    before = register_state(register)
    for other in (right, shared):
        def different(cur, other=other):
            dossier = approved_dossier(cur, "merge", "2021-02-01")
            merge(cur, dossier, [left, other], 200)

        text = message(refused(register, "2021-02-01", different))
        assert "different holders" in text
    assert register_state(register) == before


def test_merge_treats_equal_shares_written_differently_as_the_same_holders(register) -> None:
    an, binh = new_parties(register, "2012-03-01", "Nguyễn Văn An", "Trần Thị Bình")
    left = register_to(register, "2012-03-02", 45, square(0, 0, 10), [(an, "1/2"), (binh, "1/2")])
    right = register_to(register, "2012-03-03", 46, rect(10, 0, 20, 10),
                        [(an, "2/4"), (binh, "2/4")])
    with change(register, "2021-02-01") as cur:
        merged = merge(cur, approved_dossier(cur, "merge", "2021-02-01"), [left, right], 200)
    assert float(parcel(register, merged)["legal_area"]) == 200.0
    shares = {name: Fraction(share)
              for name, share in current_holders(register, merged).items()}
    assert shares == {"Nguyễn Văn An": Fraction(1, 2), "Trần Thị Bình": Fraction(1, 2)}


def test_merge_keeps_the_exact_union_when_corners_are_offset_by_less_than_the_merge_gap(
    register,
) -> None:
    # The parcels share a 10 m edge; the eastern one's corners sit 0.5 mm north of the western
    # one's. Their union is one polygon: nothing needs snapping, no vertex may move.
    (an,) = new_parties(register, "2012-03-01", "Nguyễn Văn An")
    left = register_to(register, "2012-03-02", 45, square(0, 0, 10), [(an, "1")])
    right = register_to(register, "2012-03-03", 46, rect(10, 0.0005, 20, 10.0005), [(an, "1")])
    with change(register, "2021-02-01") as cur:
        merged = merge(cur, approved_dossier(cur, "merge", "2021-02-01"), [left, right], 200)
    assert scalar(
        register,
        "SELECT ST_Area(ST_SymDifference(m.geom, ST_Union(p.geom))) FROM cadastre.parcel AS m, "
        "cadastre.parcel AS p WHERE m.id = %s AND p.id = ANY(%s) GROUP BY m.geom",
        (merged, [left, right]),
    ) < 1e-6


# Transfers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sale", "gift", "inheritance"])
def test_transfer_ends_the_old_right_on_the_effective_date_and_gives_the_new_holders_theirs(
    register, kind: str
) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2016-08-15") as cur:
        dossier = approved_dossier(cur, kind, "2016-08-15")
        heirs = [add_party(cur, name) for name in ("Nguyễn Văn Cường", "Nguyễn Thị Dung",
                                                     "Nguyễn Văn Em")]
        new_right = transfer(cur, dossier, parcel_id,
                             holders((heirs[0], "1/3"), (heirs[1], "1/3"), (heirs[2], "1/3")),
                             effective="2016-08-01")

    old, new = rows(register, "SELECT id, lower(valid) AS since, upper(valid) AS until, "
                    "ended_by_dossier FROM cadastre.rrr WHERE parcel_id = %s ORDER BY id",
                    (parcel_id,))
    assert old["until"] == d("2016-08-01")
    assert old["ended_by_dossier"] == dossier
    assert new["id"] == new_right
    assert new["since"] == d("2016-08-01") and new["until"] is None
    assert current_holders(register, parcel_id) == {
        "Nguyễn Văn Cường": "1/3", "Nguyễn Thị Dung": "1/3", "Nguyễn Văn Em": "1/3"}
    assert parcel(register, parcel_id)["version"] == 1


def test_sale_takes_effect_on_the_decision_date_by_default(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2014-05-20") as cur:
        dossier = approved_dossier(cur, "sale", "2014-05-20", received_on="2014-05-02")
        buyer = add_party(cur, "Phạm Văn Bình")
        transfer(cur, dossier, parcel_id, holders((buyer, "1")))
    (right,) = open_rights(register, parcel_id)
    assert right["valid_from"] == d("2014-05-20")
    assert current_holders(register, parcel_id) == {"Phạm Văn Bình": "1/1"}


@pytest.mark.parametrize("restriction", ["seizure", "dispute"])
def test_transfer_of_a_seized_or_disputed_parcel_is_refused_until_released(
    register, restriction: str
) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2015-01-10") as cur:
        court = add_party(cur, "Tòa án nhân dân quận Hoàn Kiếm", kind="organisation")
        dossier = approved_dossier(cur, "restriction", "2015-01-10")
        blocker = restrict(cur, dossier, parcel_id, restriction, court)
    before = register_state(register)

    def sell(cur):
        dossier = approved_dossier(cur, "sale", "2015-03-01")
        buyer = add_party(cur, "Phạm Văn Bình")
        transfer(cur, dossier, parcel_id, holders((buyer, "1")))

    text = message(refused(register, "2015-03-01", sell))
    assert f"{COMMUNE}/{SHEET}/45" in text
    assert restriction in text
    assert register_state(register) == before

    with change(register, "2015-06-01") as cur:
        release(cur, approved_dossier(cur, "restriction_release", "2015-06-01"), blocker)
    with change(register, "2015-07-01") as cur:
        sell(cur)
    assert current_holders(register, parcel_id) == {"Phạm Văn Bình": "1/1"}


def test_transfer_under_a_dossier_of_another_kind_is_refused(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))

    def wrong(cur):
        dossier = approved_dossier(cur, "mortgage", "2015-03-01", number="TC-01")
        buyer = add_party(cur, "Phạm Văn Bình")
        transfer(cur, dossier, parcel_id, holders((buyer, "1")))

    assert "not a transfer" in message(refused(register, "2015-03-01", wrong))


def test_transfer_of_a_parcel_without_a_right_is_refused(register) -> None:
    with change(register, "2012-03-01") as cur:
        parcel_id = register_parcel(
            cur, approved_dossier(cur, "first_registration", "2012-03-01"), 45,
            square(0, 0, 10), None)

    def sell(cur):
        dossier = approved_dossier(cur, "sale", "2015-03-01")
        transfer(cur, dossier, parcel_id, holders((add_party(cur, "Phạm Văn Bình"), "1")))

    assert "no land-use right" in message(refused(register, "2015-03-01", sell))


# Restrictions -------------------------------------------------------------------------------


def test_mortgage_is_registered_with_its_creditor_and_released(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2017-03-01") as cur:
        bank = add_party(cur, "Ngân hàng TMCP Công thương", kind="organisation")
        dossier = approved_dossier(cur, "mortgage", "2017-03-01")
        mortgage = restrict(cur, dossier, parcel_id, "mortgage", bank, 1_500_000_000)
    kinds = {r["kind"]: r for r in open_rights(register, parcel_id)}
    assert kinds["mortgage"]["creditor_id"] == bank
    assert int(kinds["mortgage"]["amount"]) == 1_500_000_000
    assert kinds["mortgage"]["valid_from"] == d("2017-03-01")

    with change(register, "2019-09-09") as cur:
        release_dossier = approved_dossier(cur, "mortgage_release", "2019-09-09")
        release(cur, release_dossier, mortgage)
    ended = row(register, "SELECT upper(valid) AS until, ended_by_dossier FROM cadastre.rrr "
                "WHERE id = %s", (mortgage,))
    assert ended == {"until": d("2019-09-09"), "ended_by_dossier": release_dossier}
    assert [r["kind"] for r in open_rights(register, parcel_id)] == ["land_use_right"]


def test_mortgage_without_creditor_or_without_a_right_is_refused(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2012-03-02") as cur:
        bare = register_parcel(
            cur, approved_dossier(cur, "first_registration", "2012-03-02"), 46,
            rect(10, 0, 20, 10), None)
    before = register_state(register)

    def no_creditor(cur):
        restrict(cur, approved_dossier(cur, "mortgage", "2017-03-01"), parcel_id, "mortgage")

    def no_right(cur):
        bank = add_party(cur, "Ngân hàng", kind="organisation")
        restrict(cur, approved_dossier(cur, "mortgage", "2017-03-01"), bare, "mortgage", bank)

    assert "creditor" in message(refused(register, "2017-03-01", no_creditor))
    text = message(refused(register, "2017-03-01", no_right))
    assert "no land-use right" in text and f"{COMMUNE}/{SHEET}/46" in text
    assert register_state(register) == before


def test_a_right_cannot_be_ended_by_a_restriction_release(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    (right,) = open_rights(register, parcel_id)

    def release_right(cur):
        release(cur, approved_dossier(cur, "restriction_release", "2017-03-01"), right["id"])

    assert "not a restriction" in message(refused(register, "2017-03-01", release_right))
    assert [r["kind"] for r in open_rights(register, parcel_id)] == ["land_use_right"]


@pytest.mark.parametrize("kind", ["seizure", "dispute", "planning_reservation"])
def test_restriction_is_registered_and_ended(register, kind: str) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2018-01-15") as cur:
        authority = add_party(cur, "UBND quận Hoàn Kiếm", kind="state")
        dossier = approved_dossier(cur, "restriction", "2018-01-15")
        restriction = restrict(cur, dossier, parcel_id, kind, authority,
                               note="Quyết định số 123/QĐ-UBND")
    assert sorted(r["kind"] for r in open_rights(register, parcel_id)) == sorted(
        ["land_use_right", kind])
    with change(register, "2019-02-20") as cur:
        end = approved_dossier(cur, "restriction_release", "2019-02-20")
        release(cur, end, restriction)
    assert row(register, "SELECT lower(valid) AS since, upper(valid) AS until, "
               "ended_by_dossier FROM cadastre.rrr WHERE id = %s", (restriction,)) == {
        "since": d("2018-01-15"), "until": d("2019-02-20"), "ended_by_dossier": end}
    assert [r["kind"] for r in open_rights(register, parcel_id)] == ["land_use_right"]


def test_releasing_a_restriction_twice_is_refused(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2018-01-15") as cur:
        dispute = restrict(cur, approved_dossier(cur, "restriction", "2018-01-15"), parcel_id,
                           "dispute")
    with change(register, "2019-02-20") as cur:
        release(cur, approved_dossier(cur, "restriction_release", "2019-02-20"), dispute)

    def again(cur):
        release(cur, approved_dossier(cur, "restriction_release", "2019-03-20"), dispute)

    assert "already ended" in message(refused(register, "2019-03-20", again))


# Land use, acquisition ------------------------------------------------------------------------


def test_change_of_land_use_purpose_makes_a_new_version(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10),
                                      uses=land_uses(("CLN", 100.0)))
    with change(register, "2018-04-01") as cur:
        dossier = approved_dossier(cur, "land_use_change", "2018-04-01")
        version = change_land_use(cur, dossier, parcel_id,
                                  land_uses(("ODT", 70.0), ("CLN", 30.0)), expected_version=1)
    assert version == 2
    now = parcel(register, parcel_id)
    assert [(u["code"], u["area"]) for u in now["land_uses"]] == [("ODT", 70.0), ("CLN", 30.0)]
    assert now["dossier_id"] == dossier
    (before,) = parcel_as_of(register, parcel_id, "2015-01-01")
    assert [(u["code"], u["area"]) for u in before["land_uses"]] == [("CLN", 100.0)]


def test_state_acquisition_retires_the_parcel_and_ends_its_rights(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2013-01-01") as cur:
        bank = add_party(cur, "Ngân hàng", kind="organisation")
        mortgage = restrict(cur, approved_dossier(cur, "mortgage", "2013-01-01"), parcel_id,
                            "mortgage", bank)
        issue_certificate(cur, approved_dossier(cur, "certificate_reissue", "2013-01-01"),
                          "CD654321", [parcel_id])
    with change(register, "2022-11-30") as cur:
        dossier = approved_dossier(cur, "acquisition", "2022-11-30")
        parcels.acquire_parcel(cur, dossier_id=dossier, parcel_id=parcel_id)

    assert parcel(register, parcel_id)["status"] == "retired"
    assert open_rights(register, parcel_id) == []
    ended = rows(register, "SELECT id, upper(valid) AS until, ended_by_dossier FROM cadastre.rrr "
                 "WHERE parcel_id = %s ORDER BY id", (parcel_id,))
    assert [e["until"] for e in ended] == [d("2022-11-30")] * 2
    assert all(e["ended_by_dossier"] == dossier for e in ended)
    assert mortgage in [e["id"] for e in ended]
    assert scalar(register, "SELECT cancelled_on FROM cadastre.certificate "
                  "WHERE serial = 'CD654321'") == d("2022-11-30")
    # The identity is free again, and the parcel is no longer found under it today.
    assert parcel_as_of_identity(register, COMMUNE, SHEET, 45, "2023-01-01") == []
    assert len(parcel_as_of_identity(register, COMMUNE, SHEET, 45, "2020-01-01")) == 1


def test_acquisition_under_another_dossier_kind_is_refused(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))

    def wrong(cur):
        dossier = approved_dossier(cur, "sale", "2022-11-30")
        parcels.acquire_parcel(cur, dossier_id=dossier, parcel_id=parcel_id)

    assert "not an acquisition" in message(refused(register, "2022-11-30", wrong))
    assert parcel(register, parcel_id)["status"] == "current"


# Certificates --------------------------------------------------------------------------------


def test_certificate_is_issued_for_the_parcel_and_its_holders(register) -> None:
    parcel_id, (an, binh) = first_registration(
        register, "2012-03-01", 45, square(0, 0, 10),
        holder_names=(("Nguyễn Văn An", "1/2"), ("Trần Thị Bình", "1/2")))
    with change(register, "2012-04-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-04-01")
        certificate = issue_certificate(cur, dossier, "BK000123", [parcel_id],
                                        book_number="CH-00045")
    issued = row(register, "SELECT serial, book_number, issued_on, cancelled_on, replaced_by, "
                 "dossier_id FROM cadastre.certificate WHERE id = %s", (certificate,))
    assert issued == {"serial": "BK000123", "book_number": "CH-00045",
                      "issued_on": d("2012-04-01"), "cancelled_on": None, "replaced_by": None,
                      "dossier_id": dossier}
    assert scalar(register, "SELECT array_agg(parcel_id) FROM cadastre.certificate_parcel "
                  "WHERE certificate_id = %s", (certificate,)) == [parcel_id]
    assert sorted(scalar(register, "SELECT array_agg(party_id) FROM cadastre.certificate_holder "
                         "WHERE certificate_id = %s", (certificate,))) == sorted([an, binh])


def test_certificate_reissue_cancels_the_old_one_and_points_it_to_the_new(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2012-04-01") as cur:
        old = issue_certificate(cur, approved_dossier(cur, "first_registration", "2012-04-01"),
                                "BK000123", [parcel_id])
    with change(register, "2019-10-10") as cur:
        dossier = approved_dossier(cur, "certificate_reissue", "2019-10-10")
        new = issue_certificate(cur, dossier, "CS987654", [parcel_id], replaces="BK000123")
    assert row(register, "SELECT cancelled_on, replaced_by FROM cadastre.certificate "
               "WHERE id = %s", (old,)) == {"cancelled_on": d("2019-10-10"), "replaced_by": new}
    assert row(register, "SELECT cancelled_on, replaced_by, issued_on FROM cadastre.certificate "
               "WHERE id = %s", (new,)) == {"cancelled_on": None, "replaced_by": None,
                                            "issued_on": d("2019-10-10")}
    # The certificate as first issued is kept in history.
    assert rows(register, "SELECT cancelled_on FROM cadastre.certificate_history WHERE id = %s",
                (old,)) == [{"cancelled_on": None}]


def test_certificate_is_cancelled_once(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2012-04-01") as cur:
        issue_certificate(cur, approved_dossier(cur, "first_registration", "2012-04-01"),
                          "BK000123", [parcel_id])
    with change(register, "2019-10-10") as cur:
        dossier = approved_dossier(cur, "certificate_reissue", "2019-10-10")
        cur.execute("SELECT cadastre.cancel_certificate(%s, 'BK000123')", (dossier,))
    assert scalar(register, "SELECT cancelled_on FROM cadastre.certificate "
                  "WHERE serial = 'BK000123'") == d("2019-10-10")

    def again(cur):
        dossier = approved_dossier(cur, "certificate_reissue", "2019-11-10")
        cur.execute("SELECT cadastre.cancel_certificate(%s, 'BK000123')", (dossier,))

    assert "already cancelled" in message(refused(register, "2019-11-10", again))


def test_certificate_for_parcels_of_different_holders_or_with_a_bad_serial_is_refused(
    register,
) -> None:
    first, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    second, _ = first_registration(register, "2012-03-02", 46, rect(10, 0, 20, 10),
                                   holder_names=(("Trần Thị Bình", "1"),))
    before = register_state(register)

    def mixed(cur):
        issue_certificate(cur, approved_dossier(cur, "certificate_reissue", "2012-04-01"),
                          "BK000123", [first, second])

    def bad_serial(cur):
        issue_certificate(cur, approved_dossier(cur, "certificate_reissue", "2012-04-01"),
                          "B-12", [first])

    assert "different holders" in message(refused(register, "2012-04-01", mixed))
    assert "serial" in message(refused(register, "2012-04-01", bad_serial))
    assert register_state(register) == before


# Commune reassignment ----------------------------------------------------------------------------


def test_commune_reassignment_moves_parcels_and_keeps_their_old_identity_and_history(
    register,
) -> None:
    moved, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    neighbour, _ = first_registration(register, "2012-03-02", 46, rect(10, 0, 20, 10),
                                      holder_names=(("Trần Thị Bình", "1"),))
    elsewhere, _ = first_registration(register, "2012-03-03", 3, square(100, 0, 10),
                                      commune=OTHER_COMMUNE, sheet="5")
    with change(register, "2025-07-01") as cur:
        dossier = open_dossier(cur, "commune_reassignment", "2025-06-16",
                               number="NQ-1656/2025")
        approve(cur, dossier, "2025-07-01")
        count = communes.reassign_commune(
            cur, dossier_id=dossier, old_code=COMMUNE, new_code=OTHER_COMMUNE,
            effective="2025-07-01", sheet_prefix="HK-",
        )

    assert count == 2
    now = parcel(register, moved)
    assert now["ref"] == f"{OTHER_COMMUNE}/HK-12/45"
    assert now["old_identifiers"] == [{"commune_code": COMMUNE, "sheet_number": SHEET,
                                       "parcel_number": 45, "until": "2025-07-01"}]
    assert parcel(register, neighbour)["ref"] == f"{OTHER_COMMUNE}/HK-12/46"
    assert parcel(register, elsewhere)["ref"] == f"{OTHER_COMMUNE}/5/3"
    assert parcel(register, elsewhere)["old_identifiers"] == []

    unit = row(register, "SELECT upper(valid) AS until, replaced_by FROM cadastre.admin_unit "
               "WHERE code = %s", (COMMUNE,))
    assert unit == {"until": d("2025-07-01"), "replaced_by": OTHER_COMMUNE}

    # History is intact: the earlier version still bears the old identity …
    (before,) = parcel_as_of(register, moved, "2020-01-01")
    assert (before["commune_code"], before["sheet_number"]) == (COMMUNE, SHEET)
    # … the old identity still finds the parcel in the past, the new one today.
    (old_identity,) = parcel_as_of_identity(register, COMMUNE, SHEET, 45, "2020-01-01")
    assert old_identity["id"] == moved
    assert parcel_as_of_identity(register, COMMUNE, SHEET, 45, "2025-08-01") == []
    (new_identity,) = parcel_as_of_identity(register, OTHER_COMMUNE, "HK-12", 45, "2025-08-01")
    assert new_identity["id"] == moved
    assert parcel_as_of_identity(register, OTHER_COMMUNE, "HK-12", 45, "2020-01-01") == []
    # The rights did not move or change.
    assert current_holders(register, moved) == {"Nguyễn Văn An": "1/1"}
    (right,) = open_rights(register, moved)
    assert right["valid_from"] == d("2012-03-01")


def test_commune_reassignment_to_an_unknown_commune_is_refused(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    before = register_state(register)

    def unknown(cur):
        dossier = approved_dossier(cur, "commune_reassignment", "2025-07-01")
        communes.reassign_commune(cur, dossier_id=dossier, old_code=COMMUNE, new_code="09999",
                                  effective="2025-07-01")

    assert "09999" in message(refused(register, "2025-07-01", unknown))
    assert register_state(register) == before
    assert parcel(register, parcel_id)["commune_code"] == COMMUNE


# Dossiers --------------------------------------------------------------------------------------


def test_dossier_is_received_then_approved_or_rejected_and_then_final(register) -> None:
    with change(register, "2020-01-02") as cur:
        accepted = open_dossier(cur, "sale", "2020-01-02", number="HS-01")
        declined = open_dossier(cur, "gift", "2020-01-02", number="HS-02")
    assert rows(register, "SELECT number, status, decided_on FROM cadastre.dossier "
                "ORDER BY id") == [
        {"number": "HS-01", "status": "received", "decided_on": None},
        {"number": "HS-02", "status": "received", "decided_on": None}]

    with change(register, "2020-01-20") as cur:
        approve(cur, accepted, "2020-01-20")
        dossiers.decide_dossier(cur, dossier_id=declined, status="rejected",
                                decided_on="2020-01-21", note="Thiếu hồ sơ")
    assert rows(register, "SELECT number, status, decided_on, note FROM cadastre.dossier "
                "ORDER BY id") == [
        {"number": "HS-01", "status": "approved", "decided_on": d("2020-01-20"), "note": None},
        {"number": "HS-02", "status": "rejected", "decided_on": d("2020-01-21"),
         "note": "Thiếu hồ sơ"}]

    for dossier, number in ((accepted, "HS-01"), (declined, "HS-02")):
        def decide_again(cur, dossier=dossier):
            dossiers.decide_dossier(cur, dossier_id=dossier, status="rejected",
                                    decided_on="2020-02-01")

        def edit(cur, dossier=dossier):
            cur.execute("UPDATE cadastre.dossier SET officer = 'someone else' WHERE id = %s",
                        (dossier,))

        for attempt in (decide_again, edit):
            text = message(refused(register, "2020-02-01", attempt))
            assert number in text and "can no longer change" in text
    assert [r["status"] for r in rows(register, "SELECT status FROM cadastre.dossier "
                                                "ORDER BY id")] == ["approved", "rejected"]


def test_a_rejected_dossier_changes_nothing(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2020-01-02") as cur:
        dossier = open_dossier(cur, "sale", "2020-01-02", number="HS-09")
        dossiers.decide_dossier(cur, dossier_id=dossier, status="rejected",
                                decided_on="2020-01-05")
    before = register_state(register)

    def sell(cur):
        transfer(cur, dossier, parcel_id, holders((add_party(cur, "Phạm Văn Bình"), "1")))

    text = message(refused(register, "2020-02-01", sell))
    assert "HS-09" in text and "rejected" in text
    assert register_state(register) == before


def test_dossier_decided_before_it_was_received_or_of_unknown_kind_is_refused(register) -> None:
    def early(cur):
        dossier = open_dossier(cur, "sale", "2020-01-10")
        approve(cur, dossier, "2020-01-01")

    def unknown(cur):
        open_dossier(cur, "theft", "2020-01-10")

    refused(register, "2020-01-10", early)
    assert "Unknown dossier kind" in message(refused(register, "2020-01-10", unknown))
    assert scalar(register, "SELECT count(*) FROM cadastre.dossier") == 0


def test_dossier_numbers_are_unique(register) -> None:
    with change(register, "2020-01-02") as cur:
        open_dossier(cur, "sale", "2020-01-02", number="HS-01")

    def duplicate(cur):
        open_dossier(cur, "gift", "2020-01-03", number="HS-01")

    assert "HS-01" in message(refused(register, "2020-01-03", duplicate))


def test_land_use_json_keeps_form_and_term(register) -> None:
    uses = json.dumps([{"code": "ODT", "area": 100.0, "form": "recognised", "term_end": None}])
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10), uses=uses)
    assert parcel(register, parcel_id)["land_uses"] == json.loads(uses)


def test_rescaling_land_uses_never_drops_a_small_purpose_to_zero(register) -> None:
    with register.cursor() as cur:
        cur.execute("SELECT cadastre.rescale_land_uses(%s, 257.7, 90.0)",
                    ('[{"code": "ODT", "area": 257.6}, {"code": "CLN", "area": 0.1}]',))
        uses = cur.fetchone()[0]
    register.rollback()
    assert [u["code"] for u in uses] == ["ODT", "CLN"]
    assert [u["area"] for u in uses] == [89.9, 0.1]
