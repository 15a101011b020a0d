"""The national look-up fed by two province registers over logical replication: Hà Nội (01,
VN-2000 EPSG:5897) and Đà Nẵng (48, EPSG:5899), each its own cluster, home and port on the
loopback, like the national cluster. It finds parcels of both by province-qualified
reference, address and certificate; keeps serving a province that is down, marked stale, and
catches up when it returns (and after its own outage); a change re-published in a province,
and a commune merger, flow through; no personal data reaches it nor the province's public
copy; the publication role enters that copy only."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg2
import pytest
from fastapi.testclient import TestClient

from cadastre.db.server import ProjectServer
from cadastre.national.cluster import NationalCluster
from cadastre.national.settings import NationalSettings
from cadastre.national.web import create_national_app
from tests.db.register_helpers import approve, holders, open_dossier, transfer
from tests.db.test_server import TEST_HOMES, cadastre
from tests.scaling.national_helpers import (
    ProvinceRegister,
    register_parcel,
    start_national,
    start_province,
    stopped_at_exit,
    wait_for,
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="the clusters run as the postgres OS user (needs root)"
)

HANOI = (105.8520, 21.0285)
DANANG = (108.2210, 16.0680)
PEOPLE = {
    "hn1": ("Nguyễn Thị Hồng Nhung", "001190012345"),
    "hn2": ("Trần Quốc Bảo", "001085067890"),
    "hn_buyer": ("Đỗ Minh Khang", "001099055511"),
    "dn1": ("Lê Thị Thu Hà", "048192034567"),
    "dn2": ("Phạm Văn Đức", "048078011223"),
    "dn3": ("Võ Thành Trung", "048088044556"),
}


@dataclass
class Country:
    """Two provinces, the national look-up, its web view, and what the tests registered."""

    hanoi: ProvinceRegister
    danang: ProvinceRegister
    national: NationalCluster
    settings: NationalSettings
    national_env: dict[str, str]
    client: TestClient
    hn_commune: str
    dn_communes: tuple[str, str]
    parcels: dict[str, int]


def _communes(register: ProvinceRegister, count: int) -> list[str]:
    with register.owner() as conn, conn.cursor() as cur:
        cur.execute("SELECT code FROM cadastre.admin_unit WHERE level = 'commune' "
                    "AND upper_inf(valid) ORDER BY code LIMIT %s", (count,))
        found = [code for (code,) in cur.fetchall()]
    conn.close()
    return found


def _certificate(register: ProvinceRegister, at: str, commune: str, serial: str,
                 parcel: int) -> None:
    with register.owner() as conn, conn.cursor() as cur:
        cur.execute("SELECT cadastre.set_clock(%s)", (at,))
        dossier = open_dossier(cur, "first_registration", at[:10], commune=commune)
        approve(cur, dossier, at[:10])
        cur.execute("SELECT cadastre.issue_certificate(%s, %s, %s, %s::bigint[], NULL, NULL)",
                    (dossier, serial, "BOOK-1", [parcel]))
    conn.close()


@pytest.fixture(scope="module")
def country() -> Iterator[Country]:
    root = TEST_HOMES / f"national-{uuid.uuid4().hex[:8]}"
    root.mkdir(parents=True)
    started: list[ProjectServer] = []
    with stopped_at_exit(started):
        hanoi = start_province(root / "p01", "01", started)
        danang = start_province(root / "p48", "48", started)
        (hn_commune,) = _communes(hanoi, 1)
        dn_a, dn_b = _communes(danang, 2)
        parcels = {
            "hn1": register_parcel(hanoi, "2026-03-02 09:00", hn_commune, "7", 1, *HANOI,
                                   "Số 4 phố Hàng Bạc", [PEOPLE["hn1"]]),
            "hn2": register_parcel(hanoi, "2026-03-03 09:00", hn_commune, "7", 2,
                                   HANOI[0] + 0.001, HANOI[1], "Số 15 phố Hàng Bạc",
                                   [PEOPLE["hn2"]]),
            "dn1": register_parcel(danang, "2026-03-02 09:00", dn_b, "3", 1, *DANANG,
                                   "Số 27 đường Bạch Đằng", [PEOPLE["dn1"]]),
            "dn2": register_parcel(danang, "2026-03-03 09:00", dn_a, "5", 9,
                                   DANANG[0] + 0.002, DANANG[1], "Số 9 đường Trần Phú",
                                   [PEOPLE["dn2"]]),
        }
        _certificate(hanoi, "2026-03-04 09:00", hn_commune, "HN000001", parcels["hn1"])
        _certificate(danang, "2026-03-04 09:00", dn_b, "DN000001", parcels["dn1"])
        for register in (hanoi, danang):
            register.cli("db", "publish")
        national, settings, env = start_national(root / "national", started)
        for register in (hanoi, danang):
            added = cadastre("national", "add-province", register.publisher_url(), env=env)
            assert added.returncode == 0, added.stderr
        with TestClient(create_national_app(national, settings)) as client:
            yield Country(hanoi, danang, national, settings, env, client, hn_commune,
                          (dn_a, dn_b), parcels)
    shutil.rmtree(root, ignore_errors=True)


def _ref(commune: str, sheet: str, number: int) -> str:
    return f"{commune}/{sheet}/{number}"


def _parcel(country: Country, province: str, ref: str) -> dict:
    answer = country.client.get(f"/api/parcels/{province}/{ref}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _feeds(country: Country) -> dict[str, dict]:
    return {f["code"]: f for f in country.client.get("/api/provinces").json()}


def _national_rows(country: Country, database: str, query: str,
                   params: tuple | None = None) -> list:
    with country.national.connect(database) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def test_national_look_up_finds_parcels_of_both_provinces(country: Country) -> None:
    hn = _parcel(country, "01", _ref(country.hn_commune, "7", 1))
    assert hn["ref"] == f"01/{country.hn_commune}/7/1"
    assert hn["province"]["code"] == "01" and not hn["province"]["stale"]
    assert hn["page_in_force"] and hn["document"]["address"] == "Số 4 phố Hàng Bạc"
    assert [h["name"] for h in hn["document"]["holders"]] == ["N*** T*** H*** N***"]
    dn = _parcel(country, "48", _ref(country.dn_communes[1], "3", 1))
    assert dn["province"]["name"] == "Thành phố Đà Nẵng"
    assert dn["document"]["address"] == "Số 27 đường Bạch Đằng"
    # Đà Nẵng's parcel lies where it is, from its own zone (TM-3 107°45'): not in Hà Nội's.
    assert 108.2 < dn["document"]["location"]["lon"] < 108.25
    assert 105.8 < hn["document"]["location"]["lon"] < 105.9
    # Commune codes are national: the province is found from the commune alone.
    alone = country.client.get(f"/api/parcels/{_ref(country.dn_communes[1], '3', 1)}")
    assert alone.status_code == 200 and alone.json()["province"]["code"] == "48"
    # By address, across provinces; by certificate serial, in whichever province.
    hits = country.client.get("/api/addresses", params={"q": "hang bac"}).json()
    assert sorted(h["ref"] for h in hits) == [f"01/{country.hn_commune}/7/1",
                                             f"01/{country.hn_commune}/7/2"]
    hits = country.client.get("/api/addresses", params={"q": "27 Bạch Đằng"}).json()
    assert [h["ref"] for h in hits] == [f"48/{country.dn_communes[1]}/3/1"]
    certificate = country.client.get("/api/certificates/DN000001").json()
    assert certificate["province"]["code"] == "48"
    assert certificate["parcels"] == [_ref(country.dn_communes[1], "3", 1)]
    assert country.client.get("/api/certificates/HN000001").json()["province"]["code"] == "01"
    # The pages people read: the form finds the parcel, its page says the province is fresh.
    found = country.client.get("/tim", params={"commune": f"48/{country.dn_communes[1]}",
                                               "sheet": "3", "number": 1},
                               follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"].startswith(f"/thua/48/{country.dn_communes[1]}/3/1")
    page = country.client.get(found.headers["location"])
    assert page.status_code == 200
    assert 'data-province="48"' in page.text and 'data-stale="false"' in page.text
    assert "Số 27 đường Bạch Đằng" in page.text
    home = country.client.get("/")
    assert 'data-province="01"' in home.text and 'data-province="48"' in home.text
    assert "/api/parcels/{province}/{commune}/{sheet}/{number}" in country.client.get("/api").text


def test_unknown_province_and_parcel_are_clear_404s(country: Country) -> None:
    answer = country.client.get(f"/api/parcels/02/{_ref(country.hn_commune, '7', 1)}")
    assert answer.status_code == 404
    assert answer.json()["message_en"] == "Province 02 is not in the national look-up."
    missing = country.client.get(f"/api/parcels/01/{_ref(country.hn_commune, '7', 999)}")
    assert missing.status_code == 404
    malformed = country.client.get("/api/parcels/1/00070/7/1")
    assert malformed.status_code == 422
    assert [e["parameter"] for e in malformed.json()["errors"]] == ["province"]
    assert country.client.get("/api/addresses", params={"q": "a\x00"}).status_code == 422


def test_status_shows_each_province_streaming(country: Country) -> None:
    status = cadastre("national", "status", env={**country.national_env, "COLUMNS": "160"})
    assert status.returncode == 0, status.stderr
    assert "01 Thành phố Hà Nội" in status.stdout and "48 Thành phố Đà Nẵng" in status.stdout
    assert status.stdout.count("streaming") == 2 and "STALE" not in status.stdout


def test_province_offline_is_served_stale_then_catches_up(country: Country) -> None:
    dn_b = country.dn_communes[1]
    country.danang.server.stop()
    try:
        wait_for(lambda: _feeds(country)["48"]["stale"], "Đà Nẵng to be marked stale")
        served = _parcel(country, "48", _ref(dn_b, "3", 1))
        assert served["province"]["stale"] and not served["province"]["streaming"]
        assert served["province"]["data_as_of"] is not None
        assert served["document"]["address"] == "Số 27 đường Bạch Đằng"
        assert not _feeds(country)["01"]["stale"]
        assert not _parcel(country, "01", _ref(country.hn_commune, "7", 1))["province"]["stale"]
        page = country.client.get(f"/thua/48/{_ref(dn_b, '3', 1)}")
        assert 'data-stale="true"' in page.text and "feed-stale" in page.text
        status = cadastre("national", "status", env={**country.national_env, "COLUMNS": "160"})
        assert "STALE" in status.stdout and "offline" in status.stdout
    finally:
        country.danang.cli("db", "start")
    country.parcels["dn3"] = register_parcel(
        country.danang, "2026-03-05 09:00", dn_b, "3", 2, DANANG[0] + 0.004, DANANG[1],
        "Số 31 đường Bạch Đằng", [PEOPLE["dn3"]])
    country.danang.cli("db", "publish")
    back = wait_for(lambda: country.client.get(f"/api/parcels/48/{_ref(dn_b, '3', 2)}"),
                    "Đà Nẵng's new parcel", timeout_s=90)
    wait_for(lambda: country.client.get(f"/api/parcels/48/{_ref(dn_b, '3', 2)}").status_code
             == 200 and not _feeds(country)["48"]["stale"], "Đà Nẵng to stream again",
             timeout_s=90)
    assert back is not None


def test_national_outage_catches_up_on_everything_published_meanwhile(country: Country) -> None:
    country.national.server.stop()
    try:
        for number in range(10, 30):
            register_parcel(country.hanoi, f"2026-03-06 09:{number:02d}", country.hn_commune,
                            "8", number, HANOI[0] + 0.0004 * number, HANOI[1] + 0.002,
                            f"Số {number} phố Hàng Đào", [(f"Người Thứ {number}", None)])
        country.hanoi.cli("db", "publish")
    finally:
        country.national.server.start()
    started = time.monotonic()
    wait_for(lambda: _national_rows(
        country, "p01", "SELECT count(*) FROM public_register.parcel_page AS g "
        "JOIN cadastre.parcel AS p ON p.id = g.parcel_id WHERE p.sheet_number = '8' "
        "AND g.document IS NOT NULL")[0][0] == 20, "the 20 pages published meanwhile")
    assert time.monotonic() - started < 60


def test_a_change_re_published_in_a_province_flows_through(country: Country) -> None:
    ref = _ref(country.hn_commune, "7", 1)
    with country.hanoi.owner() as conn, conn.cursor() as cur:
        cur.execute("SELECT cadastre.set_clock(%s)", ("2026-03-07 09:00",))
        dossier = open_dossier(cur, "sale", "2026-03-07", commune=country.hn_commune)
        approve(cur, dossier, "2026-03-07")
        cur.execute("SELECT cadastre.add_party('individual', %s, NULL, %s)",
                    (PEOPLE["hn_buyer"][0], f'{{"id_number": "{PEOPLE["hn_buyer"][1]}"}}'))
        buyer = cur.fetchone()[0]
        transfer(cur, dossier, country.parcels["hn1"], holders((buyer, "1")))
    conn.close()
    # Withdrawn by the province: the national view says it is being re-published.
    wait_for(lambda: not _parcel(country, "01", ref)["page_in_force"], "the withdrawal")
    pending = country.client.get(f"/thua/01/{ref}")
    assert pending.status_code == 200 and 'id="page-pending"' in pending.text
    assert "Số 4 phố Hàng Bạc" in pending.text
    country.hanoi.cli("db", "publish")
    fresh = wait_for(lambda: (a := _parcel(country, "01", ref))["page_in_force"] and a,
                     "the re-published page")
    assert [h["name"] for h in fresh["document"]["holders"]] == ["Đ*** M*** K***"]


def test_a_commune_merger_flows_through(country: Country) -> None:
    old, new = country.dn_communes
    with country.danang.owner() as conn, conn.cursor() as cur:
        cur.execute("SELECT cadastre.set_clock(%s)", ("2026-03-08 09:00",))
        dossier = open_dossier(cur, "commune_reassignment", "2026-03-08", commune=old)
        approve(cur, dossier, "2026-03-08")
        cur.execute("SELECT cadastre.reassign_commune(%s, %s, %s, %s, %s)",
                    (dossier, old, new, "2026-03-08", "A"))
    conn.close()
    country.danang.cli("db", "publish")

    def merged() -> dict | None:
        answer = country.client.get(f"/api/parcels/48/{_ref(old, '5', 9)}")
        if answer.status_code != 200:
            return None
        found = answer.json()
        return found if found["parcel"]["commune"]["code"] == new and found["document"] else None

    found = wait_for(merged, "the merged commune's parcel under its new commune")
    assert found["document"]["address"] == "Số 9 đường Trần Phú"
    assert {"commune_code": old, "sheet_number": "5", "parcel_number": 9}.items() <= \
        found["document"]["old_identifiers"][0].items()
    assert _national_rows(country, "p48", "SELECT replaced_by FROM cadastre.admin_unit "
                          "WHERE code = %s", (old,)) == [(new,)]


def _secrets(register: ProvinceRegister) -> set[str]:
    """Every party's full name and every personal value the province holds privately."""
    with register.owner() as conn, conn.cursor() as cur:
        cur.execute("SELECT name FROM cadastre.party")
        found = {name for (name,) in cur.fetchall()}
        cur.execute("SELECT id_number FROM cadastre.party_personal WHERE id_number <> '' "
                    "UNION SELECT address FROM cadastre.party_personal WHERE address <> ''")
        found |= {value for (value,) in cur.fetchall()}
    conn.close()
    return found


def test_no_personal_data_reaches_the_national_database(country: Country) -> None:
    secrets = _secrets(country.hanoi) | _secrets(country.danang)
    assert {PEOPLE["hn1"][0], PEOPLE["hn1"][1], PEOPLE["dn1"][1]} <= secrets
    scanned = 0
    for database in ("national", "p01", "p48"):
        tables = _national_rows(
            country, database,
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
            "WHERE table_schema IN ('cadastre', 'public_register', 'national')")
        for (table,) in tables:
            for (text,) in _national_rows(country, database,
                                          f"SELECT row_to_json(t)::text FROM {table} AS t"):
                scanned += 1
                leaked = [s for s in secrets if s in text]
                assert not leaked, f"{database}.{table} holds {leaked}"
    for register in (country.hanoi, country.danang):
        with register.owner("cadastre_public") as conn, conn.cursor() as cur:
            cur.execute("SELECT format('%I.%I', table_schema, table_name) FROM "
                        "information_schema.tables WHERE table_schema IN "
                        "('cadastre', 'public_register')")
            for (table,) in cur.fetchall():
                cur.execute(f"SELECT row_to_json(t)::text FROM {table} AS t")
                for (text,) in cur.fetchall():
                    scanned += 1
                    leaked = [s for s in secrets if s in text]
                    assert not leaked, f"the public copy's {table} holds {leaked}"
        conn.close()
    assert scanned > 50
    # The publication role's secret is in neither the subscription nor the national log.
    password = country.hanoi.publisher_password()
    conninfo = _national_rows(country, "p01", "SELECT subconninfo FROM pg_subscription")
    assert conninfo and all(password not in c for (c,) in conninfo)
    assert password not in country.national.server.log_file.read_text(errors="replace")


def _as_publisher(register: ProvinceRegister, database: str = "cadastre_public",
                  port: int | None = None) -> psycopg2.extensions.connection:
    return psycopg2.connect(host="127.0.0.1", port=port or register.server.port,
                            dbname=database, user="cadastre_publisher",
                            password=register.publisher_password(), connect_timeout=5)


def test_the_publication_role_enters_only_the_public_copy(country: Country) -> None:
    hanoi = country.hanoi
    # Not the register, nor any other database, nor the national cluster.
    for database in ("cadastre", "postgres"):
        with pytest.raises(psycopg2.OperationalError, match=r"pg_hba\.conf rejects"):
            _as_publisher(hanoi, database)
    with pytest.raises(psycopg2.OperationalError):
        _as_publisher(hanoi, "national", port=country.national.server.port)
    # Not a physical copy of the whole cluster either.
    backup = hanoi.server.home / f"stolen-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "PGPASSWORD": hanoi.publisher_password()}
    copied = subprocess.run(
        [str(hanoi.server.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p",
         str(hanoi.server.port), "-U", "cadastre_publisher", "-D", str(backup), "-w"],
        capture_output=True, text=True, env=env, timeout=60, check=False)
    shutil.rmtree(backup, ignore_errors=True)
    assert copied.returncode != 0 and "no pg_hba.conf entry" in copied.stderr
    # In the public copy it reads, and writes nothing.
    conn = _as_publisher(hanoi)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM public_register.parcel_page")
            assert cur.fetchone()[0] > 0
            with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
                cur.execute("UPDATE public_register.parcel_page SET document = NULL")
            # Decoding the public copy's changes with another output plugin (what a
            # REPLICATION role may always do) shows public data only.
            cur.execute("SELECT pg_create_logical_replication_slot('spy', 'test_decoding')")
        spied = register_parcel(hanoi, "2026-03-09 09:00", country.hn_commune, "9", 1,
                                HANOI[0] - 0.002, HANOI[1], "Số 2 phố Hàng Bè",
                                [("Hoàng Thị Bí Mật", "001177000001")])
        hanoi.cli("db", "publish")

        def decoded() -> list[str]:
            with conn.cursor() as cur:
                cur.execute("SELECT data FROM pg_logical_slot_peek_changes('spy', NULL, NULL)")
                return [data for (data,) in cur.fetchall()]

        seen = wait_for(lambda: (rows := decoded()) and any("Hàng Bè" in r for r in rows)
                        and rows, "the new parcel in the public copy's changes")
        text = "\n".join(seen)
        assert f"id[bigint]:{spied}" in text
        for secret in ("Hoàng Thị Bí Mật", "001177000001"):
            assert secret not in text
        with conn.cursor() as cur:
            cur.execute("SELECT pg_drop_replication_slot('spy')")
    finally:
        conn.close()


def test_national_rules_are_the_provinces_word_for_word(country: Country) -> None:
    query = ("SELECT p.proname, p.prosrc FROM pg_proc AS p WHERE p.pronamespace = "
             "'public_register'::regnamespace AND p.proname IN ('fold', 'page_in_force') "
             "ORDER BY 1")
    with country.hanoi.owner() as conn, conn.cursor() as cur:
        cur.execute(query)
        province = cur.fetchall()
    conn.close()
    assert len(province) == 2
    assert _national_rows(country, "p01", query) == province


def test_the_national_web_role_cannot_write_nor_read_the_feeds_secrets(country: Country) -> None:
    conn = psycopg2.connect(country.national.web_url("p01"), connect_timeout=5)
    try:
        with pytest.raises(psycopg2.Error), conn.cursor() as cur:
            cur.execute("DELETE FROM public_register.parcel_page")
        conn.rollback()
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cur:
            cur.execute("SELECT subconninfo FROM pg_subscription")
    finally:
        conn.close()
    assert len(_national_rows(country, "p01", "SELECT 1 FROM public_register.parcel_page")) > 0


def test_dropping_a_province_removes_its_data_and_its_slot(country: Country) -> None:
    """Last in this module: Đà Nẵng leaves the look-up."""
    dropped = cadastre("national", "drop-province", "48", env=country.national_env)
    assert dropped.returncode == 0, dropped.stderr
    assert "no longer in the national look-up" in dropped.stdout
    assert _national_rows(country, "postgres", "SELECT datname FROM pg_database "
                          "WHERE datname = 'p48'") == []
    with country.danang.owner("cadastre_public") as conn, conn.cursor() as cur:
        cur.execute("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'national%'")
        assert cur.fetchall() == []
    conn.close()
    gone = wait_for(lambda: (a := country.client.get(
        f"/api/parcels/48/{_ref(country.dn_communes[1], '3', 1)}")).status_code == 404 and a,
        "the web view to forget Đà Nẵng")
    assert gone.json()["message_en"] == "Province 48 is not in the national look-up."
    assert list(_feeds(country)) == ["01"]
    again = cadastre("national", "drop-province", "48", env=country.national_env)
    assert again.returncode == 1 and "Province 48 is not in the national look-up" in again.stderr
