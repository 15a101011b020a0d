"""Failover: with synchronous replication on (CADASTRE_SYNCHRONOUS_REPLICAS), every dossier an
officer saw committed survives `kill -9` of the primary once the replica is promoted, and the
officer's client reaches the new primary through the failover URL."""

from __future__ import annotations

import os
import signal
import time
from contextlib import closing

import psycopg2

from cadastre.db.connection import connect
from tests.db.register_helpers import open_dossier, scalar, work
from tests.scaling.conftest import SAMPLE_COMMUNE, Province, needs_root

pytestmark = needs_root


def officer_login(province: Province) -> tuple[str, str]:
    """The officer's role name and password, from the URL the fixture made."""
    login = province.officer.split("//", 1)[1].split("@", 1)[0]
    name, password = login.split(":")
    return name, password


def test_promoting_a_synchronous_replica_after_kill_9_keeps_every_committed_dossier(
    province_factory,
) -> None:
    province: Province = province_factory({"CADASTRE_SYNCHRONOUS_REPLICAS": "standby"})
    made = province.cli("db", "replica", "create", "standby")
    assert "each commit waits until standby applied it" in made.stdout
    with closing(psycopg2.connect(province.owner)) as conn, conn.cursor() as cur:
        cur.execute("SELECT sync_state FROM pg_stat_replication WHERE application_name = "
                    "'standby'")
        assert cur.fetchone() == ("sync",)
        cur.execute("SHOW synchronous_commit")
        assert cur.fetchone() == ("remote_apply",)

    committed = []
    with closing(connect(province.officer)) as officer:
        for n in range(40):
            number = f"SYNC-{n:03d}"
            with work(officer) as cur:
                open_dossier(cur, "mortgage", "2026-12-01", number=number,
                             commune=SAMPLE_COMMUNE)
            committed.append(number)  # the commit returned: the officer was told it is saved
        pid = int((province.server.data_dir / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        if not province.server.is_running():
            break
        time.sleep(0.1)

    promoted = province.cli("db", "promote", "standby")
    name, password = officer_login(province)
    failover = province.cli("db", "url", "--failover").stdout.strip()
    # A multi-host URL: libpq tries each host and keeps the one that accepts writes.
    officer_url = failover.replace("cadastre_operator@", f"{name}:{password}@", 1)

    assert "is now a primary" in promoted.stdout
    assert "target_session_attrs=read-write" in failover and "," in failover
    with closing(connect(officer_url)) as officer:
        saved = set(scalar(officer, "SELECT array_agg(number) FROM cadastre.dossier "
                           "WHERE number LIKE 'SYNC-%%'"))
        assert saved == set(committed)
        assert scalar(officer, "SELECT inet_server_port()") == province.side("standby").node.port
        with work(officer) as cur:  # the officer goes on working on the new primary
            open_dossier(cur, "mortgage", "2026-12-02", number="SYNC-AFTER",
                         commune=SAMPLE_COMMUNE)
    status = province.cli("db", "status", ok=False)
    assert "Project server: not running" in status.stdout
    assert "Primary (promoted) 'standby'" in status.stdout
