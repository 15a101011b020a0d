"""Who can connect to the project server: nobody without the generated secret, over TCP or the
socket; the secrets and the log are private; checksums, connection, DDL and pgAudit logging
are on. Runs on a private cluster made by the real `cadastre db start`."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user
from cadastre.db.secrets import read_passwords
from cadastre.db.server import PG_HBA, ProjectServer
from cadastre.settings import Settings
from tests.db.test_server import TEST_HOMES, cadastre, cli_env, free_port

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="trying the server as another OS user (nobody) needs root"
)


@dataclass(frozen=True)
class Cluster:
    """A private project server, started by the CLI, with an officer who has a password."""

    server: ProjectServer
    env: dict[str, str]
    officer: str
    officer_password: str

    @property
    def roles(self) -> tuple[str, ...]:
        return ("cadastre", "cadastre_operator", "cadastre_web", self.officer)


def _start(home: Path, port: int) -> tuple[ProjectServer, dict[str, str]]:
    env = cli_env(home, port)
    started = cadastre("db", "start", env=env)
    assert started.returncode == 0, started.stderr
    return ProjectServer.from_settings(Settings(home=home, port=port)), env


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    home = TEST_HOMES / f"auth-{uuid.uuid4().hex[:8]}"
    home.mkdir(parents=True)
    server, env = _start(home, free_port())
    officer, password = f"t_officer_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    conn = connect(server.url())
    try:
        with conn, conn.cursor() as cur:
            # db start loads Hà Nội's communes in force; 00070 is one of them.
            cur.execute("SELECT cadastre.add_commune('00070', 'Phường Hoàn Kiếm') "
                        "WHERE NOT EXISTS (SELECT 1 FROM cadastre.admin_unit "
                        "WHERE code = '00070')")
        add_user(conn, officer, "officer", ["00070"], password=password)
    finally:
        conn.close()
    yield Cluster(server, env, officer, password)
    server.stop()
    shutil.rmtree(home, ignore_errors=True)


def _psql(conninfo: str, user: str | None = None, query: str = "select 1"):
    command = ["psql", conninfo, "-w", "-Atc", query]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    env.pop("PGPASSWORD", None)
    return subprocess.run(command, capture_output=True, text=True, cwd="/", env=env, timeout=30)


def _conninfos(cluster: Cluster, role: str) -> dict[str, str]:
    server = cluster.server
    base = f"port={server.port} dbname={server.database} user={role}"
    return {
        "tcp": f"host=127.0.0.1 {base}",
        "tcp with the password file": f"host=127.0.0.1 {base} passfile={server.passfile}",
        "socket": f"host={server.socket_dir} {base}",
        "socket with the password file": f"host={server.socket_dir} {base} "
        f"passfile={server.passfile}",
    }


def test_another_os_user_cannot_log_in_as_any_role_without_the_secret(cluster: Cluster) -> None:
    refused = {}
    for role in cluster.roles:
        for way, conninfo in _conninfos(cluster, role).items():
            result = _psql(conninfo, user="nobody")
            refused[(role, way)] = result.returncode != 0 and result.stdout.strip() != "1"

    assert all(refused.values()), [key for key, ok in refused.items() if not ok]


def test_the_owner_of_the_secrets_logs_in_with_them(cluster: Cluster) -> None:
    for role in ("cadastre", "cadastre_operator", "cadastre_web"):
        result = _psql(with_user(cluster.server.url(), role))
        assert result.returncode == 0 and result.stdout.strip() == "1", (role, result.stderr)
    officer = _psql(with_user(cluster.server.url(), cluster.officer, cluster.officer_password))
    assert officer.stdout.strip() == "1", officer.stderr
    wrong = _psql(with_user(cluster.server.url(), cluster.officer, "not-the-password"))
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr


def test_secrets_log_and_socket_are_private(cluster: Cluster) -> None:
    server = cluster.server

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(server.passfile.parent) == 0o700
    assert mode(server.passfile) == 0o600
    assert server.passfile.stat().st_uid == os.geteuid()
    assert mode(server.socket_dir) == 0o700
    assert mode(server.log_file) & 0o077 == 0
    assert mode(server.log_file.parent) & 0o007 == 0
    assert set(read_passwords(server.passfile)) == {"cadastre", "cadastre_operator",
                                                    "cadastre_web"}


def test_pg_hba_asks_every_connection_for_a_password_and_allows_no_replication(
    cluster: Cluster,
) -> None:
    text = (cluster.server.data_dir / "pg_hba.conf").read_text()
    lines = [line.split() for line in text.splitlines() if line.strip() and line[0] != "#"]

    assert text == PG_HBA
    assert {line[-1] for line in lines} == {"scram-sha-256"}
    assert not any("replication" in line or "trust" in line for line in lines)
    assert {line[0] for line in lines} == {"local", "host"}


def test_data_checksums_are_on(cluster: Cluster) -> None:
    result = _psql(cluster.server.url(), query="SHOW data_checksums")
    assert result.stdout.strip() == "on"


def test_ddl_and_role_changes_reach_the_server_log_through_pgaudit(cluster: Cluster) -> None:
    probe = f"probe_{uuid.uuid4().hex[:8]}"
    statements = (
        f"CREATE TABLE public.{probe} (x int); CREATE ROLE {probe} NOLOGIN; "
        f"ALTER ROLE {probe} CONNECTION LIMIT 1; DROP ROLE {probe}; DROP TABLE public.{probe}"
    )
    result = _psql(cluster.server.url(), query=statements)
    assert result.returncode == 0, result.stderr

    log = cluster.server.log_file.read_text(errors="replace")
    audit = [line for line in log.splitlines() if "AUDIT: SESSION," in line and probe in line]
    assert any(",DDL,CREATE TABLE," in line for line in audit), audit
    assert any(",ROLE,CREATE ROLE," in line for line in audit), audit
    assert any(",ROLE,ALTER ROLE," in line for line in audit), audit
    assert "connection authorized: user=cadastre" in log


def test_no_generated_password_appears_in_the_server_log(cluster: Cluster) -> None:
    log = cluster.server.log_file.read_text(errors="replace")
    secrets = [*read_passwords(cluster.server.passfile).values(), cluster.officer_password]

    assert "ALTER ROLE" in log  # the passwords were set while DDL was being logged
    assert not [secret for secret in secrets if secret in log]


def test_the_web_role_reads_only_and_makes_no_temporary_tables(cluster: Cluster) -> None:
    url = with_user(cluster.server.url(), "cadastre_web")
    read_only = _psql(url, query="SHOW transaction_read_only")
    timeout = _psql(url, query="SHOW statement_timeout")
    # default_transaction_read_only is the role's to SET off; the missing privilege remains.
    web = connect(url)
    web.autocommit = True
    try:
        with web.cursor() as cur:
            cur.execute("SET default_transaction_read_only = off")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="temporary"):
                cur.execute("CREATE TEMP TABLE t (x int)")
    finally:
        web.close()
    officer_temp = _psql(
        with_user(cluster.server.url(), cluster.officer, cluster.officer_password),
        query="CREATE TEMP TABLE t (x int)",
    )

    assert read_only.stdout.strip() == "on"
    assert timeout.stdout.strip() == "5s"
    assert officer_temp.returncode == 0, officer_temp.stderr


def test_a_cluster_that_trusted_local_users_is_upgraded_on_start() -> None:
    home = TEST_HOMES / f"upgrade-{uuid.uuid4().hex[:8]}"
    home.mkdir(parents=True)
    try:
        server, env = _start(home, free_port())
        assert cadastre("db", "stop", env=env).returncode == 0
        hba = server.data_dir / "pg_hba.conf"
        hba.write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n"
                       "host replication all 127.0.0.1/32 trust\n")
        server.passfile.unlink()  # an older version wrote none

        upgraded = cadastre("db", "start", env=env)
        who = _psql(with_user(server.url(), "cadastre_operator"), query="select current_user")
        nobody = _psql(_conninfos(Cluster(server, env, "x", "x"), "cadastre")["tcp"], "nobody")

        assert upgraded.returncode == 0, upgraded.stderr
        assert "Upgraded the server to password logins" in upgraded.stdout
        assert hba.read_text() == PG_HBA
        assert who.stdout.strip() == "cadastre_operator", who.stderr
        assert nobody.returncode != 0
        again = cadastre("db", "start", env=env)
        assert again.returncode == 0 and "Upgraded" not in again.stdout
    finally:
        ProjectServer.from_settings(Settings(home=home)).stop()
        shutil.rmtree(home, ignore_errors=True)
