"""Reading the register at any instant: parcel versions, identities, bitemporal rights,
genealogy, public timelines and what each dossier did."""

from __future__ import annotations

import datetime as dt
import itertools

import psycopg2
import pytest

from cadastre.register.binding import parcels
from tests.db.register_helpers import (
    COMMUNE,
    SHEET,
    add_party,
    approved_dossier,
    change,
    change_land_use,
    correct_boundary,
    first_registration,
    holders,
    holders_as_of,
    issue_certificate,
    land_uses,
    merge,
    new_parties,
    open_rights,
    parcel,
    parcel_as_of,
    parcel_as_of_identity,
    rect,
    register_parcel,
    register_to,
    release,
    restrict,
    restrictions_as_of,
    rights_as_of,
    rows,
    split,
    square,
    transfer,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# parcel_as_of ----------------------------------------------------------------------------------


def test_parcel_as_of_returns_the_version_the_register_held_at_each_instant(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10),
                                      uses=land_uses(("ODT", 100.0)))
    with change(register, "2014-06-01") as cur:
        correct_boundary(cur, approved_dossier(cur, "resurvey", "2014-06-01"), parcel_id,
                         rect(0, 0, 10, 12))
    with change(register, "2016-09-01 10:30") as cur:
        change_land_use(cur, approved_dossier(cur, "land_use_change", "2016-09-01"), parcel_id,
                        land_uses(("ODT", 80.0), ("TMD", 40.0)))
    with change(register, "2018-01-01") as cur:
        split(cur, approved_dossier(cur, "split", "2018-01-01"), parcel_id,
              [rect(0, 0, 5, 12), rect(5, 0, 10, 12)], [46, 47],
              uses=[land_uses(("ODT", 60.0)), land_uses(("ODT", 20.0), ("TMD", 40.0))])

    def as_of(at: str) -> tuple | None:
        found = parcel_as_of(register, parcel_id, at)
        assert len(found) <= 1, found
        if not found:
            return None
        version = found[0]
        return (version["version"], version["status"], round(version["area"], 6),
                [(u["code"], u["area"]) for u in version["land_uses"]])

    assert as_of("2012-02-29 23:59:59") is None
    assert as_of("2012-03-01 00:00") == (1, "current", 100.0, [("ODT", 100.0)])
    assert as_of("2013-07-01") == (1, "current", 100.0, [("ODT", 100.0)])
    assert as_of("2014-05-31 23:59:59") == (1, "current", 100.0, [("ODT", 100.0)])
    assert as_of("2014-06-01") == (2, "current", 120.0, [("ODT", 120.0)])
    assert as_of("2016-09-01 10:29") == (2, "current", 120.0, [("ODT", 120.0)])
    assert as_of("2016-09-01 10:30") == (3, "current", 120.0, [("ODT", 80.0), ("TMD", 40.0)])
    assert as_of("2017-12-31") == (3, "current", 120.0, [("ODT", 80.0), ("TMD", 40.0)])
    assert as_of("2018-01-01") == (4, "retired", 120.0, [("ODT", 80.0), ("TMD", 40.0)])
    assert as_of("2030-01-01") == (4, "retired", 120.0, [("ODT", 80.0), ("TMD", 40.0)])


def test_every_version_ends_where_the_next_begins(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    for year, height in ((2013, 11), (2014, 12), (2015, 13)):
        with change(register, f"{year}-01-01") as cur:
            correct_boundary(cur, approved_dossier(cur, "resurvey", f"{year}-01-01"), parcel_id,
                             rect(0, 0, 10, height))
    periods = rows(register, "SELECT version, lower(sys_period) AS since, "
                   "upper(sys_period) AS until FROM cadastre.parcel_version WHERE id = %s "
                   "ORDER BY version", (parcel_id,))
    assert [p["version"] for p in periods] == [1, 2, 3, 4]
    for earlier, later in itertools.pairwise(periods):
        assert earlier["until"] == later["since"]
    assert periods[-1]["until"] is None


def test_an_update_that_changes_nothing_makes_no_version(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2014-06-01") as cur:
        correct_boundary(cur, approved_dossier(cur, "resurvey", "2014-06-01"), parcel_id,
                         square(0, 0, 10))
        cur.execute("SELECT cadastre.begin_dossier_work(%s)",
                    (approved_dossier(cur, "correction", "2014-06-01"),))
        cur.execute("UPDATE cadastre.parcel SET address = address, land_uses = land_uses "
                    "WHERE id = %s", (parcel_id,))
    versions = rows(register, "SELECT version FROM cadastre.parcel_version WHERE id = %s",
                    (parcel_id,))
    assert [v["version"] for v in versions] == [1]


def test_two_dossiers_recorded_at_the_same_instant_lose_no_version(register) -> None:
    """Loading old files records each dossier at its decision date, and two dossiers on one
    parcel are often decided the same day. The second must either be refused or keep the
    version the first one made: history never silently drops a version."""
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2013-01-01") as cur:
        correct_boundary(cur, approved_dossier(cur, "resurvey", "2013-01-01"), parcel_id,
                         rect(0, 0, 10, 11))
    try:
        with change(register, "2013-01-01") as cur:
            change_land_use(cur, approved_dossier(cur, "land_use_change", "2013-01-01"),
                            parcel_id, land_uses(("TMD", 110.0)))
    except psycopg2.Error:
        register.rollback()
        assert parcel(register, parcel_id)["version"] == 2
        return
    kept = rows(register, "SELECT version, legal_area, land_uses FROM cadastre.parcel_version "
                "WHERE id = %s ORDER BY version", (parcel_id,))
    assert [(k["version"], float(k["legal_area"]), k["land_uses"][0]["code"]) for k in kept] == [
        (1, 100.0, "ODT"), (2, 110.0, "ODT"), (3, 110.0, "TMD")]


def test_parcel_as_of_an_identity_finds_whichever_parcel_bore_it(register) -> None:
    parent, _ = first_registration(register, "2012-03-01", 45, rect(0, 0, 20, 10))
    with change(register, "2018-01-01") as cur:
        child_45, child_46 = split(cur, approved_dossier(cur, "split", "2018-01-01"), parent,
                                   [rect(0, 0, 8, 10), rect(8, 0, 20, 10)], [45, 46])
    with change(register, "2020-01-01") as cur:
        parcels.acquire_parcel(
            cur, dossier_id=approved_dossier(cur, "acquisition", "2020-01-01"), parcel_id=child_46
        )

    def bearer(number: int, at: str) -> tuple | None:
        found = parcel_as_of_identity(register, COMMUNE, SHEET, number, at)
        assert len(found) <= 1, found
        return (found[0]["id"], round(found[0]["area"], 6)) if found else None

    assert bearer(45, "2011-01-01") is None
    assert bearer(45, "2017-12-31") == (parent, 200.0)
    assert bearer(45, "2018-01-01") == (child_45, 80.0)
    assert bearer(46, "2017-12-31") is None
    assert bearer(46, "2019-01-01") == (child_46, 120.0)
    assert bearer(46, "2020-01-01") is None


# rights_as_of: the bitemporal question --------------------------------------------------------


def test_rights_as_of_answers_who_held_the_parcel_on_a_date(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2014-06-01") as cur:
        buyer = add_party(cur, "Phạm Văn Bình")
        transfer(cur, approved_dossier(cur, "sale", "2014-06-01"), parcel_id,
                 holders((buyer, "1")))
    with change(register, "2016-02-01") as cur:
        bank = add_party(cur, "Ngân hàng TMCP Á Châu", kind="organisation")
        mortgage = restrict(cur, approved_dossier(cur, "mortgage", "2016-02-01"), parcel_id,
                            "mortgage", bank, 900_000_000)
    with change(register, "2018-02-01") as cur:
        release(cur, approved_dossier(cur, "mortgage_release", "2018-02-01"), mortgage)

    assert holders_as_of(register, parcel_id, "2011-12-31") == {}
    assert holders_as_of(register, parcel_id, "2012-03-01") == {"Nguyễn Văn An": "1/1"}
    assert holders_as_of(register, parcel_id, "2014-05-31") == {"Nguyễn Văn An": "1/1"}
    assert holders_as_of(register, parcel_id, "2014-06-01") == {"Phạm Văn Bình": "1/1"}
    assert restrictions_as_of(register, parcel_id, "2016-01-31") == []
    assert restrictions_as_of(register, parcel_id, "2016-02-01") == ["mortgage"]
    assert restrictions_as_of(register, parcel_id, "2018-01-31") == ["mortgage"]
    assert restrictions_as_of(register, parcel_id, "2018-02-01") == []
    (held,) = [r for r in rights_as_of(register, parcel_id, "2017-01-01")
               if r["kind"] == "mortgage"]
    assert held["creditor_id"] == bank

    # As the register knew it before the sale was recorded, An held the parcel in 2015 too;
    # before the release was recorded, the mortgage was still in force in 2019.
    assert holders_as_of(register, parcel_id, "2015-01-01", known_at="2014-01-01") == {
        "Nguyễn Văn An": "1/1"}
    assert holders_as_of(register, parcel_id, "2015-01-01", known_at="2014-06-01") == {
        "Phạm Văn Bình": "1/1"}
    assert restrictions_as_of(register, parcel_id, "2019-01-01", known_at="2018-01-15") == [
        "mortgage"]
    assert restrictions_as_of(register, parcel_id, "2019-01-01", known_at="2018-02-02") == []
    # Before anything was registered, the register knew nothing.
    assert rights_as_of(register, parcel_id, "2013-01-01", known_at="2012-01-01") == []


def test_rights_as_of_sees_a_corrected_date_only_from_the_correction_on(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2014-06-01") as cur:
        buyer = add_party(cur, "Phạm Văn Bình")
        transfer(cur, approved_dossier(cur, "sale", "2014-06-01"), parcel_id,
                 holders((buyer, "1")))
    old, new = (r["id"] for r in rows(register, "SELECT id FROM cadastre.rrr "
                                      "WHERE parcel_id = %s ORDER BY id", (parcel_id,)))

    # 2020: the contract turns out to have taken effect on 2014-03-01, not 2014-06-01.
    with change(register, "2020-03-01") as cur:
        dossier = approved_dossier(cur, "correction", "2020-03-01")
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        cur.execute("UPDATE cadastre.rrr SET valid = daterange(lower(valid), '2014-03-01') "
                    "WHERE id = %s", (old,))
        cur.execute("UPDATE cadastre.rrr SET valid = daterange('2014-03-01', upper(valid)) "
                    "WHERE id = %s", (new,))

    april_2014 = "2014-04-01"
    assert holders_as_of(register, parcel_id, april_2014, known_at="2019-12-31") == {
        "Nguyễn Văn An": "1/1"}
    assert holders_as_of(register, parcel_id, april_2014, known_at="2020-03-01") == {
        "Phạm Văn Bình": "1/1"}
    assert holders_as_of(register, parcel_id, april_2014) == {"Phạm Văn Bình": "1/1"}
    # Dates the correction did not touch answer the same either way.
    for known_at in ("2019-12-31", "2021-01-01"):
        assert holders_as_of(register, parcel_id, "2013-01-01", known_at=known_at) == {
            "Nguyễn Văn An": "1/1"}
        assert holders_as_of(register, parcel_id, "2015-01-01", known_at=known_at) == {
            "Phạm Văn Bình": "1/1"}
    # The corrected rows name the correction; the old versions stay in history.
    assert rows(register, "SELECT lower(valid) AS since FROM cadastre.rrr_history "
                "WHERE id = %s ORDER BY lower(sys_period)", (new,)) == [
        {"since": d("2014-06-01")}]


def test_rights_as_of_sees_corrected_shares_only_from_the_correction_on(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2016-05-01") as cur:
        heirs = [add_party(cur, name) for name in ("Lê Văn Cả", "Lê Thị Hai", "Lê Văn Ba")]
        transfer(cur, approved_dossier(cur, "inheritance", "2016-05-01"), parcel_id,
                 holders(*((heir, "1/3") for heir in heirs)))
    (right,) = [r for r in open_rights(register, parcel_id) if r["kind"] == "land_use_right"]

    # 2022: the court's judgment gave the eldest half and the others a quarter each.
    with change(register, "2022-09-09") as cur:
        dossier = approved_dossier(cur, "correction", "2022-09-09")
        cur.execute("SELECT cadastre.begin_dossier_work(%s)", (dossier,))
        for heir, (num, den) in zip(heirs, ((1, 2), (1, 4), (1, 4)), strict=True):
            cur.execute("UPDATE cadastre.rrr_share SET numerator = %s, denominator = %s "
                        "WHERE rrr_id = %s AND party_id = %s", (num, den, right["id"], heir))

    thirds = {"Lê Văn Cả": "1/3", "Lê Thị Hai": "1/3", "Lê Văn Ba": "1/3"}
    judged = {"Lê Văn Cả": "1/2", "Lê Thị Hai": "1/4", "Lê Văn Ba": "1/4"}
    assert holders_as_of(register, parcel_id, "2017-01-01", known_at="2022-09-08") == thirds
    assert holders_as_of(register, parcel_id, "2017-01-01", known_at="2022-09-09") == judged
    assert holders_as_of(register, parcel_id, "2017-01-01") == judged
    assert holders_as_of(register, parcel_id, "2015-01-01") == {"Nguyễn Văn An": "1/1"}


# Genealogy --------------------------------------------------------------------------------------


def test_genealogy_follows_a_split_then_a_merge_both_ways(register) -> None:
    (owner,) = new_parties(register, "2012-03-01", "Nguyễn Văn An")
    parent = register_to(register, "2012-03-02", 45, rect(0, 0, 20, 10), [(owner, "1")])
    neighbour = register_to(register, "2012-03-03", 50, rect(20, 0, 30, 10), [(owner, "1")])
    with change(register, "2018-01-01") as cur:
        split_dossier = approved_dossier(cur, "split", "2018-01-01", number="TT-2018-01")
        left, right = split(cur, split_dossier, parent, [rect(0, 0, 10, 10),
                                                         rect(10, 0, 20, 10)], [46, 47])
    with change(register, "2021-01-01") as cur:
        merge_dossier = approved_dossier(cur, "merge", "2021-01-01", number="HT-2021-01")
        merged = merge(cur, merge_dossier, [right, neighbour], 60)

    def genealogy(parcel_id: int) -> list[tuple]:
        return [(g["relation"], g["depth"], g["parcel_id"], g["ref"], g["kind"],
                 g["dossier_number"], g["status"])
                for g in rows(register, "SELECT * FROM cadastre.parcel_genealogy(%s)",
                              (parcel_id,))]

    ref = f"{COMMUNE}/{SHEET}/"
    assert sorted(genealogy(merged)) == sorted([
        ("ancestor", 1, right, ref + "47", "merge", "HT-2021-01", "retired"),
        ("ancestor", 1, neighbour, ref + "50", "merge", "HT-2021-01", "retired"),
        ("ancestor", 2, parent, ref + "45", "split", "TT-2018-01", "retired"),
    ])
    assert sorted(genealogy(parent)) == sorted([
        ("descendant", 1, left, ref + "46", "split", "TT-2018-01", "current"),
        ("descendant", 1, right, ref + "47", "split", "TT-2018-01", "retired"),
        ("descendant", 2, merged, ref + "60", "merge", "HT-2021-01", "current"),
    ])
    assert sorted(genealogy(right)) == sorted([
        ("ancestor", 1, parent, ref + "45", "split", "TT-2018-01", "retired"),
        ("descendant", 1, merged, ref + "60", "merge", "HT-2021-01", "current"),
    ])
    assert genealogy(left) == [("ancestor", 1, parent, ref + "45", "split", "TT-2018-01",
                                "retired")]


def test_a_parcel_never_split_or_merged_has_no_genealogy(register) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    assert rows(register, "SELECT * FROM cadastre.parcel_genealogy(%s)", (parcel_id,)) == []


# Public timeline -------------------------------------------------------------------------------


def test_timeline_lists_each_dossier_kind_and_date_without_personal_data(register) -> None:
    with change(register, "2012-03-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-01", number="DK-01")
        owner = add_party(cur, "Nguyễn Văn Riêng", id_number="001080099999")
        parcel_id = register_parcel(cur, dossier, 45, square(0, 0, 10), holders((owner, "1")),
                                    uses=land_uses(("ODT", 100.0)))
    with change(register, "2012-04-01") as cur:
        issue_certificate(cur, approved_dossier(cur, "certificate_reissue", "2012-04-01",
                                                number="GCN-01"), "BK000123", [parcel_id])
    with change(register, "2014-06-01") as cur:
        buyer = add_party(cur, "Trần Thị Kín", id_number="001185088888")
        transfer(cur, approved_dossier(cur, "sale", "2014-06-01", number="CN-01"), parcel_id,
                 holders((buyer, "1")))
    with change(register, "2016-02-01") as cur:
        bank = add_party(cur, "Ngân hàng Bí Mật", kind="organisation")
        mortgage = restrict(cur, approved_dossier(cur, "mortgage", "2016-02-01", number="TC-01"),
                            parcel_id, "mortgage", bank)
    with change(register, "2018-02-01") as cur:
        release(cur, approved_dossier(cur, "mortgage_release", "2018-02-01", number="XTC-01"),
                mortgage)
    with change(register, "2019-05-05") as cur:
        correct_boundary(cur, approved_dossier(cur, "resurvey", "2019-05-05", number="DD-01"),
                         parcel_id, rect(0, 0, 10, 10.5))

    timeline = rows(register, "SELECT * FROM cadastre.parcel_timeline(%s)", (parcel_id,))
    assert [(t["on_date"], t["dossier_kind"], t["dossier_number"]) for t in timeline] == [
        (d("2012-03-01"), "first_registration", "DK-01"),
        (d("2012-04-01"), "certificate_reissue", "GCN-01"),
        (d("2014-06-01"), "sale", "CN-01"),
        (d("2016-02-01"), "mortgage", "TC-01"),
        (d("2018-02-01"), "mortgage_release", "XTC-01"),
        (d("2019-05-05"), "resurvey", "DD-01"),
    ]
    # When the register first recorded the parcel as each dossier left it; none for the
    # dossiers that changed only its rights or certificate.
    recorded = {t["dossier_kind"]: t["recorded_at"] for t in timeline}
    assert recorded["first_registration"] is not None
    assert recorded["resurvey"] > recorded["first_registration"]
    assert recorded["mortgage"] is None and recorded["mortgage_release"] is None
    assert recorded["certificate_reissue"] is None
    assert timeline[2]["kind_vi"] == "Chuyển nhượng"
    assert timeline[2]["kind_en"] == "Transfer by sale"
    text = repr(timeline)
    for secret in ("Riêng", "Kín", "Bí Mật", "001080099999", "001185088888", "Nguyễn",
                   "Trần"):
        assert secret not in text
    forbidden = {"name", "party_name", "party_id", "id_number", "birth_date", "address"}
    assert not forbidden & set(timeline[0])


def test_timeline_of_a_split_child_includes_the_split(register) -> None:
    parent, _ = first_registration(register, "2012-03-01", 45, rect(0, 0, 20, 10))
    with change(register, "2018-01-01") as cur:
        child, _ = split(cur, approved_dossier(cur, "split", "2018-01-01"), parent,
                         [rect(0, 0, 10, 10), rect(10, 0, 20, 10)], [46, 47])
    kinds = [t["dossier_kind"] for t in rows(register, "SELECT * FROM cadastre.parcel_timeline(%s)",
                                             (child,))]
    assert kinds == ["split"]
    assert [t["dossier_kind"] for t in rows(
        register, "SELECT * FROM cadastre.parcel_timeline(%s)", (parent,))] == [
        "first_registration", "split"]


# What a dossier did ----------------------------------------------------------------------------


def effects(register, dossier_id: int) -> list[tuple]:
    return sorted((e["object"], e["object_id"], e["ref"], e["effect"]) for e in rows(
        register, "SELECT * FROM cadastre.dossier_effects(%s)", (dossier_id,)))


def test_dossier_effects_of_a_split(register) -> None:
    parent, _ = first_registration(register, "2012-03-01", 45, rect(0, 0, 20, 10))
    with change(register, "2013-01-01") as cur:
        bank = add_party(cur, "Ngân hàng", kind="organisation")
        mortgage = restrict(cur, approved_dossier(cur, "mortgage", "2013-01-01"), parent,
                            "mortgage", bank)
        certificate = issue_certificate(
            cur, approved_dossier(cur, "certificate_reissue", "2013-01-01"), "BK000123",
            [parent])
    (right,) = [r["id"] for r in open_rights(register, parent) if r["kind"] == "land_use_right"]
    with change(register, "2018-01-01") as cur:
        dossier = approved_dossier(cur, "split", "2018-01-01")
        left, other = split(cur, dossier, parent, [rect(0, 0, 10, 10), rect(10, 0, 20, 10)],
                            [46, 47])
    carried = {(r["kind"], c): r["id"] for c in (left, other) for r in open_rights(register, c)}
    ref = f"{COMMUNE}/{SHEET}/"
    assert effects(register, dossier) == sorted([
        ("certificate", certificate, "BK000123", "cancelled"),
        ("parcel", parent, ref + "45", "retired"),
        ("parcel", left, ref + "46", "created"),
        ("parcel", other, ref + "47", "created"),
        ("rrr", right, "land_use_right on " + ref + "45", "ended"),
        ("rrr", mortgage, "mortgage on " + ref + "45", "ended"),
        ("rrr", carried[("land_use_right", left)], "land_use_right on " + ref + "46",
         "registered"),
        ("rrr", carried[("mortgage", left)], "mortgage on " + ref + "46", "registered"),
        ("rrr", carried[("land_use_right", other)], "land_use_right on " + ref + "47",
         "registered"),
        ("rrr", carried[("mortgage", other)], "mortgage on " + ref + "47", "registered"),
    ])


def test_dossier_effects_stay_what_the_dossier_did_after_later_dossiers(register) -> None:
    with change(register, "2012-03-01") as cur:
        first = approved_dossier(cur, "first_registration", "2012-03-01")
        owner = add_party(cur, "Nguyễn Văn An")
        parcel_id = register_parcel(cur, first, 45, square(0, 0, 10), holders((owner, "1")),
                                    uses=land_uses(("ODT", 100.0)))
        certificate = issue_certificate(cur, first, "BK000123", [parcel_id])
    (right,) = [r["id"] for r in open_rights(register, parcel_id)]
    ref = f"{COMMUNE}/{SHEET}/45"
    at_the_time = effects(register, first)
    assert at_the_time == sorted([
        ("certificate", certificate, "BK000123", "issued"),
        ("parcel", parcel_id, ref, "created"),
        ("rrr", right, "land_use_right on " + ref, "registered"),
    ])

    with change(register, "2014-06-01") as cur:
        sale = approved_dossier(cur, "sale", "2014-06-01")
        buyer = add_party(cur, "Phạm Văn Bình")
        new_right = transfer(cur, sale, parcel_id, holders((buyer, "1")))
        reissue = approved_dossier(cur, "certificate_reissue", "2014-06-01")
        new_certificate = issue_certificate(cur, reissue, "CS987654", [parcel_id],
                                            replaces="BK000123")
    with change(register, "2015-01-01") as cur:
        resurvey = approved_dossier(cur, "resurvey", "2015-01-01")
        correct_boundary(cur, resurvey, parcel_id, rect(0, 0, 10, 11))

    assert effects(register, first) == at_the_time
    assert effects(register, sale) == sorted([
        ("rrr", right, "land_use_right on " + ref, "ended"),
        ("rrr", new_right, "land_use_right on " + ref, "registered"),
    ])
    assert effects(register, reissue) == sorted([
        ("certificate", certificate, "BK000123", "cancelled"),
        ("certificate", new_certificate, "CS987654", "issued"),
    ])
    assert effects(register, resurvey) == [("parcel", parcel_id, ref, "changed")]
    assert parcel(register, parcel_id)["version"] == 2


@pytest.mark.parametrize("kind", ["mortgage", "dispute"])
def test_dossier_effects_of_a_restriction_and_its_release(register, kind: str) -> None:
    parcel_id, _ = first_registration(register, "2012-03-01", 45, square(0, 0, 10))
    with change(register, "2016-01-01") as cur:
        party = add_party(cur, "Bên có quyền", kind="organisation")
        registered = approved_dossier(cur, "mortgage" if kind == "mortgage" else "restriction",
                                      "2016-01-01")
        restriction = restrict(cur, registered, parcel_id, kind, party)
    with change(register, "2017-01-01") as cur:
        released = approved_dossier(cur, "mortgage_release", "2017-01-01")
        release(cur, released, restriction)
    ref = f"{COMMUNE}/{SHEET}/45"
    assert effects(register, registered) == [("rrr", restriction, f"{kind} on {ref}",
                                              "registered")]
    assert effects(register, released) == [("rrr", restriction, f"{kind} on {ref}", "ended")]
