"""The project-managed server and the CLI around it, on a private cluster of the test's own."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadastre.db.server import ProjectServer
from cadastre.settings import PROJECT_ROOT, Settings

# Private clusters live under the project (not /tmp/pytest-of-root, which the unprivileged
# server user cannot enter) and on ports away from the main test server's.
TEST_HOMES = PROJECT_ROOT / ".cadastre" / "test-homes"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cadastre(
    *args: str, env: dict[str, str], user: str | None = None
) -> subprocess.CompletedProcess:
    """Run the real CLI in a child process with the given environment."""
    command = [sys.executable, "-m", "cadastre", *args]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT
    )


def cli_env(home: Path, port: int, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CADASTRE_") and key != "DATABASE_URL"
    }
    env.update(CADASTRE_HOME=str(home), CADASTRE_PORT=str(port), **extra)
    return env


@pytest.fixture
def private_home() -> Iterator[Path]:
    """An empty CADASTRE_HOME; any server started in it is stopped afterwards."""
    home = TEST_HOMES / uuid.uuid4().hex[:10]
    home.mkdir(parents=True)
    yield home
    if (home / "data" / "postmaster.pid").exists():
        ProjectServer.from_settings(Settings(home=home)).stop()
    shutil.rmtree(home, ignore_errors=True)


def test_start_url_stop_and_restart_keeps_the_data(private_home: Path) -> None:
    env = cli_env(private_home, free_port())
    started = cadastre("db", "start", env=env)
    assert started.returncode == 0, started.stderr
    url = cadastre("db", "url", "--owner", env=env).stdout.strip()
    assert url.startswith("postgresql://") and f":{env['CADASTRE_PORT']}/" in url

    version = subprocess.run(
        ["psql", url, "-Atc", "select postgis_full_version()"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.startswith('POSTGIS="3')
    subprocess.run(
        ["psql", url, "-c", "create table public.kept (x int); insert into public.kept values (7)"],
        capture_output=True,
        check=True,
    )

    assert cadastre("db", "stop", env=env).returncode == 0
    status = cadastre("db", "status", env=env)
    assert status.returncode == 3 and "not running" in status.stdout

    assert cadastre("db", "start", env=env).returncode == 0
    kept = subprocess.run(
        ["psql", url, "-Atc", "select x from public.kept"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert kept.stdout.strip() == "7"
    assert cadastre("db", "migrate", env=env).returncode == 0
    status = cadastre("db", "status", env=env)
    assert "running" in status.stdout and "PostGIS 3" in status.stdout
    assert "applied" in status.stdout and "pending" not in status.stdout


def test_everyday_commands_work_as_the_operator_role_which_is_no_superuser(
    private_home: Path,
) -> None:
    env = cli_env(private_home, free_port())
    assert cadastre("db", "start", env=env).returncode == 0
    operator_url = cadastre("db", "url", env=env).stdout.strip()

    loaded = cadastre("sample", "load", "--parcels", "150", env=env)
    shown = cadastre("parcel", "show", "91001/1/1", env=env)
    who = subprocess.run(
        [
            "psql",
            operator_url,
            "-Atc",
            "select current_user, rolsuper from pg_roles where rolname = current_user",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    ddl = subprocess.run(
        ["psql", operator_url, "-c", "create table cadastre.sneaky (x int)"],
        capture_output=True,
        text=True,
    )

    assert loaded.returncode == 0, loaded.stderr
    assert shown.returncode == 0, shown.stderr
    assert who.stdout.strip() == "cadastre_operator|f"
    assert ddl.returncode != 0 and "permission denied" in ddl.stderr


def test_a_taken_port_is_named_with_how_to_change_it(private_home: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = cadastre("db", "start", env=cli_env(private_home, port))
    assert result.returncode == 1
    assert f"Port {port}" in result.stderr and "CADASTRE_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_postgresql_says_what_to_install(private_home: Path) -> None:
    env = cli_env(private_home, free_port(), CADASTRE_PG_BINDIR="/nonexistent/bin")
    result = cadastre("db", "start", env=env)
    assert result.returncode == 1
    assert "apt-get install postgresql-15 postgresql-15-postgis-3" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand the directory to another user")
def test_a_data_directory_owned_by_someone_else_is_refused(private_home: Path) -> None:
    data = private_home / "data"
    data.mkdir()
    (data / "PG_VERSION").write_text("15\n")
    shutil.chown(data, user="nobody")
    result = cadastre("db", "start", env=cli_env(private_home, free_port()))
    assert result.returncode == 1
    assert "owned by 'nobody'" in result.stderr and "CADASTRE_HOME" in result.stderr


def test_an_unreachable_database_url_is_reported(private_home: Path) -> None:
    url = f"postgresql://someone:secret@127.0.0.1:{free_port()}/nowhere"
    env = cli_env(private_home, free_port(), DATABASE_URL=url)
    result = cadastre("db", "status", env=env)
    assert result.returncode == 1
    assert "Cannot connect to the database at postgresql://someone:***@127.0.0.1" in result.stderr
    assert "secret" not in result.stderr + result.stdout


def test_database_url_overrides_the_project_server(private_home: Path, db_url: str) -> None:
    env = cli_env(private_home, free_port(), DATABASE_URL=db_url)
    assert cadastre("db", "url", env=env).stdout.strip() == db_url
    started = cadastre("db", "start", env=env)
    assert started.returncode == 0 and "not starting the project server" in started.stdout
    assert not (private_home / "data").exists()
    migrated = cadastre("db", "migrate", env=env)
    assert "nothing to do" in migrated.stdout
    stopped = cadastre("db", "stop", env=env)
    assert stopped.returncode == 0 and "not stopping it" in stopped.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to an unprivileged user needs root")
def test_an_unprivileged_user_runs_the_server_without_sudo(private_home: Path) -> None:
    user = "postgres"
    account = pwd.getpwnam(user)
    os.chown(private_home, account.pw_uid, account.pw_gid)
    env = cli_env(private_home, free_port(), HOME=str(private_home))
    result = cadastre("db", "start", env=env, user=user)
    assert result.returncode == 0, result.stderr
    assert (private_home / "data").stat().st_uid == account.pw_uid
    assert cadastre("db", "stop", env=env, user=user).returncode == 0
