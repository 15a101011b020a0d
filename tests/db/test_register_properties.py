"""Properties of the register checked on generated cases (hypothesis) against the real PostGIS.

Each test has one register database of its own (the function-scoped fixture); every generated
example works on parcels of its own, far from the others, under fresh dossiers, with the
register clock moving forward from one transaction to the next. Coordinates are whole
centimetres, as surveys record them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db.register_helpers import (
    add_party,
    approved_dossier,
    change,
    change_land_use,
    correct_boundary,
    holders,
    land_uses,
    merge,
    message,
    parcel,
    rect,
    refused,
    register_parcel,
    register_state,
    rights_as_of,
    row,
    rows,
    scalar,
    split,
    transfer,
)

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SLOT = 200.0  # metres between the parcels of two examples


class Ledger:
    """Hands each example fresh ground, parcel numbers and later clock instants."""

    def __init__(self) -> None:
        self._slots = itertools.count()
        self._ticks = itertools.count()
        self._start = dt.datetime(2000, 1, 1)
        self.examples = 0

    def slot(self) -> tuple[float, int]:
        """(x offset of a free slot, first parcel number of that slot); one per example."""
        index = next(self._slots)
        self.examples += 1
        return index * SLOT, 1000 + 100 * index

    def tick(self) -> str:
        """A clock instant later than every one handed out before (noon of a new day)."""
        moment = self._start + dt.timedelta(days=next(self._ticks), hours=12)
        return moment.isoformat(sep=" ")


def cm(value: int) -> float:
    return value / 100


def register_owned(register, at: str, number: int, wkt: str, pairs=None) -> tuple[int, int]:
    """First registration at `at` to one new owner (or the given holders): (parcel, owner)."""
    with change(register, at) as cur:
        dossier = approved_dossier(cur, "first_registration", at[:10])
        owner = add_party(cur, f"Chủ thửa {number}")
        parcel_id = register_parcel(cur, dossier, number, wkt,
                                    holders(*(pairs or [(owner, "1")])))
    return parcel_id, owner


# Split ---------------------------------------------------------------------------------------


def test_a_split_into_vertical_strips_conserves_area_and_partitions_the_parent(register) -> None:
    ledger = Ledger()

    @PROPERTY
    @given(widths=st.lists(st.integers(50, 3000), min_size=2, max_size=6),
           height=st.integers(100, 5000))
    def check(widths: list[int], height: int) -> None:
        x0, number = ledger.slot()
        cuts = [0, *itertools.accumulate(widths)]
        parent_wkt = rect(x0, 0, x0 + cm(cuts[-1]), cm(height))
        parent_id, _ = register_owned(register, ledger.tick(), number, parent_wkt)
        strips = [rect(x0 + cm(a), 0, x0 + cm(b), cm(height)) for a, b in itertools.pairwise(cuts)]
        at = ledger.tick()
        with change(register, at) as cur:
            children = split(cur, approved_dossier(cur, "split", at[:10]), parent_id, strips,
                             [number + i + 1 for i in range(len(strips))])

        assert len(children) == len(widths)
        parent = parcel(register, parent_id)
        assert parent["status"] == "retired"
        shape = row(
            register,
            "SELECT sum(ST_Area(c.geom)) AS total, "
            "ST_Area(ST_SymDifference(ST_Union(c.geom), p.geom)) AS mismatch, "
            "sum(c.legal_area) AS legal_total, "
            "bool_and(c.legal_area = round(ST_Area(c.geom)::numeric, 1)) AS legal_is_measured "
            "FROM cadastre.parcel AS c, cadastre.parcel AS p "
            "WHERE c.id = ANY(%s) AND p.id = %s GROUP BY p.geom",
            (children, parent_id),
        )
        assert abs(shape["total"] - parent["area"]) < 1e-6
        assert shape["mismatch"] < 1e-6
        assert shape["legal_is_measured"]
        assert abs(shape["legal_total"] - parent["legal_area"]) <= 0.05 * (len(children) + 1)
        overlap = scalar(
            register,
            "SELECT coalesce(max(ST_Area(ST_Intersection(a.geom, b.geom))), 0) "
            "FROM cadastre.parcel AS a JOIN cadastre.parcel AS b ON a.id < b.id "
            "WHERE a.id = ANY(%s) AND b.id = ANY(%s)",
            (children, children),
        )
        assert overlap < 1e-9
        owners = {
            tuple(sorted((r["party_id"], r["share"]) for r in rights_as_of(register, c, at[:10])
                         if r["kind"] == "land_use_right"))
            for c in children
        }
        assert len(owners) == 1

    check()
    assert ledger.examples >= 10


# Merge ---------------------------------------------------------------------------------------


@st.composite
def adjacent_rectangles(draw) -> list[tuple[int, int, int, int]]:
    """2–4 rectangles in a row, each sharing at least 50 cm of its west edge with the east edge
    of the one before (in centimetres: x0, y0, x1, y1)."""
    count = draw(st.integers(2, 4))
    boxes: list[tuple[int, int, int, int]] = []
    x = 0
    for _ in range(count):
        width = draw(st.integers(100, 3000))
        height = draw(st.integers(100, 3000))
        if boxes:
            _, py0, _, py1 = boxes[-1]
            y0 = draw(st.integers(py0 - height + 50, py1 - 50))
        else:
            y0 = 0
        boxes.append((x, y0, x + width, y0 + height))
        x += width
    return boxes


def test_a_merge_is_the_union_of_its_parents(register) -> None:
    ledger = Ledger()

    @PROPERTY
    @given(boxes=adjacent_rectangles())
    def check(boxes: list[tuple[int, int, int, int]]) -> None:
        x0, number = ledger.slot()
        at = ledger.tick()
        with change(register, at) as cur:
            owner = add_party(cur, f"Chủ {number}")
            dossier = approved_dossier(cur, "first_registration", at[:10])
            parents = [
                register_parcel(cur, dossier, number + i,
                                rect(x0 + cm(a), cm(b), x0 + cm(c), cm(e)), holders((owner, "1")))
                for i, (a, b, c, e) in enumerate(boxes)
            ]
        at = ledger.tick()
        with change(register, at) as cur:
            merged = merge(cur, approved_dossier(cur, "merge", at[:10]), parents, number + 99)

        result = row(
            register,
            "SELECT ST_Area(ST_SymDifference(m.geom, ST_Union(p.geom))) AS mismatch, "
            "ST_Area(m.geom) AS area, sum(ST_Area(p.geom)) AS parents_area, "
            "m.legal_area, sum(p.legal_area) AS parents_legal, ST_NumGeometries(m.geom) AS parts "
            "FROM cadastre.parcel AS m, cadastre.parcel AS p "
            "WHERE m.id = %s AND p.id = ANY(%s) GROUP BY m.geom, m.legal_area",
            (merged, parents),
        )
        assert result["mismatch"] < 1e-6
        assert abs(result["area"] - result["parents_area"]) < 1e-6
        assert result["legal_area"] == result["parents_legal"]
        assert result["parts"] == 1
        assert {parcel(register, p)["status"] for p in parents} == {"retired"}

    check()
    assert ledger.examples >= 10


# Replaying history ----------------------------------------------------------------------------

LAND_USE_CODES = ["ODT", "CLN", "TMD", "SKC", "BHK"]


def split_area(draw, legal_area: Fraction) -> str:
    """Land uses whose areas (tenths of m²) sum exactly to the legal area."""
    tenths = int(legal_area * 10)
    codes = draw(st.lists(st.sampled_from(LAND_USE_CODES), min_size=1, max_size=3, unique=True))
    cuts = sorted(draw(st.lists(st.integers(1, tenths - 1), min_size=len(codes) - 1,
                                max_size=len(codes) - 1, unique=True)))
    bounds = [0, *cuts, tenths]
    return land_uses(*((code, (b - a) / 10) for code, (a, b)
                       in zip(codes, itertools.pairwise(bounds), strict=True)))


def random_shares(draw, parties: list[int]) -> str:
    """Some of the parties, with shares that sum to exactly 1."""
    chosen = draw(st.lists(st.sampled_from(parties), min_size=1, max_size=len(parties),
                           unique=True))
    weights = [draw(st.integers(1, 12)) for _ in chosen]
    total = sum(weights)
    return holders(*((party, Fraction(w, total)) for party, w in zip(chosen, weights,
                                                                     strict=True)))


def snapshot(register, parcel_id: int) -> dict:
    """The parcel's live version (without its system period) and its holders."""
    state = row(
        register,
        "SELECT commune_code, sheet_number, parcel_number, ST_AsEWKB(geom) AS geom, legal_area, "
        "land_uses, status, version, dossier_id, lower(sys_period) AS since "
        "FROM cadastre.parcel WHERE id = %s",
        (parcel_id,),
    )
    state["geom"] = bytes(state["geom"])
    return state


def as_of(register, parcel_id: int, at: str) -> dict:
    found = rows(
        register,
        "SELECT commune_code, sheet_number, parcel_number, ST_AsEWKB(geom) AS geom, legal_area, "
        "land_uses, status, version, dossier_id, lower(sys_period) AS since "
        "FROM cadastre.parcel_as_of(%s::bigint, %s::timestamptz)",
        (parcel_id, at),
    )
    assert len(found) == 1, f"{len(found)} versions at {at}"
    found[0]["geom"] = bytes(found[0]["geom"])
    return found[0]


def holder_shares(register, parcel_id: int, legal_date: str, known_at: str) -> set:
    return {(r["party_id"], r["share"]) for r in rights_as_of(register, parcel_id, legal_date,
                                                               known_at)
            if r["kind"] == "land_use_right"}


def test_replaying_history_returns_exactly_the_state_recorded_after_each_step(register) -> None:
    ledger = Ledger()

    @PROPERTY
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        x0, number = ledger.slot()
        at = ledger.tick()
        with change(register, at) as cur:
            dossier = approved_dossier(cur, "first_registration", at[:10])
            parties = [add_party(cur, f"Người {number}-{i}") for i in range(4)]
            parcel_id = register_parcel(cur, dossier, number, rect(x0, 0, x0 + 10, 10),
                                        holders((parties[0], "1")))
        recorded = [(at, snapshot(register, parcel_id),
                     holder_shares(register, parcel_id, at[:10], at))]

        steps = data.draw(st.lists(st.sampled_from(["transfer", "boundary", "land_use"]),
                                   min_size=1, max_size=6), label="steps")
        for step in steps:
            at = ledger.tick()
            legal = Fraction(str(parcel(register, parcel_id)["legal_area"]))
            with change(register, at) as cur:
                if step == "transfer":
                    kind = data.draw(st.sampled_from(["sale", "gift", "inheritance"]))
                    transfer(cur, approved_dossier(cur, kind, at[:10]), parcel_id,
                             random_shares(data.draw, parties))
                elif step == "boundary":
                    width = data.draw(st.integers(300, 4000), label="width")
                    height = data.draw(st.integers(300, 4000), label="height")
                    correct_boundary(cur, approved_dossier(cur, "resurvey", at[:10]), parcel_id,
                                     rect(x0, 0, x0 + cm(width), cm(height)))
                else:
                    change_land_use(cur, approved_dossier(cur, "land_use_change", at[:10]),
                                    parcel_id, split_area(data.draw, legal))
            recorded.append((at, snapshot(register, parcel_id),
                             holder_shares(register, parcel_id, at[:10], at)))

        for (at, state, owners), following in itertools.zip_longest(recorded, recorded[1:]):
            assert as_of(register, parcel_id, at) == state
            # Just before the next step the register still held the same version.
            if following is not None:
                before_next = (dt.datetime.fromisoformat(following[0])
                               - dt.timedelta(seconds=1)).isoformat(sep=" ")
                assert as_of(register, parcel_id, before_next) == state
                assert holder_shares(register, parcel_id, at[:10], before_next) == owners
            assert holder_shares(register, parcel_id, at[:10], at) == owners
            assert owners, "every recorded instant has holders"

    check()
    assert ledger.examples >= 10


# Shares --------------------------------------------------------------------------------------


@st.composite
def partitions_of_one(draw) -> list[Fraction]:
    """1 to 6 positive fractions summing exactly to 1 (reduced, so denominators differ)."""
    weights = draw(st.lists(st.integers(1, 30), min_size=1, max_size=6))
    total = sum(weights)
    return [Fraction(w, total) for w in weights]


def perturbed(shares: list[Fraction], index: int) -> list[Fraction]:
    """The same shares with one changed a little, so they no longer sum to 1."""
    share = shares[index % len(shares)]
    num, den = share.numerator, share.denominator
    if num + 1 <= den:
        changed = f"{num + 1}/{den}"
    elif num > 1:
        changed = f"{num - 1}/{den}"
    else:
        changed = f"{num}/{den + 1}"
    result = [str(s) for s in shares]
    result[index % len(shares)] = changed
    return result


def test_shares_summing_to_one_are_accepted_and_any_others_refused(register) -> None:
    ledger = Ledger()

    @PROPERTY
    @given(shares=partitions_of_one(), index=st.integers(0, 5))
    def check(shares: list[Fraction], index: int) -> None:
        assert sum(shares) == 1
        x0, number = ledger.slot()
        wrong = perturbed(shares, index)
        assert sum(Fraction(s) for s in wrong) != 1

        def register_with(cur, at: str, given_shares: list[str]) -> int:
            dossier = approved_dossier(cur, "first_registration", at[:10])
            heirs = [add_party(cur, f"Đồng sở hữu {number}-{i}")
                     for i in range(len(given_shares))]
            return register_parcel(cur, dossier, number, rect(x0, 0, x0 + 10, 10),
                                   holders(*zip(heirs, given_shares, strict=True)))

        before = register_state(register)
        at = ledger.tick()
        text = message(refused(register, at, lambda cur: register_with(cur, at, wrong)))
        assert "instead of 1" in text
        assert f"/{number}" in text
        assert register_state(register) == before

        at = ledger.tick()
        with change(register, at) as cur:
            parcel_id = register_with(cur, at, [str(s) for s in shares])
        recorded = rows(register, "SELECT s.numerator, s.denominator FROM cadastre.rrr_share AS s "
                        "JOIN cadastre.rrr AS r ON r.id = s.rrr_id WHERE r.parcel_id = %s",
                        (parcel_id,))
        assert sum(Fraction(r["numerator"], r["denominator"]) for r in recorded) == 1
        assert sorted(Fraction(r["numerator"], r["denominator"]) for r in recorded) == sorted(
            shares)

    check()
    assert ledger.examples >= 10
