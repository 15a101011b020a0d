"""Small helpers for the register tests: dossiers, parties, parcels, geometry and reads.

Every change goes through the register's one Python binding (`cadastre.register.binding`), the
same the CLI and the sample loader call; these helpers only add the test clock and short
positional conveniences on top. Each change runs in its own transaction that first sets the
register's clock (`cadastre.set_clock`). The clock must move
forward from one committed change to the next, so every helper that writes takes the instant.
Geometries are WKT in EPSG:5897 (VN-2000 / TM-3 105°, Hà Nội's cadastral CRS), built around
E 586000 N 2326000 from offsets in metres.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import psycopg2
import psycopg2.extensions
import pytest

from cadastre.register.binding import certificates, clock, dossiers, parcels, parties, rights

SRID = 5897
ORIGIN_E = 586000.0
ORIGIN_N = 2326000.0
COMMUNE = "00070"
OTHER_COMMUNE = "00073"
SHEET = "12"
OFFICER = "Lê Văn Cán bộ"

Connection = psycopg2.extensions.connection
Cursor = psycopg2.extensions.cursor

# Tables whose row counts must not move when a change is refused.
REGISTER_TABLES = (
    "dossier",
    "party",
    "parcel",
    "parcel_history",
    "parcel_lineage",
    "rrr",
    "rrr_history",
    "rrr_share",
    "rrr_share_history",
    "certificate",
    "certificate_history",
    "certificate_parcel",
    "certificate_holder",
    "admin_unit",
)

_dossier_numbers = itertools.count(1)


# Geometry -----------------------------------------------------------------------------------


def _coord(value: float) -> str:
    return repr(float(value))


def rect(x0: float, y0: float, x1: float, y1: float) -> str:
    """WKT polygon of the rectangle [x0, x1] × [y0, y1] (metres east/north of the origin)."""
    e0, e1 = ORIGIN_E + x0, ORIGIN_E + x1
    n0, n1 = ORIGIN_N + y0, ORIGIN_N + y1
    ring = [(e0, n0), (e1, n0), (e1, n1), (e0, n1), (e0, n0)]
    return "POLYGON((" + ", ".join(f"{_coord(e)} {_coord(n)}" for e, n in ring) + "))"


def square(x: float, y: float, size: float) -> str:
    """WKT polygon of a size × size square whose south-west corner is (x, y) from the origin."""
    return rect(x, y, x + size, y + size)


def ring_wkt(points: Sequence[tuple[float, float]]) -> str:
    """WKT polygon through offsets from the origin (closed automatically), in the given order."""
    coords = [(ORIGIN_E + x, ORIGIN_N + y) for x, y in points]
    if coords[0] != coords[-1]:
        coords.append(coords[0])
    return "POLYGON((" + ", ".join(f"{_coord(e)} {_coord(n)}" for e, n in coords) + "))"


def geom_sql(placeholder: str = "%s") -> str:
    """SQL turning a WKT parameter into a geometry in the register's CRS."""
    return f"ST_GeomFromText({placeholder}, {SRID})"


def ewkt(wkt: str) -> str:
    """A WKT geometry in the register's CRS as EWKT, the binding's geometry form."""
    return f"SRID={SRID};{wkt}"


# Transactions -------------------------------------------------------------------------------


@contextmanager
def change(conn: Connection, at: str) -> Iterator[Cursor]:
    """One transaction recorded at the register clock `at` (committed, or rolled back on error).

    Deferred checks (overlaps, shares) run at commit, i.e. when the block ends.
    """
    with conn, conn.cursor() as cur:
        clock.set_clock(cur, at=at)
        yield cur


@contextmanager
def work(conn: Connection) -> Iterator[Cursor]:
    """One transaction of a real user's role, at the register's own clock (only the owner may
    set the clock: `change` is for the owner's scenarios)."""
    with conn, conn.cursor() as cur:
        yield cur


def refused(conn: Connection, at: str, action: Callable[[Cursor], object]) -> psycopg2.Error:
    """Run `action` in its own transaction at `at` and return the error that refused it."""
    with pytest.raises(psycopg2.Error) as info, change(conn, at) as cur:
        action(cur)
    conn.rollback()
    return info.value


def message(error: psycopg2.Error) -> str:
    """The whole text of a database error: message, detail and hint."""
    diag = error.diag
    parts = [diag.message_primary, diag.message_detail, diag.message_hint]
    return " | ".join(part for part in parts if part) or str(error)


def rows(conn: Connection, query: str, params: Sequence[Any] | dict | None = None) -> list[dict]:
    """Rows of a read-only query as dicts (in a transaction of their own)."""
    with conn, conn.cursor() as cur:
        cur.execute(query, params)
        names = [column.name for column in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def row(conn: Connection, query: str, params: Sequence[Any] | dict | None = None) -> dict:
    """The single row of a query."""
    found = rows(conn, query, params)
    assert len(found) == 1, f"expected one row, got {len(found)}: {found}"
    return found[0]


def scalar(conn: Connection, query: str, params: Sequence[Any] | dict | None = None) -> Any:
    """The single value of a query."""
    with conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchone()[0]


def cur_scalar(cur: Cursor, query: str, params: Sequence[Any] | dict | None = None) -> Any:
    """The first value of a query run on an open cursor (inside a change)."""
    cur.execute(query, params)
    return cur.fetchone()[0]


def table_counts(conn: Connection) -> dict[str, int]:
    """Row counts of the register's tables: compare before and after a refused change."""
    return {
        table: scalar(conn, f"SELECT count(*) FROM cadastre.{table}") for table in REGISTER_TABLES
    }


def register_state(conn: Connection) -> tuple[dict[str, int], list[dict]]:
    """Row counts plus every live parcel and right as stored: nothing may move on a refusal."""
    parcels = rows(
        conn,
        "SELECT id, commune_code, sheet_number, parcel_number, ST_AsEWKB(geom) AS geom, "
        "legal_area, land_uses, status, version, dossier_id, sys_period::text AS sys_period "
        "FROM cadastre.parcel ORDER BY id",
    )
    for parcel in parcels:
        parcel["geom"] = bytes(parcel["geom"])
    rights = rows(
        conn,
        "SELECT id, kind, parcel_id, valid::text AS valid, dossier_id, ended_by_dossier "
        "FROM cadastre.rrr ORDER BY id",
    )
    shares = rows(conn, "SELECT * FROM cadastre.rrr_share ORDER BY rrr_id, party_id")
    return table_counts(conn), parcels + rights + shares


# Dossiers and parties -----------------------------------------------------------------------


def next_number(kind: str) -> str:
    """A fresh dossier number."""
    return f"{kind[:3].upper()}-{next(_dossier_numbers):05d}"


def open_dossier(
    cur: Cursor,
    kind: str,
    received_on: str,
    number: str | None = None,
    officer: str = OFFICER,
    commune: str | None = COMMUNE,
) -> int:
    """Record a received dossier; returns its id."""
    return dossiers.open_dossier(
        cur, number=number or next_number(kind), kind=kind, received_on=received_on,
        officer=officer, commune_code=commune,
    )


def approve(cur: Cursor, dossier_id: int, decided_on: str) -> None:
    """Approve a received dossier."""
    dossiers.decide_dossier(cur, dossier_id=dossier_id, status="approved", decided_on=decided_on)


def approved_dossier(
    cur: Cursor,
    kind: str,
    on: str,
    number: str | None = None,
    officer: str = OFFICER,
    received_on: str | None = None,
) -> int:
    """Open a dossier and approve it on `on` (the legal date of its changes); returns its id."""
    dossier_id = open_dossier(cur, kind, received_on or on, number=number, officer=officer)
    approve(cur, dossier_id, on)
    return dossier_id


def add_party(
    cur: Cursor,
    name: str,
    kind: str = "individual",
    id_number: str | None = None,
    members: Sequence[tuple[int, str]] = (),
) -> int:
    """Record a party (with an ID number when given, members for a couple or household)."""
    personal = {"id_number": id_number} if id_number else None
    member_list = [{"party_id": pid, "role": role} for pid, role in members] or None
    return parties.add_party(cur, kind=kind, name=name, members=member_list, personal=personal)


def holders(*pairs: tuple[int, str | Fraction]) -> str:
    """Holders JSON for the operations: holders((a, '1/2'), (b, '1/2'))."""
    return json.dumps([{"party_id": pid, "share": str(share)} for pid, share in pairs])


def land_uses(*items: tuple[str, float]) -> str:
    """Land-use JSON: land_uses(('ODT', 60.0), ('CLN', 40.0))."""
    return json.dumps([{"code": code, "area": area} for code, area in items])


# Parcels ------------------------------------------------------------------------------------


def register_parcel(
    cur: Cursor,
    dossier_id: int,
    number: int,
    wkt: str,
    holder_json: str | None,
    uses: str | None = None,
    legal_area: float | None = None,
    commune: str = COMMUNE,
    sheet: str = SHEET,
    address: str | None = None,
) -> int:
    """First registration of a parcel (and its land-use right when holders are given)."""
    if uses is None:
        area = (
            legal_area
            if legal_area is not None
            else cur_scalar(cur, f"SELECT round(ST_Area({geom_sql()})::numeric, 1)", (wkt,))
        )
        uses = land_uses(("ODT", float(area)))
    return parcels.register_parcel(
        cur, dossier_id=dossier_id, commune=commune, sheet=sheet, number=number,
        geom=ewkt(wkt), legal_area=legal_area, land_uses=uses, holders=holder_json,
        address=address,
    )


def first_registration(
    conn: Connection,
    at: str,
    number: int,
    wkt: str,
    holder_names: Sequence[tuple[str, str]] = (("Nguyễn Văn An", "1"),),
    uses: str | None = None,
    commune: str = COMMUNE,
    sheet: str = SHEET,
) -> tuple[int, list[int]]:
    """In one transaction at `at`: approve a first-registration dossier, add the holders and
    register the parcel to them. Returns (parcel id, party ids)."""
    with change(conn, at) as cur:
        dossier_id = approved_dossier(cur, "first_registration", at[:10])
        party_ids = [add_party(cur, name) for name, _ in holder_names]
        pairs = [(pid, share) for pid, (_, share) in zip(party_ids, holder_names, strict=True)]
        parcel_id = register_parcel(
            cur, dossier_id, number, wkt, holders(*pairs), uses=uses, commune=commune, sheet=sheet
        )
    return parcel_id, party_ids


def register_to(
    conn: Connection,
    at: str,
    number: int,
    wkt: str,
    pairs: Sequence[tuple[int, str]],
    uses: str | None = None,
    commune: str = COMMUNE,
    sheet: str = SHEET,
) -> int:
    """First registration at `at` of a parcel to existing parties [(party id, share)]."""
    with change(conn, at) as cur:
        dossier_id = approved_dossier(cur, "first_registration", at[:10])
        return register_parcel(
            cur, dossier_id, number, wkt, holders(*pairs), uses=uses, commune=commune, sheet=sheet
        )


def new_parties(conn: Connection, at: str, *names: str) -> list[int]:
    """Record parties (individuals) in a transaction of their own at `at`."""
    with change(conn, at) as cur:
        return [add_party(cur, name) for name in names]


# Operations on an open cursor (inside `change`) ----------------------------------------------


def transfer(
    cur: Cursor, dossier_id: int, parcel_id: int, holder_json: str, effective: str | None = None
) -> int:
    """cadastre.transfer_right: returns the new right's id."""
    return rights.transfer_right(
        cur, dossier_id=dossier_id, parcel_id=parcel_id, holders=holder_json, effective=effective
    )


def restrict(
    cur: Cursor,
    dossier_id: int,
    parcel_id: int,
    kind: str,
    party_id: int | None = None,
    amount: int | None = None,
    note: str | None = None,
) -> int:
    """cadastre.register_restriction: returns the restriction's id."""
    return rights.register_restriction(
        cur, dossier_id=dossier_id, parcel_id=parcel_id, kind=kind, party_id=party_id,
        amount=amount, note=note,
    )


def release(cur: Cursor, dossier_id: int, rrr_id: int) -> None:
    """cadastre.release_restriction."""
    rights.release_restriction(cur, dossier_id=dossier_id, rrr_id=rrr_id)


def split(
    cur: Cursor,
    dossier_id: int,
    parent_id: int,
    wkts: Sequence[str],
    numbers: Sequence[int],
    uses: Sequence[str] | None = None,
    expected_version: int | None = None,
) -> list[int]:
    """cadastre.split_parcel: returns the children's ids in the order of `wkts`."""
    return parcels.split_parcel(
        cur, dossier_id=dossier_id, parent_id=parent_id, geoms=[ewkt(w) for w in wkts],
        numbers=numbers, land_uses=list(uses) if uses else None,
        expected_version=expected_version,
    )


def merge(cur: Cursor, dossier_id: int, parcel_ids: Sequence[int], number: int) -> int:
    """cadastre.merge_parcels: returns the merged parcel's id."""
    return parcels.merge_parcels(cur, dossier_id=dossier_id, parcel_ids=parcel_ids, number=number)


def correct_boundary(
    cur: Cursor,
    dossier_id: int,
    parcel_id: int,
    wkt: str,
    legal_area: float | None = None,
    expected_version: int | None = None,
) -> int:
    """cadastre.correct_boundary: returns the new version."""
    return parcels.correct_boundary(
        cur, dossier_id=dossier_id, parcel_id=parcel_id, geom=ewkt(wkt), legal_area=legal_area,
        expected_version=expected_version,
    )


def change_land_use(
    cur: Cursor, dossier_id: int, parcel_id: int, uses: str, expected_version: int | None = None
) -> int:
    """cadastre.change_land_use: returns the new version."""
    return parcels.change_land_use(
        cur, dossier_id=dossier_id, parcel_id=parcel_id, land_uses=uses,
        expected_version=expected_version,
    )


def issue_certificate(
    cur: Cursor,
    dossier_id: int,
    serial: str,
    parcel_ids: Sequence[int],
    replaces: str | None = None,
    book_number: str = "CS-00001",
) -> int:
    """cadastre.issue_certificate: returns the certificate's id."""
    return certificates.issue_certificate(
        cur, dossier_id=dossier_id, serial=serial, book_number=book_number,
        parcel_ids=parcel_ids, replaces=replaces,
    )


# Reads --------------------------------------------------------------------------------------


def parcel(conn: Connection, parcel_id: int) -> dict:
    """The live row of a parcel, with its geometry's area and WKT."""
    return row(
        conn,
        "SELECT *, ST_Area(geom) AS area, ST_AsText(geom) AS wkt, "
        "cadastre.parcel_ref(commune_code, sheet_number, parcel_number) AS ref "
        "FROM cadastre.parcel WHERE id = %s",
        (parcel_id,),
    )


def parcel_id_by_ref(conn: Connection, commune: str, sheet: str, number: int) -> int:
    """The id of the current parcel bearing an identity."""
    return scalar(
        conn,
        "SELECT id FROM cadastre.parcel WHERE commune_code = %s AND sheet_number = %s "
        "AND parcel_number = %s AND status = 'current'",
        (commune, sheet, number),
    )


def open_rights(conn: Connection, parcel_id: int) -> list[dict]:
    """Rights and restrictions of a parcel that have not ended."""
    return rows(
        conn,
        "SELECT id, kind, lower(valid) AS valid_from, upper(valid) AS valid_until, creditor_id, "
        "amount, dossier_id FROM cadastre.rrr WHERE parcel_id = %s AND upper_inf(valid) "
        "ORDER BY id",
        (parcel_id,),
    )


def current_holders(conn: Connection, parcel_id: int) -> dict[str, str]:
    """{holder name: share} of the parcel's open land-use right."""
    found = rows(
        conn,
        "SELECT p.name, s.numerator || '/' || s.denominator AS share "
        "FROM cadastre.rrr AS r JOIN cadastre.rrr_share AS s ON s.rrr_id = r.id "
        "JOIN cadastre.party AS p ON p.id = s.party_id "
        "WHERE r.parcel_id = %s AND r.kind = 'land_use_right' AND upper_inf(r.valid)",
        (parcel_id,),
    )
    return {item["name"]: item["share"] for item in found}


def rights_as_of(
    conn: Connection, parcel_id: int, legal_date: str, known_at: str | None = None
) -> list[dict]:
    """cadastre.rights_as_of as dicts."""
    return rows(
        conn,
        "SELECT * FROM cadastre.rights_as_of(p_parcel_id => %s, p_legal_date => %s, "
        "p_known_at => %s)",
        (parcel_id, legal_date, known_at),
    )


def holders_as_of(
    conn: Connection, parcel_id: int, legal_date: str, known_at: str | None = None
) -> dict[str, str]:
    """{holder name: share} of the land-use right in force on a legal date, as known at a time."""
    return {
        item["party_name"]: item["share"]
        for item in rights_as_of(conn, parcel_id, legal_date, known_at)
        if item["kind"] == "land_use_right"
    }


def restrictions_as_of(
    conn: Connection, parcel_id: int, legal_date: str, known_at: str | None = None
) -> list[str]:
    """Kinds of the restrictions in force on a legal date, as known at a time."""
    return sorted(
        item["kind"]
        for item in rights_as_of(conn, parcel_id, legal_date, known_at)
        if item["class"] == "restriction"
    )


def parcel_as_of(conn: Connection, parcel_id: int, at: str) -> list[dict]:
    """cadastre.parcel_as_of(id, t) as dicts with area and WKT."""
    return rows(
        conn,
        "SELECT *, ST_Area(geom) AS area, ST_AsText(geom) AS wkt "
        "FROM cadastre.parcel_as_of(%s::bigint, %s::timestamptz)",
        (parcel_id, at),
    )


def parcel_as_of_identity(
    conn: Connection, commune: str, sheet: str, number: int, at: str
) -> list[dict]:
    """cadastre.parcel_as_of(commune, sheet, number, t) as dicts with area."""
    return rows(
        conn,
        "SELECT *, ST_Area(geom) AS area FROM cadastre.parcel_as_of(%s, %s, %s, %s::timestamptz)",
        (commune, sheet, number, at),
    )


def overlapping_current_pairs(conn: Connection) -> list[dict]:
    """Pairs of current parcels whose interiors overlap beyond the register's tolerances."""
    return rows(
        conn,
        "SELECT a.id AS a, b.id AS b, ST_Area(ST_Intersection(a.geom, b.geom)) AS area "
        "FROM cadastre.parcel AS a JOIN cadastre.parcel AS b "
        "  ON a.id < b.id AND a.geom && b.geom "
        "WHERE a.status = 'current' AND b.status = 'current' "
        "  AND ST_Area(ST_Intersection(a.geom, b.geom)) > cadastre.tolerance('overlap_area')",
    )


def rights_with_bad_shares(conn: Connection) -> list[dict]:
    """Rights (class right) whose holders' shares do not sum to exactly 1."""
    return rows(
        conn,
        "SELECT r.id, t.numerator, t.denominator, t.holders FROM cadastre.rrr AS r "
        "JOIN cadastre.rrr_kind AS k ON k.code = r.kind AND k.class = 'right' "
        "CROSS JOIN LATERAL cadastre.share_total(r.id) AS t "
        "WHERE t.holders = 0 OR t.numerator <> t.denominator",
    )


def invariant_violations(conn: Connection) -> dict[str, int]:
    """Counts of everything the register forbids; all must be zero after any crash or race."""
    return {
        "invalid geometry": scalar(
            conn, "SELECT count(*) FROM cadastre.parcel WHERE NOT ST_IsValid(geom)"
        ),
        "overlapping current parcels": len(overlapping_current_pairs(conn)),
        "rights whose shares do not sum to 1": len(rights_with_bad_shares(conn)),
        "changes without a dossier": scalar(
            conn, "SELECT count(*) FROM cadastre.parcel_version WHERE dossier_id IS NULL"
        ),
    }
