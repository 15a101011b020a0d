"""The extract's content (cadastre.extract_content) and its issue (cadastre.issue_extract):
the vertices are the stored geometry's points, the edges their distances, the neighbours those
the map frame shows, the scale the largest standard one that fits, no personal data; officers
issue for a named person, the web role only the public extract; nobody writes the extracts
table directly or forges a record."""

from __future__ import annotations

import hashlib
import json
import math
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest

from cadastre.db.connection import connect
from cadastre.extract import LAYOUT_VERSION
from cadastre.register.binding import extracts, parcels
from tests.db.register_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    SHEET,
    add_party,
    approved_dossier,
    change,
    correct_boundary,
    holders,
    rect,
    register_parcel,
    restrict,
    scalar,
)

ID_NUMBER = "001080012345"
HOLDER = "Nguyễn Văn Thửa"
BANK = "Ngân hàng Thương mại Riêng"
DOSSIER_NUMBER = "77/2021/TC"
# An L-shaped parcel with a courtyard (a hole), 586000 + …, 2326000 + … (EPSG:5897).
L_SHAPE = (
    "MULTIPOLYGON(((586000 2326000, 586030 2326000, 586030 2326010, 586012 2326010, "
    "586012 2326025, 586000 2326025, 586000 2326000), "
    "(586003 2326003, 586003 2326006, 586006 2326006, 586006 2326003, 586003 2326003)))"
)


@pytest.fixture
def fabric(register_url: str) -> dict[str, int]:
    """Parcel 45 (the L with a courtyard, held by a named person with an ID number, mortgaged
    to a bank, a dossier open on it), its neighbours 46 (east, touching) and 47 (north,
    touching), 48 in the frame but apart, 49 far outside the frame, and 50 in the other
    commune beside 45."""
    conn = connect(register_url)
    try:
        with change(conn, "2021-03-01") as cur:
            first = approved_dossier(cur, "first_registration", "2021-03-01")
            holder = add_party(cur, HOLDER, id_number=ID_NUMBER)
            ids = {
                "main": register_parcel(cur, first, 45, L_SHAPE, holders((holder, "1")),
                                        address="Số 3 phố Thử"),
                "east": register_parcel(cur, first, 46, rect(30, 0, 45, 10), None),
                "north": register_parcel(cur, first, 47, rect(0, 25, 12, 35), None),
                "apart": register_parcel(cur, first, 48, rect(-20, 0, -10, 10), None),
                "far": register_parcel(cur, first, 49, rect(3000, 3000, 3010, 3010), None),
                "other": register_parcel(cur, first, 50, rect(12, 10, 30, 25), None,
                                         commune=OTHER_COMMUNE),
            }
        with change(conn, "2021-04-01") as cur:
            bank = add_party(cur, BANK, kind="organisation")
            mortgage = approved_dossier(cur, "mortgage", "2021-04-01", number=DOSSIER_NUMBER)
            restrict(cur, mortgage, ids["main"], "mortgage", bank, amount=1_500_000_000)
    finally:
        conn.close()
    return ids


def content_of(url: str, parcel_id: int) -> dict:
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            return extracts.extract_content(cur, parcel_id=parcel_id)
    finally:
        conn.close()


def test_vertices_are_the_stored_geometry_points_and_edges_their_lengths(
    register_url: str, fabric: dict[str, int]
) -> None:
    content = content_of(register_url, fabric["main"])

    conn = connect(register_url)
    try:
        with conn.cursor() as cur:
            # Every point of every ring, but each ring's closing one (it repeats the first).
            cur.execute("""
                SELECT d.path[2], ST_X(d.geom), ST_Y(d.geom)
                FROM cadastre.parcel AS p, ST_DumpPoints(p.geom) AS d
                WHERE p.id = %s ORDER BY d.path""", (fabric["main"],))
            points = cur.fetchall()
    finally:
        conn.close()
    rings: dict[int, list[tuple[float, float]]] = {}
    for ring, x, y in points:
        rings.setdefault(ring, []).append((x, y))
    corners = [point for ring in rings.values() for point in ring[:-1]]
    assert [(v["x"], v["y"]) for v in content["vertices"]] == corners
    assert [v["n"] for v in content["vertices"]] == list(range(1, len(corners) + 1))
    assert len(corners) == 6 + 4  # the L's six corners and the courtyard's four
    # Each edge joins a corner to the next of its ring; the last of a ring closes it.
    expected = []
    n = 1
    for ring in rings.values():
        count = len(ring) - 1
        for i in range(count):
            a, b = ring[i], ring[(i + 1) % count]
            expected.append({"from": n + i, "to": n + (i + 1) % count,
                             "length": round(math.dist(a, b), 2)})
        n += count
    assert content["edges"] == expected
    assert [e["length"] for e in content["edges"][:6]] == [30, 10, 18, 15, 12, 25]


def test_identity_area_land_uses_crs_and_register_date(
    register_url: str, fabric: dict[str, int]
) -> None:
    content = content_of(register_url, fabric["main"])

    assert content["ref"] == f"{COMMUNE}/{SHEET}/45"
    assert (content["sheet"], content["number"]) == (SHEET, 45)
    assert content["commune"]["code"] == COMMUNE
    assert content["address"] == "Số 3 phố Thử"
    assert content["map_area"] == 30 * 10 + 12 * 15 - 9
    assert content["legal_area"] == content["map_area"]
    assert [u["code"] for u in content["land_uses"]] == ["ODT"]
    assert content["land_uses"][0]["name"] == "Đất ở tại đô thị"
    assert content["crs"] == {"srid": 5897, "name": "VN-2000 / TM-3 zone 482"}
    assert content["register_date"] == scalar(
        connect(register_url), "SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text")
    assert content["version"] == 1


def test_scale_is_the_largest_standard_scale_showing_the_parcel_whole(
    register_url: str, fabric: dict[str, int]
) -> None:
    conn = connect(register_url)
    try:
        # 180 × 120 mm of paper, the parcel's box plus a fifth.
        cases = {(20, 10): 200, (30, 20): 200, (31, 10): 500, (100, 60): 1000,
                 (200, 10): 2000, (700, 400): 5000, (1500, 900): 10000, (1600, 10): None}
        for (width, height), scale in cases.items():
            assert scalar(conn, "SELECT cadastre.extract_scale(%s, %s)", (width, height)) == scale
    finally:
        conn.close()
    content = content_of(register_url, fabric["main"])
    # The L is 30 × 25 m: 36 m wide with its margin fits 1:200 (36 m), 30 m high does not
    # (24 m): 1:500, a 90 × 60 m frame centred on it.
    assert content["map"]["scale"] == 500
    xmin, ymin, xmax, ymax = content["map"]["frame"]
    assert (xmax - xmin, ymax - ymin) == (90, 60)
    assert ((xmin + xmax) / 2, (ymin + ymax) / 2) == (586015, 2326012.5)


def test_neighbours_are_the_current_parcels_in_the_frame_the_touching_ones_marked(
    register_url: str, fabric: dict[str, int]
) -> None:
    content = content_of(register_url, fabric["main"])

    found = {n["ref"]: n["adjacent"] for n in content["neighbours"]}
    assert found == {f"{COMMUNE}/{SHEET}/46": True, f"{COMMUNE}/{SHEET}/47": True,
                     f"{COMMUNE}/{SHEET}/48": False, f"{OTHER_COMMUNE}/{SHEET}/50": True}
    # Each outline is cut to the frame: 48 lies whole inside it, 46 too.
    frame = content["map"]["frame"]
    for neighbour in content["neighbours"]:
        for polygon in neighbour["outline"]:
            for ring in polygon:
                for x, y in ring:
                    assert frame[0] - 0.01 <= x <= frame[2] + 0.01
                    assert frame[1] - 0.01 <= y <= frame[3] + 0.01
    east = next(n for n in content["neighbours"] if n["number"] == 46)
    (ring,), = east["outline"]
    assert {tuple(point) for point in ring} == {(586030, 2326000), (586045, 2326000),
                                                (586045, 2326010), (586030, 2326010)}


def test_the_content_holds_no_personal_data(register_url: str, fabric: dict[str, int]) -> None:
    text = json.dumps(content_of(register_url, fabric["main"]), ensure_ascii=False)

    for secret in (HOLDER, ID_NUMBER, BANK, DOSSIER_NUMBER, "1500000000", "mortgage"):
        assert secret not in text
    assert "holder" not in text and "party" not in text


def test_an_officer_issues_an_extract_recorded_with_its_content_hash(
    register_url: str, fabric: dict[str, int], make_user
) -> None:
    officer = make_user("officer", (COMMUNE,))
    conn = connect(officer)
    try:
        with conn, conn.cursor() as cur:
            record = extracts.issue_extract(cur, parcel_id=fabric["main"],
                                            issued_for="Trần Thị Hỏi", layout=LAYOUT_VERSION)
    finally:
        conn.close()

    assert record["code"] and len(record["code"]) == 19
    assert record["verify_url"] == f"http://127.0.0.1:8000/xac-minh/{record['code']}"
    assert record["content"] == content_of(register_url, fabric["main"])
    assert record["parcel_current"] is True
    owner = connect(register_url)
    try:
        with owner.cursor() as cur:
            cur.execute("""
                SELECT issued_by, issued_for, parcel_id, parcel_version, content_sha256,
                       encode(sha256(convert_to(content::text, 'UTF8')), 'hex')
                FROM cadastre.extract WHERE code = %s""", (record["code"],))
            by, issued_for, parcel_id, version, stored_hash, recomputed = cur.fetchone()
    finally:
        owner.close()
    assert by == officer.split("://")[1].split(":")[0]
    assert (issued_for, parcel_id, version) == ("Trần Thị Hỏi", fabric["main"], 1)
    assert stored_hash == recomputed == record["content_sha256"]


def test_the_content_hash_is_the_same_whatever_the_session_time_zone(
    register_url: str, fabric: dict[str, int]
) -> None:
    conn = connect(register_url)
    try:
        hashes = set()
        for zone in ("UTC", "Asia/Ho_Chi_Minh", "America/Lima"):
            with conn.cursor() as cur:
                cur.execute("SET TIME ZONE %s", (zone,))
                content = extracts.extract_content(cur, parcel_id=fabric["main"])
                cur.execute("SELECT %s::jsonb::text", (json.dumps(content),))
                hashes.add(hashlib.sha256(cur.fetchone()[0].encode()).hexdigest())
    finally:
        conn.close()
    assert len(hashes) == 1


def count_extracts(url: str) -> int:
    conn = connect(url)
    try:
        return scalar(conn, "SELECT count(*) FROM cadastre.extract")
    finally:
        conn.close()


def web_url(register_url: str) -> str:
    from cadastre.web.config import WebSettings, web_database_url

    return web_database_url(WebSettings(database_url=register_url))


def test_the_web_role_issues_only_the_public_extract_and_reuses_identical_content(
    register_url: str, fabric: dict[str, int]
) -> None:
    conn = connect(web_url(register_url))
    conn.set_session(readonly=False)
    try:
        codes = []
        for _ in range(2):
            with conn, conn.cursor() as cur:
                cur.execute("SELECT public_register.issue_extract(%s, %s, 45, %s)",
                            (COMMUNE, SHEET, LAYOUT_VERSION))
                codes.append(cur.fetchone()[0]["code"])
        with conn, conn.cursor() as cur:
            cur.execute("SELECT public_register.issue_extract(%s, %s, 999, %s)",
                        (COMMUNE, SHEET, LAYOUT_VERSION))
            assert cur.fetchone()[0] is None  # no such parcel: nothing issued
    finally:
        conn.close()
    assert codes[0] == codes[1]
    owner = connect(register_url)
    try:
        assert scalar(owner, "SELECT issued_for || ' ' || issued_by FROM cadastre.extract") == \
            "public cadastre_web"
    finally:
        owner.close()


@pytest.mark.parametrize("statement", [
    "INSERT INTO cadastre.extract VALUES ('AAAA-BBBB-CCCC-DDDD', {main}, 1, current_date, "
    "'{{}}', repeat('0', 64), '1', 'http://x/', now(), 'me', 'me')",
    "UPDATE cadastre.extract SET content = '{{}}'",
    "DELETE FROM cadastre.extract",
    "SELECT cadastre.issue_extract({main}, 'x', '1')",
    "SELECT cadastre.extract_content({main})",
    "SELECT cadastre.set_extract_url('https://phish.example/')",
])
def test_the_web_role_cannot_write_the_extracts_nor_call_the_officers_operations(
    register_url: str, fabric: dict[str, int], statement: str
) -> None:
    officer_code = _issue_as_owner(register_url, fabric["main"])
    before = count_extracts(register_url)
    conn = connect(web_url(register_url))
    conn.set_session(readonly=False)
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn, conn.cursor() as cur:
            cur.execute(statement.format(main=fabric["main"]))
    finally:
        conn.close()
    assert count_extracts(register_url) == before
    assert _content_of_code(register_url, officer_code)["ref"] == f"{COMMUNE}/{SHEET}/45"


@pytest.mark.parametrize("kind", ["officer", "analyst"])
def test_officers_and_analysts_cannot_write_or_forge_a_record_directly(
    register_url: str, fabric: dict[str, int], make_user, kind: str
) -> None:
    code = _issue_as_owner(register_url, fabric["main"])
    url = make_user(kind, (COMMUNE,) if kind == "officer" else ())
    before = count_extracts(register_url)
    for statement in (
        "INSERT INTO cadastre.extract SELECT 'AAAA-BBBB-CCCC-DDDD', parcel_id, parcel_version, "
        "register_date, content, content_sha256, layout, verify_url, now(), 'x', 'x' "
        "FROM cadastre.extract",
        "UPDATE cadastre.extract SET content = jsonb_set(content, '{legal_area}', '9999')",
        "DELETE FROM cadastre.extract",
        "SELECT public_register.issue_extract('00070', '12', 45, '1')",
        "SELECT cadastre.set_extract_url('https://phish.example/')",
    ):
        conn = connect(url)
        try:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn, conn.cursor() as cur:
                cur.execute(statement)
        finally:
            conn.close()
    assert count_extracts(register_url) == before
    assert _content_of_code(register_url, code)["legal_area"] != 9999


def test_an_analyst_may_not_issue_and_is_told_so(
    register_url: str, fabric: dict[str, int], make_user
) -> None:
    conn = connect(make_user("analyst"))
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn, conn.cursor() as cur:
            extracts.issue_extract(cur, parcel_id=fabric["main"], issued_for="x",
                                   layout=LAYOUT_VERSION)
    finally:
        conn.close()


def test_refusals_name_the_problem_and_record_nothing(
    register_url: str, fabric: dict[str, int], make_user
) -> None:
    officer = make_user("officer", (COMMUNE,))
    with change(connect(register_url), "2021-05-01") as cur:
        dossier = approved_dossier(cur, "acquisition", "2021-05-01")
        parcels.acquire_parcel(cur, dossier_id=dossier, parcel_id=fabric["apart"])
    cases = [
        (fabric["apart"], "Trần Thị Hỏi", LAYOUT_VERSION, psycopg2.errors.NoDataFound,
         "No current parcel"),
        (123456789, "Trần Thị Hỏi", LAYOUT_VERSION, psycopg2.errors.NoDataFound,
         "No current parcel"),
        (fabric["main"], "  ", LAYOUT_VERSION, psycopg2.errors.InvalidParameterValue,
         "Say whom the extract is issued for"),
        (fabric["main"], "x", "1; drop", psycopg2.errors.InvalidParameterValue,
         "Invalid extract layout"),
    ]
    for parcel_id, issued_for, layout, error, words in cases:
        conn = connect(officer)
        try:
            with pytest.raises(error) as raised, conn, conn.cursor() as cur:
                extracts.issue_extract(cur, parcel_id=parcel_id, issued_for=issued_for,
                                       layout=layout)
        finally:
            conn.close()
        assert words in raised.value.diag.message_primary
    assert count_extracts(register_url) == 0


def test_only_an_administrator_sets_the_verification_url(
    register_url: str, fabric: dict[str, int], make_user
) -> None:
    conn = connect(make_user("admin"))
    try:
        with pytest.raises(psycopg2.errors.InvalidParameterValue), conn, conn.cursor() as cur:
            extracts.set_extract_url(cur, url="javascript:alert(1)/")
        with conn, conn.cursor() as cur:
            extracts.set_extract_url(cur, url="https://dichvu.example.vn/xac-minh/")
            record = extracts.issue_extract(cur, parcel_id=fabric["main"], issued_for="x",
                                            layout=LAYOUT_VERSION)
    finally:
        conn.close()
    assert record["verify_url"] == f"https://dichvu.example.vn/xac-minh/{record['code']}"


def _issue_as_owner(url: str, parcel_id: int) -> str:
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            return extracts.issue_extract(cur, parcel_id=parcel_id, issued_for="Owner",
                                          layout=LAYOUT_VERSION)["code"]
    finally:
        conn.close()


def _content_of_code(url: str, code: str) -> dict:
    conn = connect(url)
    try:
        return scalar(conn, "SELECT content FROM cadastre.extract WHERE code = %s", (code,))
    finally:
        conn.close()


def test_a_record_keeps_what_it_certified_after_the_parcel_changes(
    register_url: str, fabric: dict[str, int]
) -> None:
    code = _issue_as_owner(register_url, fabric["north"])
    with change(connect(register_url), "2021-06-01") as cur:
        survey = approved_dossier(cur, "resurvey", "2021-06-01")
        correct_boundary(cur, survey, fabric["north"], rect(0, 25, 12, 36))

    web = connect(web_url(register_url))
    try:
        with web, web.cursor() as cur:
            cur.execute("SELECT public_register.extract_record(%s)", (code.lower(),))
            record = cur.fetchone()[0]
            cur.execute("SELECT public_register.extract_record('0000-0000-0000-0000')")
            assert cur.fetchone()[0] is None
    finally:
        web.close()
    assert record["parcel_current"] is False
    assert record["content"]["legal_area"] == 120  # as certified, not the 132 m² of now
    assert record["content"]["version"] == 1
    assert content_of(register_url, fabric["north"])["version"] == 2
    assert "issued_for" not in record and "issued_by" not in record



def test_public_downloads_at_once_make_one_record(
    register_url: str, fabric: dict[str, int]
) -> None:
    def download(_: int) -> str:
        conn = connect(web_url(register_url))
        conn.set_session(readonly=False)
        try:
            with conn, conn.cursor() as cur:
                cur.execute("SELECT public_register.issue_extract(%s, %s, 46, %s)",
                            (COMMUNE, SHEET, LAYOUT_VERSION))
                code = cur.fetchone()[0]["code"]
                cur.execute("SELECT pg_sleep(0.2)")  # the others arrive while this one is open
                return code
        finally:
            conn.close()

    with ThreadPoolExecutor(4) as pool:
        codes = set(pool.map(download, range(4)))

    assert len(codes) == 1
    assert count_extracts(register_url) == 1
