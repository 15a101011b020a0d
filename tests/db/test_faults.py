"""Crashes: a client or the server killed in the middle of a change leaves the old state whole.

The child process does the real work (a split, a batch of registrations) inside one transaction
and signals when it is half-way; the test then kills it — or the server — without warning.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cadastre.db.connection import connect, ensure_database
from cadastre.db.migrate import migrate
from cadastre.db.server import ProjectServer
from cadastre.settings import PROJECT_ROOT, Settings
from tests.db.register_helpers import (
    approved_dossier,
    change,
    first_registration,
    rect,
    register_parcel,
    scalar,
)
from tests.db.test_server import free_port, private_home  # noqa: F401  (fixture)

# The child: one transaction that writes, says "ready", then waits to be killed.
CHILD = textwrap.dedent(
    """
    import sys, time
    from cadastre.db.connection import connect
    from tests.db import register_helpers as h

    url, work, parent_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
    conn = connect(url)
    with conn.cursor() as cur:
        if work == "split":
            dossier = h.approved_dossier(cur, "split", "2024-01-10")
            h.split(cur, dossier, parent_id, [h.rect(0, 0, 12, 10), h.rect(12, 0, 20, 10)],
                    [101, 102])
        else:
            dossier = h.approved_dossier(cur, "first_registration", "2024-01-10")
            for i in range(40):
                h.register_parcel(cur, dossier, 200 + i, h.rect(100 + 10 * i, 0,
                                                                  110 + 10 * i, 10), None)
        print("ready", flush=True)
        time.sleep(120)
    """
)


def _start_child(url: str, work: str, parent_id: int) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, work, str(parent_id)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = child.stdout.readline()
    if line.strip() != "ready":
        child.kill()
        pytest.fail(f"the child did not get half-way: {child.stderr.read()}")
    return child


def _wait_until_gone(pid: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"the server process {pid} did not exit")


def _state(url: str) -> tuple:
    conn = connect(url)
    try:
        return (
            scalar(conn, "SELECT count(*) FROM cadastre.parcel"),
            scalar(conn, "SELECT count(*) FROM cadastre.parcel_history"),
            scalar(conn, "SELECT count(*) FROM cadastre.dossier"),
            scalar(conn, "SELECT count(*) FROM cadastre.parcel_lineage"),
            scalar(conn, "SELECT count(*) FROM cadastre.audit_transaction"),
        )
    finally:
        conn.close()


def test_a_client_killed_in_the_middle_of_a_split_leaves_the_parcel_whole(
    register_url: str,
) -> None:
    parent_id, _ = first_registration(connect(register_url), "2012-03-01", 45, rect(0, 0, 20, 10))
    before = _state(register_url)

    child = _start_child(register_url, "split", parent_id)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)

    conn = connect(register_url)
    # The server notices the dead client and rolls back; its locks go with it.
    with change(conn, "2024-02-01") as cur:
        cur.execute("SET LOCAL lock_timeout = '10s'")
        dossier = approved_dossier(cur, "resurvey", "2024-02-01")
        cur.execute("SELECT cadastre.lock_current_parcel(%s)", (parent_id,))
    assert _state(register_url)[:4] == (before[0], before[1], before[2] + 1, before[3])
    assert scalar(conn, "SELECT status FROM cadastre.parcel WHERE id = %s", (parent_id,)) == (
        "current"
    )
    assert dossier > 0


@pytest.fixture
def crashable_server(private_home: Path):  # noqa: F811  (the fixture imported above)
    """A private server the test may crash: migrated, with a register and one parcel."""
    server = ProjectServer.from_settings(Settings(home=private_home, port=free_port()))
    server.start()
    ensure_database(server)
    conn = connect(server.url())
    try:
        migrate(conn)
        with conn, conn.cursor() as cur:
            cur.execute("SELECT cadastre.init_register('01')")
            cur.execute("SELECT cadastre.add_commune('00070', 'Phường Hoàn Kiếm')")
        with change(conn, "2012-03-01") as cur:
            register_parcel(
                cur,
                approved_dossier(cur, "first_registration", "2012-03-01"),
                45,
                rect(0, 0, 20, 10),
                None,
            )
    finally:
        conn.close()
    yield server
    server.stop()


def test_a_server_crash_in_the_middle_of_a_batch_loses_only_the_unfinished_batch(
    crashable_server: ProjectServer,
) -> None:
    url = crashable_server.url()
    before = _state(url)
    child = _start_child(url, "batch", 0)

    # Immediate shutdown: every server process quits at once, no checkpoint (a crash).
    pid = int((crashable_server.data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGQUIT)
    _wait_until_gone(pid)
    child.kill()  # the client never got to commit
    child.wait(timeout=30)
    crashable_server.start()  # crash recovery replays the WAL

    assert _state(url) == before
    conn = connect(url)
    try:
        with change(conn, "2024-03-01") as cur:
            register_parcel(
                cur,
                approved_dossier(cur, "first_registration", "2024-03-01"),
                46,
                rect(20, 0, 30, 10),
                None,
            )
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel") == before[0] + 1
    finally:
        conn.close()
