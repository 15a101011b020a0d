"""Province registers and a national look-up on this machine's loopback, each its own
cluster under its own CADASTRE_HOME and port, made by the real CLI (`cadastre db start
--province`, `cadastre national publish`, `create`, `add-province`) and stopped by the
fixtures even when a test fails."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.extensions

from cadastre.db.secrets import read_passwords
from cadastre.db.server import ProjectServer
from cadastre.national.cluster import NationalCluster
from cadastre.national.settings import NationalSettings
from cadastre.register.binding import clock, parcels
from cadastre.settings import Settings
from tests.db.register_helpers import (
    add_party,
    approve,
    holders,
    land_uses,
    open_dossier,
)
from tests.db.test_server import cadastre, cli_env, free_port


@dataclass
class ProvinceRegister:
    """A province's register: its server, CLI environment and owner connection."""

    code: str
    srid: int
    server: ProjectServer
    env: dict[str, str]

    def owner(self, database: str = "cadastre") -> psycopg2.extensions.connection:
        return psycopg2.connect(self.server.url(database), connect_timeout=5)

    def cli(self, *args: str) -> str:
        done = cadastre(*args, env=self.env)
        assert done.returncode == 0, f"cadastre {' '.join(args)}: {done.stderr}"
        return done.stdout

    def publisher_url(self) -> str:
        return (f"postgresql://cadastre_publisher@127.0.0.1:{self.server.port}/cadastre_public"
                f"?passfile={self.server.passfile}")

    def publisher_password(self) -> str:
        return read_passwords(self.server.passfile)["cadastre_publisher"]


def start_province(home: Path, code: str, started: list[ProjectServer]) -> ProvinceRegister:
    """`cadastre db start --province CODE`, then `cadastre national publish --restart`; the
    server joins `started` before anything runs, so a failure still stops it."""
    port = free_port()
    env = cli_env(home, port)
    server = ProjectServer.from_settings(Settings(home=home, port=port))
    started.append(server)
    register = ProvinceRegister(code, 0, server, env)
    register.cli("db", "start", "--province", code)
    register.cli("national", "publish", "--restart")
    with register.owner() as conn, conn.cursor() as cur:
        cur.execute("SELECT srid FROM cadastre.register_setting")
        register.srid = cur.fetchone()[0]
    conn.close()
    return register


def start_national(home: Path, started: list[ProjectServer]
                   ) -> tuple[NationalCluster, NationalSettings, dict[str, str]]:
    """`cadastre national create` in its own home and port (joining `started` first)."""
    port = free_port()
    env = cli_env(home, 0, CADASTRE_NATIONAL_PORT=str(port))
    env.pop("CADASTRE_PORT")
    settings = NationalSettings(port=port, status_poll_seconds=0.1, stale_after_seconds=120)
    cluster = NationalCluster.from_settings(Settings(home=home), settings)
    started.append(cluster.server)
    done = cadastre("national", "create", env=env)
    assert done.returncode == 0, done.stderr
    return cluster, settings, env


@contextmanager
def stopped_at_exit(servers: list[ProjectServer]) -> Iterator[None]:
    """Stop every cluster started (their own pg_ctl, by data directory), whatever happened."""
    try:
        yield
    finally:
        for server in servers:
            with suppress(Exception):  # stop the others whatever this one says
                server.stop()


def register_parcel(register: ProvinceRegister, at: str, commune: str, sheet: str, number: int,
                    lon: float, lat: float, address: str,
                    people: list[tuple[str, str]]) -> int:
    """First registration of a 20 m × 20 m parcel at a WGS 84 point, in the province's own
    CRS, to people (name, ID number) recorded with their personal data."""
    with register.owner() as conn, conn.cursor() as cur:
        clock.set_clock(cur, at=at)
        dossier = open_dossier(cur, "first_registration", at[:10], commune=commune)
        approve(cur, dossier, at[:10])
        parties = [add_party(cur, name, id_number=id_number) for name, id_number in people]
        share = f"1/{len(parties)}"
        cur.execute(
            "SELECT ST_AsText(g), round(ST_Area(g)::numeric, 1) FROM (SELECT ST_Transform("
            "ST_Buffer(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 10, 'quad_segs=1')"
            "::geometry, %s) AS g) AS s", (lon, lat, register.srid))
        wkt, area = cur.fetchone()
        parcel = parcels.register_parcel(
            cur, dossier_id=dossier, commune=commune, sheet=sheet, number=number,
            geom=f"SRID={register.srid};{wkt}", legal_area=None,
            land_uses=land_uses(("ODT", float(area))),
            holders=holders(*[(p, share) for p in parties]), address=address,
        )
    conn.close()
    return parcel


def wait_for(condition: Callable[[], object], what: str, timeout_s: float = 60) -> object:
    """Poll until `condition()` is truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.2)
