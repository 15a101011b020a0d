"""Fixtures of the scaling tests: a project server of the test's own (its own CADASTRE_HOME and
port on 127.0.0.1, made by the real `cadastre db start`), the sample ward loaded, an officer
and an approver of its commune; everything it started (replicas, restored copies, the
primary) is stopped afterwards, even when the test failed or killed the primary."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from cadastre.db import replica as replicas
from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user
from cadastre.db.server import ProjectServer
from cadastre.settings import Settings
from tests.db.register_helpers import approve, open_dossier, work
from tests.db.test_server import TEST_HOMES, cadastre, cli_env, free_port

SAMPLE_COMMUNE = "91001"

# Each test module applies it: `pytestmark = needs_root`.
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="the project server runs as the postgres OS user under root"
)


@dataclass(frozen=True)
class Province:
    """A province's project server of the test's own, with people who work on it."""

    home: Path
    env: dict[str, str]
    server: ProjectServer
    officer: str  # URLs (with passwords) of real login roles of the sample commune
    approver: str

    def cli(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        """Run the real CLI on this province; with `ok`, insist it succeeded."""
        result = cadastre(*args, env=self.env)
        if ok:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    @property
    def owner(self) -> str:
        return self.server.url()

    def side(self, name: str) -> replicas.SideCluster:
        return replicas.find(self.server, name)

    def on(self, url: str, port: int) -> str:
        """The same login on another cluster of this province (a replica, a restored copy)."""
        return url.replace(f"127.0.0.1:{self.server.port}/", f"127.0.0.1:{port}/")

    def open_dossier(self, number: str, kind: str = "mortgage") -> int:
        """The officer receives a dossier, the approver approves it: its id."""
        officer, approver = connect(self.officer), connect(self.approver)
        try:
            with work(officer) as cur:
                dossier = open_dossier(cur, kind, "2026-12-01", number=number,
                                       commune=SAMPLE_COMMUNE)
            with work(approver) as cur:
                approve(cur, dossier, "2026-12-01")
        finally:
            officer.close()
            approver.close()
        return dossier


def make_province(env_extra: dict[str, str] | None = None, parcels: int = 300) -> Province:
    """A started project server with the sample ward, an officer and an approver; stopped and
    deleted again if making it failed half-way."""
    home = TEST_HOMES / f"scaling-{uuid.uuid4().hex[:8]}"
    home.mkdir(parents=True)
    try:
        port = free_port()
        env = cli_env(home, port, **(env_extra or {}))
        server = ProjectServer.from_settings(Settings(home=home, port=port))
        province = Province(home, env, server, "", "")
        province.cli("db", "start")
        province.cli("sample", "load", "--parcels", str(parcels))
        people = {}
        conn = connect(province.owner)
        try:
            for kind in ("officer", "approver"):
                name, password = f"t_{kind}_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
                add_user(conn, name, kind, [SAMPLE_COMMUNE], password=password)
                people[kind] = with_user(province.owner, name, password)
        finally:
            conn.close()
    except BaseException:
        stop_everything(home)
        raise
    return Province(home, env, server, people["officer"], people["approver"])


def stop_everything(home: Path) -> None:
    """Stop every cluster under a test's CADASTRE_HOME (side clusters first), then delete it."""
    server = ProjectServer.from_settings(Settings(home=home))
    try:
        for cluster in replicas.side_clusters(server):
            _stop(cluster.node)
        _stop(server)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _stop(node: ProjectServer) -> None:
    if (node.data_dir / "postmaster.pid").exists():
        node._run_pg("pg_ctl", "stop", "-D", str(node.data_dir), "-m", "immediate", "-w",
                     check=False)


@pytest.fixture
def province_factory() -> Iterator:
    """Makes provinces for one test; stops them all after it, whatever happened."""
    made: list[Province] = []

    def make(env_extra: dict[str, str] | None = None) -> Province:
        made.append(make_province(env_extra))
        return made[-1]

    yield make
    for province in made:
        stop_everything(province.home)


@pytest.fixture(scope="module")
def province() -> Iterator[Province]:
    """One province shared by a module's tests (they add replicas of their own names)."""
    made = make_province()
    try:
        yield made
    finally:
        stop_everything(made.home)


def wait_for_replay(primary_url: str, replica_url: str, timeout: float = 30.0) -> float:
    """Wait until the replica has replayed everything the primary has written so far; the
    seconds it took."""
    conn = psycopg2.connect(primary_url, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_current_wal_lsn()::text")
            target = cur.fetchone()[0]
    finally:
        conn.close()
    began = time.monotonic()
    conn = psycopg2.connect(replica_url, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            while time.monotonic() - began < timeout:
                cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))
                if cur.fetchone()[0]:
                    return time.monotonic() - began
                time.sleep(0.02)
    finally:
        conn.close()
    raise AssertionError(f"the replica did not replay up to {target} within {timeout} s")

