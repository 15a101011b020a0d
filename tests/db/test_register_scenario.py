"""Ten years in the life of one parcel, replayed through the register's operations, then
questioned as of every date: who held it, with which shares, under which mortgage, under which
identity and with which area — and at the end every invariant still holds."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tests.db.register_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    SHEET,
    add_party,
    approve,
    approved_dossier,
    change,
    cur_scalar,
    holders,
    holders_as_of,
    issue_certificate,
    land_uses,
    merge,
    open_dossier,
    open_rights,
    overlapping_current_pairs,
    parcel,
    parcel_as_of,
    parcel_as_of_identity,
    rect,
    register_parcel,
    release,
    restrict,
    restrictions_as_of,
    rights_as_of,
    rights_with_bad_shares,
    rows,
    split,
    transfer,
)

COUPLE = {"Nguyễn Văn An": "1/2", "Trần Thị Bình": "1/2"}
BUYER = {"Lê Văn Cường": "1/1"}
HEIRS = {"Lê Thị Dung": "1/3", "Lê Văn Em": "1/3", "Lê Thị Giang": "1/3"}
NEIGHBOUR = {"Phạm Văn Tư": "1/1"}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def life(register) -> dict[str, int]:
    """Replay 2012–2025 and return the ids of the parcels and parties involved."""
    ids: dict[str, int] = {}

    # 2012: first registration of 00070/12/45 (20 m × 10 m) to a married couple; the
    # neighbour 00070/12/50 (10 m × 10 m, east) to Phạm Văn Tư.
    with change(register, "2012-03-01") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-01", number="DK-2012-045",
                                   received_on="2012-01-16")
        an = add_party(cur, "Nguyễn Văn An", id_number="001075001111")
        binh = add_party(cur, "Trần Thị Bình", id_number="001178002222")
        add_party(cur, "Nguyễn Văn An và Trần Thị Bình", kind="couple",
                  members=[(an, "spouse"), (binh, "spouse")])
        ids["parcel"] = register_parcel(cur, dossier, 45, rect(0, 0, 20, 10),
                                        holders((an, "1/2"), (binh, "1/2")),
                                        uses=land_uses(("ODT", 200.0)), address="8 Hàng Bạc")
        issue_certificate(cur, dossier, "BK100045", [ids["parcel"]])
    with change(register, "2012-03-02") as cur:
        dossier = approved_dossier(cur, "first_registration", "2012-03-02", number="DK-2012-050")
        tu = add_party(cur, "Phạm Văn Tư")
        ids["neighbour"] = register_parcel(cur, dossier, 50, rect(20, 0, 30, 10),
                                           holders((tu, "1")), uses=land_uses(("ODT", 100.0)))

    # 2014: the couple sells to Lê Văn Cường.
    with change(register, "2014-05-20") as cur:
        dossier = approved_dossier(cur, "sale", "2014-05-20", number="CN-2014-017")
        buyer = add_party(cur, "Lê Văn Cường", id_number="001070003333")
        transfer(cur, dossier, ids["parcel"], holders((buyer, "1")))
        reissue = approved_dossier(cur, "certificate_reissue", "2014-05-20")
        issue_certificate(cur, reissue, "CS200045", [ids["parcel"]], replaces="BK100045")

    # 2016: Cường dies; his three children inherit a third each.
    with change(register, "2016-08-15") as cur:
        dossier = approved_dossier(cur, "inheritance", "2016-08-15", number="TK-2016-003")
        heirs = [add_party(cur, name) for name in HEIRS]
        ids.update(zip(("dung", "em", "giang"), heirs, strict=True))
        transfer(cur, dossier, ids["parcel"], holders(*((h, "1/3") for h in heirs)))

    # 2017: the heirs mortgage the parcel to a bank.
    with change(register, "2017-03-10") as cur:
        dossier = approved_dossier(cur, "mortgage", "2017-03-10", number="TC-2017-101")
        ids["bank"] = add_party(cur, "Ngân hàng TMCP Ngoại thương Việt Nam",
                                kind="organisation")
        ids["mortgage"] = restrict(cur, dossier, ids["parcel"], "mortgage", ids["bank"],
                                   3_000_000_000)

    # 2018: the heirs also buy the neighbouring parcel, a third each.
    with change(register, "2018-06-01") as cur:
        dossier = approved_dossier(cur, "sale", "2018-06-01", number="CN-2018-044")
        transfer(cur, dossier, ids["neighbour"],
                 holders(*((ids[h], "1/3") for h in ("dung", "em", "giang"))))

    # 2019: the loan is repaid and the mortgage released.
    with change(register, "2019-09-09") as cur:
        dossier = approved_dossier(cur, "mortgage_release", "2019-09-09", number="XTC-2019-07")
        release(cur, dossier, ids["mortgage"])

    # 2020: the parcel is split in two (12 m and 8 m wide).
    with change(register, "2020-05-04") as cur:
        dossier = approved_dossier(cur, "split", "2020-05-04", number="TT-2020-012")
        ids["west"], ids["east"] = split(cur, dossier, ids["parcel"],
                                         [rect(0, 0, 12, 10), rect(12, 0, 20, 10)], [101, 102])

    # 2021: the eastern child is merged with the neighbour (same holders, same shares).
    with change(register, "2021-02-01") as cur:
        dossier = approved_dossier(cur, "merge", "2021-02-01", number="HT-2021-005")
        ids["merged"] = merge(cur, dossier, [ids["east"], ids["neighbour"]], 103)

    # 2025-07-01: ward 00070 is merged into 00073; its sheets are prefixed HK-.
    with change(register, "2025-07-01") as cur:
        dossier = open_dossier(cur, "commune_reassignment", "2025-06-16",
                               number="NQ-1656/2025")
        approve(cur, dossier, "2025-07-01")
        ids["moved"] = cur_scalar(
            cur, "SELECT cadastre.reassign_commune(%s, %s, %s, '2025-07-01', 'HK-')",
            (dossier, COMMUNE, OTHER_COMMUNE))
    return ids


def identity(register, parcel_id: int, at: str) -> tuple | None:
    """(ref, status, measured area, legal area) of the version held at an instant."""
    found = parcel_as_of(register, parcel_id, at)
    assert len(found) <= 1
    if not found:
        return None
    version = found[0]
    return (f"{version['commune_code']}/{version['sheet_number']}/{version['parcel_number']}",
            version["status"], round(version["area"], 6), float(version["legal_area"]))


def test_the_holders_and_shares_on_each_date(register, life) -> None:
    parcel_id = life["parcel"]
    assert holders_as_of(register, parcel_id, "2012-02-29") == {}
    for date in ("2012-03-01", "2013-06-30", "2014-05-19"):
        assert holders_as_of(register, parcel_id, date) == COUPLE
    for date in ("2014-05-20", "2015-12-31", "2016-08-14"):
        assert holders_as_of(register, parcel_id, date) == BUYER
    for date in ("2016-08-15", "2018-01-01", "2020-05-03"):
        assert holders_as_of(register, parcel_id, date) == HEIRS
    # Retired by the split: the parent holds no rights from that day on.
    assert rights_as_of(register, parcel_id, "2020-05-04") == []
    for child in ("west", "east"):
        assert holders_as_of(register, life[child], "2020-05-04") == HEIRS
        assert holders_as_of(register, life[child], "2020-05-03") == {}
    assert holders_as_of(register, life["east"], "2021-02-01") == {}
    assert holders_as_of(register, life["merged"], "2021-02-01") == HEIRS
    assert holders_as_of(register, life["merged"], "2026-01-01") == HEIRS
    assert holders_as_of(register, life["west"], "2026-01-01") == HEIRS
    assert holders_as_of(register, life["neighbour"], "2018-05-31") == NEIGHBOUR
    assert holders_as_of(register, life["neighbour"], "2018-06-01") == HEIRS


def test_the_mortgage_is_present_only_between_its_registration_and_release(
    register, life
) -> None:
    parcel_id = life["parcel"]
    assert restrictions_as_of(register, parcel_id, "2017-03-09") == []
    assert restrictions_as_of(register, parcel_id, "2017-03-10") == ["mortgage"]
    (mortgage,) = [r for r in rights_as_of(register, parcel_id, "2018-12-31")
                   if r["kind"] == "mortgage"]
    assert mortgage["creditor_id"] == life["bank"]
    assert mortgage["valid"].lower == d("2017-03-10")
    assert mortgage["valid"].upper == d("2019-09-09")
    assert restrictions_as_of(register, parcel_id, "2019-09-09") == []
    # Released before the split: the children never carried it.
    for child in ("west", "east", "merged"):
        assert restrictions_as_of(register, life[child], "2021-06-01") == []
        assert all(r["kind"] == "land_use_right" for r in open_rights(register, life[child]))
    # As the register knew it in 2018, the mortgage had no end.
    assert restrictions_as_of(register, parcel_id, "2019-12-31", known_at="2018-01-01") == [
        "mortgage"]


def test_the_parcel_identity_and_area_on_each_date(register, life) -> None:
    ref = f"{COMMUNE}/{SHEET}/"
    new_ref = f"{OTHER_COMMUNE}/HK-{SHEET}/"
    assert identity(register, life["parcel"], "2012-02-29") is None
    assert identity(register, life["parcel"], "2012-03-01") == (ref + "45", "current", 200.0,
                                                               200.0)
    assert identity(register, life["parcel"], "2020-05-03") == (ref + "45", "current", 200.0,
                                                               200.0)
    assert identity(register, life["parcel"], "2020-05-04") == (ref + "45", "retired", 200.0,
                                                               200.0)
    # The retired parent keeps its old identity after the commune merger.
    assert identity(register, life["parcel"], "2026-01-01") == (ref + "45", "retired", 200.0,
                                                               200.0)
    assert identity(register, life["west"], "2020-05-04") == (ref + "101", "current", 120.0,
                                                             120.0)
    assert identity(register, life["west"], "2025-06-30") == (ref + "101", "current", 120.0,
                                                             120.0)
    assert identity(register, life["west"], "2025-07-01") == (new_ref + "101", "current",
                                                             120.0, 120.0)
    assert identity(register, life["east"], "2020-05-04") == (ref + "102", "current", 80.0, 80.0)
    assert identity(register, life["east"], "2021-02-01") == (ref + "102", "retired", 80.0, 80.0)
    assert identity(register, life["merged"], "2021-01-31") is None
    assert identity(register, life["merged"], "2021-02-01") == (ref + "103", "current", 180.0,
                                                               180.0)
    assert identity(register, life["merged"], "2026-01-01") == (new_ref + "103", "current",
                                                               180.0, 180.0)
    assert [(u["code"], u["area"]) for u in parcel(register, life["merged"])["land_uses"]] == [
        ("ODT", 180.0)]

    def bearer(commune: str, sheet: str, number: int, at: str) -> int | None:
        found = parcel_as_of_identity(register, commune, sheet, number, at)
        assert len(found) <= 1
        return found[0]["id"] if found else None

    assert bearer(COMMUNE, SHEET, 45, "2019-01-01") == life["parcel"]
    assert bearer(COMMUNE, SHEET, 45, "2021-01-01") is None
    assert bearer(COMMUNE, SHEET, 103, "2024-01-01") == life["merged"]
    assert bearer(COMMUNE, SHEET, 103, "2026-01-01") is None
    assert bearer(OTHER_COMMUNE, "HK-12", 103, "2026-01-01") == life["merged"]
    assert bearer(OTHER_COMMUNE, "HK-12", 101, "2024-01-01") is None
    assert parcel(register, life["merged"])["old_identifiers"] == [
        {"commune_code": COMMUNE, "sheet_number": SHEET, "parcel_number": 103,
         "until": "2025-07-01"}]
    assert life["moved"] == 2


def test_the_genealogy_and_the_certificates_tell_the_same_story(register, life) -> None:
    ancestors = {(g["parcel_id"], g["depth"], g["kind"]) for g in rows(
        register, "SELECT * FROM cadastre.parcel_genealogy(%s) WHERE relation = 'ancestor'",
        (life["merged"],))}
    assert ancestors == {(life["east"], 1, "merge"), (life["neighbour"], 1, "merge"),
                         (life["parcel"], 2, "split")}
    certificates = rows(register, "SELECT serial, issued_on, cancelled_on, "
                        "(SELECT serial FROM cadastre.certificate AS n WHERE n.id = c.replaced_by) "
                        "AS replaced_by FROM cadastre.certificate AS c ORDER BY issued_on")
    assert certificates == [
        {"serial": "BK100045", "issued_on": d("2012-03-01"), "cancelled_on": d("2014-05-20"),
         "replaced_by": "CS200045"},
        {"serial": "CS200045", "issued_on": d("2014-05-20"), "cancelled_on": d("2020-05-04"),
         "replaced_by": None},
    ]
    kinds = [t["dossier_kind"] for t in rows(register, "SELECT * FROM cadastre.parcel_timeline(%s)",
                                             (life["parcel"],))]
    assert kinds == ["first_registration", "sale", "certificate_reissue", "inheritance",
                     "mortgage", "mortgage_release", "split"]


def test_every_invariant_still_holds_at_the_end(register, life) -> None:
    assert overlapping_current_pairs(register) == []
    assert rights_with_bad_shares(register) == []
    current = rows(register, "SELECT id, commune_code, ST_IsValid(geom) AS valid, "
                   "ST_SRID(geom) AS srid, legal_area, "
                   "(SELECT sum((u ->> 'area')::numeric) FROM jsonb_array_elements(land_uses) "
                   " AS u) AS use_total FROM cadastre.parcel WHERE status = 'current' "
                   "ORDER BY id")
    assert [p["id"] for p in current] == sorted([life["west"], life["merged"]])
    for p in current:
        assert p["valid"] and p["srid"] == 5897
        assert p["commune_code"] == OTHER_COMMUNE
        assert abs(p["use_total"] - p["legal_area"]) <= 0.1
        rights = [r for r in open_rights(register, p["id"]) if r["kind"] == "land_use_right"]
        assert len(rights) == 1
    # Retired parcels hold no open rights.
    assert rows(register, "SELECT r.id FROM cadastre.rrr AS r JOIN cadastre.parcel AS p "
                "ON p.id = r.parcel_id WHERE p.status = 'retired' AND upper_inf(r.valid)") == []
    # No two land-use rights of one parcel are in force on the same day.
    assert rows(register, "SELECT a.id, b.id FROM cadastre.rrr AS a JOIN cadastre.rrr AS b "
                "ON a.parcel_id = b.parcel_id AND a.kind = b.kind AND a.id < b.id "
                "WHERE a.kind = 'land_use_right' AND a.valid && b.valid") == []
    # Each parcel's versions follow each other without gaps or overlaps.
    versions = rows(register, "SELECT id, version, lower(sys_period) AS since, "
                    "upper(sys_period) AS until FROM cadastre.parcel_version "
                    "ORDER BY id, version")
    for _, group in itertools.groupby(versions, key=lambda v: v["id"]):
        chain = list(group)
        assert [v["version"] for v in chain] == list(range(1, len(chain) + 1))
        for earlier, later in itertools.pairwise(chain):
            assert earlier["until"] == later["since"]
        assert chain[-1]["until"] is None
    # The commune that was merged away is closed and points to its successor.
    assert rows(register, "SELECT upper(valid) AS until, replaced_by FROM cadastre.admin_unit "
                "WHERE code = %s", (COMMUNE,)) == [{"until": d("2025-07-01"),
                                                    "replaced_by": OTHER_COMMUNE}]
