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
from cadastre.errors import ServerError
from cadastre.register.binding import communes, setup
from cadastre.settings import PROJECT_ROOT, Settings
from tests.db.register_helpers import (
    approved_dossier,
    change,
    first_registration,
    invariant_violations,
    rect,
    register_parcel,
    scalar,
)
from tests.db.test_import_legacy import parcel_rows, square, write_shapefile
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
            setup.init_register(cur, province_code="01")
            communes.add_commune(cur, code="00070", name="Phường Hoàn Kiếm")
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


def _violations(url: str) -> dict[str, int]:
    conn = connect(url)
    try:
        return invariant_violations(conn)
    finally:
        conn.close()


def _import_file(folder: Path, features: int) -> Path:
    """A shapefile of `features` separate 20 m squares in commune 00070, sheet 12."""
    columns = parcel_rows(features)
    geometries = [square(i % 50, i // 50) for i in range(features)]
    return write_shapefile(folder / "batch.shp", columns, geometries)


def _start_import(url: str, path: Path) -> subprocess.Popen:
    """`cadastre import` in a child; returns once its transaction is staging or registering."""
    child = subprocess.Popen(
        [sys.executable, "-m", "cadastre", "import", str(path), "--officer", "Lan"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    conn = connect(url)
    conn.autocommit = True
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = scalar(
                conn,
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND xact_start IS NOT NULL AND query ~* 'staged_parcel|register_staged'",
            )
            if busy:
                return child
            if child.poll() is not None:
                break
            time.sleep(0.02)
    finally:
        conn.close()
    child.kill()
    pytest.fail(f"the import never got under way: {child.communicate()[1]}")


def test_a_client_killed_in_the_middle_of_an_import_leaves_no_trace(
    register_url: str, tmp_path: Path
) -> None:
    path = _import_file(tmp_path, 1500)
    before = _state(register_url)

    child = _start_import(register_url, path)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)

    conn = connect(register_url)
    conn.autocommit = True
    deadline = time.monotonic() + 30  # the server ends the dead client's transaction
    while (
        scalar(
            conn,
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND datname = current_database() AND xact_start IS NOT NULL",
        )
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert _state(register_url) == before
    assert scalar(conn, "SELECT count(*) FROM cadastre.staged_parcel") == 0
    assert _violations(register_url) == dict.fromkeys(_violations(register_url), 0)


@pytest.mark.parametrize("work", ["split", "batch", "import"])
def test_killing_the_server_mid_change_leaves_all_old_state_and_every_invariant(
    crashable_server: ProjectServer, tmp_path: Path, work: str
) -> None:
    url = crashable_server.url()
    parent_id = scalar(connect(url), "SELECT min(id) FROM cadastre.parcel")
    path = _import_file(tmp_path, 1500) if work == "import" else None
    before = _state(url)
    child = _start_import(url, path) if path else _start_child(url, work, parent_id)

    # kill -9 of the postmaster: no shutdown at all; its backends die when they notice.
    pid = int((crashable_server.data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    _wait_until_gone(pid)
    child.kill()  # the client never got to commit
    child.wait(timeout=30)
    _restart(crashable_server)  # crash recovery replays the WAL

    assert _state(url) == before
    assert _violations(url) == dict.fromkeys(_violations(url), 0)
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


def _restart(server: ProjectServer, timeout_s: float = 60.0) -> None:
    """Start the server again; orphaned backends may hold its shared memory for a moment."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            server.start()
            return
        except ServerError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
