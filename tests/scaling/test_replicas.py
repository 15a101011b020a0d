"""Read replicas: a hot standby made by `cadastre db replica create` answers what the primary
answers after officers' edits, the web view reads from it with its caches evicted where the
register changed, and neither the replication role nor an officer can use it to get around
the register's rules."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import closing

import httpx
import psycopg2
import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect, with_user
from cadastre.db.secrets import read_passwords
from cadastre.db.server import REPLICATION_ROLE, hba_text
from cadastre.register.binding import dossiers
from cadastre.web.app import create_app
from cadastre.web.cache import intersects, lonlat_box_to_mercator, tile_box
from cadastre.web.config import WebSettings
from tests.db.register_helpers import correct_boundary, restrict, scalar, work
from tests.db.test_server import free_port
from tests.scaling.conftest import SAMPLE_COMMUNE, Province, needs_root, wait_for_replay
from tests.web.tiles import tile_of

pytestmark = needs_root

WEB = "cadastre_web"


def current_parcels(province: Province, count: int) -> list[tuple[int, str, str, int]]:
    """Current parcels of the sample commune with no restriction: id, commune, sheet, number."""
    with closing(connect(province.owner)) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT p.id, p.commune_code, p.sheet_number, p.parcel_number "
            "FROM cadastre.parcel AS p WHERE p.status = 'current' AND p.commune_code = %s "
            "AND NOT EXISTS (SELECT 1 FROM cadastre.rrr AS r WHERE r.parcel_id = p.id "
            "                AND r.kind <> 'land_use_right' AND upper_inf(r.valid)) "
            "ORDER BY p.id LIMIT %s", (SAMPLE_COMMUNE, count))
        return cur.fetchall()


def shrunk(province: Province, parcel_id: int) -> str:
    """The parcel's boundary moved 0.3 m inwards (WKT), as a re-survey would correct it."""
    with closing(connect(province.owner)) as conn:
        return scalar(conn, "SELECT ST_AsText(ST_Buffer(geom, -0.3, 'join=mitre')) "
                      "FROM cadastre.parcel WHERE id = %s", (parcel_id,))


def bank(province: Province) -> int:
    with closing(connect(province.owner)) as conn:
        return scalar(conn, "SELECT id FROM cadastre.party WHERE kind = 'organisation' "
                      "ORDER BY id LIMIT 1")


def mortgage(province: Province, parcel_ids: list[int], number: str) -> None:
    """The officer registers a mortgage on each parcel, one transaction each."""
    dossier = province.open_dossier(number)
    lender = bank(province)
    with closing(connect(province.officer)) as officer:
        for parcel_id in parcel_ids:
            with work(officer) as cur:
                restrict(cur, dossier, parcel_id, "mortgage", lender, 100_000_000)


def web_answers(url: str, parcels: list[tuple[int, str, str, int]]) -> tuple[list, list]:
    """Parcel documents and z17/z15 tiles over the parcels, as the web role reads them."""
    with closing(connect(with_user(url, WEB))) as conn, conn.cursor() as cur:
        documents = []
        tiles = []
        for _, commune, sheet, number in parcels:
            cur.execute("SELECT public_register.parcel_document(%s, %s, %s)::text",
                        (commune, sheet, number))
            document = cur.fetchone()[0]
            documents.append(document)
            west, south, east, north = json.loads(document)["location"]["bbox"]
            lon, lat = (west + east) / 2, (south + north) / 2
            for zoom in (15, 17):
                cur.execute("SELECT public_register.parcel_tile(%s, %s, %s)",
                            tile_of(lon, lat, zoom))
                tiles.append(bytes(cur.fetchone()[0] or b""))
    return documents, tiles


def test_replicas_answer_the_same_documents_and_tiles_after_a_burst_of_officer_edits(
    province: Province,
) -> None:
    province.cli("db", "replica", "create", "same")
    province.cli("db", "replica", "create", "same_too")
    replica, other = province.side("same"), province.side("same_too")
    parcels = current_parcels(province, 8)
    before, _ = web_answers(replica.url(), parcels)

    resurvey = province.open_dossier("RES-SAME", kind="resurvey")
    with closing(connect(province.officer)) as officer:
        for parcel_id, *_ in parcels[:4]:
            wkt = shrunk(province, parcel_id)
            with work(officer) as cur:
                correct_boundary(cur, resurvey, parcel_id, wkt)
    mortgage(province, [p[0] for p in parcels[4:]], "MOR-SAME")
    wait_for_replay(province.owner, replica.url())
    wait_for_replay(province.owner, other.url())

    on_primary = web_answers(province.owner, parcels)
    on_replica = web_answers(replica.url(), parcels)
    assert on_replica == on_primary
    assert web_answers(other.url(), parcels) == on_primary  # web processes on either agree
    assert on_replica[0] != before  # the edits did reach the documents
    assert all(on_replica[1]), "a tile over an edited parcel came back empty"


def test_the_web_view_on_a_replica_shows_an_officers_change_and_evicts_only_its_tiles(
    province: Province,
) -> None:
    province.cli("db", "replica", "create", "web")
    replica = province.side("web")
    parcels = current_parcels(province, 60)
    changed = parcels[-1]
    with closing(connect(province.owner)) as conn:
        boxes = {
            p[0]: lonlat_box_to_mercator(scalar(
                conn, "SELECT ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)] FROM "
                "(SELECT ST_Transform(geom, 4326)::box2d AS b FROM cadastre.parcel "
                "WHERE id = %s) AS x", (p[0],)))
            for p in parcels
        }
        centres = {
            p[0]: scalar(conn, "SELECT ARRAY[ST_X(c), ST_Y(c)] FROM (SELECT ST_Transform("
                         "ST_Centroid(geom), 4326) AS c FROM cadastre.parcel WHERE id = %s) "
                         "AS x", (p[0],))
            for p in parcels
        }
    near = tile_of(*centres[changed[0]], 18)
    x0, y0, x1, y1 = boxes[changed[0]]
    around = (x0 - 20, y0 - 20, x1 + 20, y1 + 20)  # the change notes a box 1 m wider
    far_parcel = next(p for p in parcels
                      if not intersects(tile_box(*tile_of(*centres[p[0]], 18)), around))
    far = tile_of(*centres[far_parcel[0]], 18)
    settings = WebSettings(database_url=replica.url(), rate_limit=0, pool_size=2,
                           change_poll_seconds=0)

    def ref(parcel: tuple) -> str:
        return f"{parcel[1]}/{parcel[2]}/{parcel[3]}"

    with TestClient(create_app(settings)) as client:
        register = client.app.state.register
        first = client.get(f"/api/parcels/{ref(changed)}")
        assert first.status_code == 200 and "mortgage" not in first.text
        assert client.get(f"/api/parcels/{ref(far_parcel)}").status_code == 200
        for z, x, y in (near, far):
            assert client.get(f"/tiles/{z}/{x}/{y}.pbf").status_code == 200
        assert near in register.tiles and far in register.tiles

        committed = time.monotonic()
        mortgage(province, [changed[0]], "MOR-WEB")
        lag = wait_for_replay(province.owner, replica.url())
        seen = None
        while time.monotonic() - committed < 10:
            answer = client.get(f"/api/parcels/{ref(changed)}")
            if "mortgage" in answer.text:
                seen = time.monotonic() - committed
                break
            time.sleep(0.01)

        assert seen is not None, "the web view on the replica never showed the mortgage"
        assert seen <= lag + 2.0  # replay lag plus a poll, not a cache lifetime
        assert near not in register.tiles  # the tile under the mortgaged parcel was evicted
        assert far in register.tiles  # a tile elsewhere was kept
        assert ("parcel", *map(str, far_parcel[1:3]), far_parcel[3]) in register.lookups
        fresh = client.get("/tiles/{}/{}/{}.pbf".format(*near)).content
    with closing(connect(with_user(province.owner, WEB))) as conn:
        assert fresh == bytes(scalar(conn, "SELECT public_register.parcel_tile(%s, %s, %s)",
                                     near) or b"")


def test_db_status_shows_each_replica_streaming_with_its_replay_lag(province: Province) -> None:
    province.cli("db", "replica", "create", "shown")
    status = province.cli("db", "status").stdout
    replica_status = province.cli("db", "replica", "status").stdout

    assert "Replica 'shown': port" in status and "streaming (async), replay lag" in status
    assert "Replica 'shown'" in replica_status
    province.cli("db", "replica", "stop", "shown")
    assert "Replica 'shown': not running" in province.cli("db", "status").stdout
    province.cli("db", "replica", "start", "shown")
    province.cli("db", "replica", "drop", "shown")
    with closing(connect(province.owner)) as conn:
        slots = scalar(conn, "SELECT count(*) FROM pg_replication_slots "
                       "WHERE slot_name = 'replica_shown'")
    assert slots == 0  # a dropped replica leaves no slot holding WAL on the primary
    assert "'shown'" not in province.cli("db", "status").stdout


def _psql(conninfo: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", conninfo, "-w", "-Atc", "select current_user"],
                          capture_output=True, text=True, timeout=30)


def test_the_replication_role_cannot_log_into_any_database(province: Province) -> None:
    province.cli("db", "replica", "create", "attack")
    server = province.server
    password = read_passwords(server.passfile)[REPLICATION_ROLE]
    refused = {}
    for database in (server.database, "postgres", "template1"):
        for host in ("127.0.0.1", str(server.socket_dir)):
            result = _psql(f"host={host} port={server.port} dbname={database} "
                           f"user={REPLICATION_ROLE} password={password}")
            refused[(database, host)] = (result.returncode != 0
                                         and "pg_hba.conf rejects connection" in result.stderr)
    assert all(refused.values()), refused
    # pg_hba.conf is the project's, with the replication lines and nothing else.
    assert (server.data_dir / "pg_hba.conf").read_text() == hba_text(replication=True)


def test_only_the_replication_role_with_its_password_may_replicate(province: Province) -> None:
    province.cli("db", "replica", "create", "only")
    server = province.server
    officer = province.officer.split("//", 1)[1].split("@", 1)[0]
    name, password = officer.split(":")
    right = _replicate(server.port, REPLICATION_ROLE,
                       read_passwords(server.passfile)[REPLICATION_ROLE])
    wrong = _replicate(server.port, REPLICATION_ROLE, "not-the-password")
    as_officer = _replicate(server.port, name, password)

    assert right.returncode == 0 and right.stdout.count("|") == 3, right.stderr
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr
    assert as_officer.returncode != 0
    assert "no pg_hba.conf entry for replication connection" in as_officer.stderr


def _replicate(port: int, user: str, password: str) -> subprocess.CompletedProcess:
    """Open a physical replication connection and ask the server who it is."""
    return subprocess.run(
        ["psql", f"host=127.0.0.1 port={port} user={user} password={password} "
         "replication=true dbname=replication", "-w", "-Atc", "IDENTIFY_SYSTEM"],
        capture_output=True, text=True, timeout=30,
    )


def test_an_officer_cannot_write_on_a_replica(province: Province) -> None:
    province.cli("db", "replica", "create", "readonly")
    replica = province.side("readonly")
    wait_for_replay(province.owner, replica.url())
    parcel_id, *_ = current_parcels(province, 1)[0]
    officer = connect(province.on(province.officer, replica.node.port))
    try:
        with pytest.raises(psycopg2.Error, match="read-only transaction"), work(officer) as cur:
            dossiers.open_dossier(cur, number="X-1", kind="mortgage", received_on="2026-12-01",
                                  officer="x", commune_code=SAMPLE_COMMUNE)
        officer.rollback()
        assert scalar(officer, "SELECT count(*) FROM cadastre.parcel WHERE id = %s",
                      (parcel_id,)) == 1
    finally:
        officer.close()


def test_serve_read_from_a_replica_by_name_answers_citizens(province: Province) -> None:
    province.cli("db", "replica", "create", "served")
    parcel = current_parcels(province, 1)[0]
    port = free_port()
    command = [sys.executable, "-m", "cadastre", "serve", "--port", str(port),
               "--read-from", "served"]
    web = subprocess.Popen(command, env=province.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        answer = None
        for _ in range(150):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/parcels/"
                                   f"{parcel[1]}/{parcel[2]}/{parcel[3]}", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        page = httpx.get(f"http://127.0.0.1:{port}/thua/{parcel[1]}/{parcel[2]}/{parcel[3]}",
                         timeout=5)
        with closing(connect(province.side("served").url())) as conn:
            web_sessions = scalar(conn, "SELECT count(*) FROM pg_stat_activity "
                                  "WHERE usename = 'cadastre_web'")
    finally:
        web.terminate()
        web.wait(timeout=30)

    assert answer is not None and answer.status_code == 200, web.stderr.read()
    assert answer.json()["ref"] == f"{parcel[1]}/{parcel[2]}/{parcel[3]}"
    assert page.status_code == 200 and f"{parcel[1]}/{parcel[2]}/{parcel[3]}" in page.text
    assert web_sessions >= 1  # its connections are on the replica
    unknown = province.cli("serve", "--read-from", "nosuch", ok=False)
    assert unknown.returncode != 0 and "no replica or restored copy called 'nosuch'" in (
        unknown.stderr + unknown.stdout)
