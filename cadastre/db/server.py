"""The project-managed PostgreSQL + PostGIS server: a private cluster under CADASTRE_HOME.

It runs on its own port and unix socket so it never collides with a system PostgreSQL.
PostgreSQL refuses to run as root, so when root starts it the server runs as an
unprivileged OS user (`postgres` by default, CADASTRE_SERVICE_USER to change).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cadastre.errors import ServerError
from cadastre.settings import Settings

log = logging.getLogger(__name__)

PG_MAJOR = 15
INSTALL_HINT = "sudo apt-get install postgresql-15 postgresql-15-postgis-3"
EXTENSIONS = ("postgis", "btree_gist")
# Unix socket paths are limited to 107 bytes; longer homes get their socket in /tmp.
MAX_SOCKET_PATH = 100

# Settings appended to the cluster's postgresql.conf on creation. Modest values that suit a
# 2-core, few-GiB office server; an administrator tunes them in data/postgresql.conf.
CLUSTER_CONF = """
# --- written by `cadastre db start` ---
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 100
logging_collector = off
log_min_messages = warning
timezone = 'UTC'
jit = off
"""


@dataclass(frozen=True)
class ServerStatus:
    """What `cadastre db status` reports about the server."""

    running: bool
    managed: bool
    url: str
    version: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class ProjectServer:
    """A private PostgreSQL cluster: where it lives, who runs it, how to reach it."""

    home: Path
    port: int
    database: str
    superuser: str
    bindir: Path
    service_user: str | None  # None: the server runs as the current user

    @classmethod
    def from_settings(cls, settings: Settings) -> ProjectServer:
        """Resolve binaries and the OS user that will run the server."""
        bindir = find_bindir(settings.pg_bindir)
        service_user = settings.service_user if os.geteuid() == 0 else None
        return cls(
            home=settings.home.resolve(),
            port=settings.port,
            database=settings.database,
            superuser=settings.superuser,
            bindir=bindir,
            service_user=service_user,
        )

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "log" / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        preferred = self.home / "run"
        if len(str(preferred / f".s.PGSQL.{self.port}")) <= MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha1(str(self.home).encode()).hexdigest()[:10]
        return Path("/tmp") / f"cadastre-{digest}"

    def url(self, database: str | None = None) -> str:
        """The libpq URL for clients (psql, QGIS, the web view) on the loopback TCP port."""
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{database or self.database}"

    # --- lifecycle -------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = self._run_pg("pg_ctl", "status", "-D", str(self.data_dir), check=False)
        return result.returncode == 0

    def start(self) -> bool:
        """Create the cluster if needed and start it; False when it was already running."""
        check_postgis_installed(self.bindir)
        if self.is_initialised():
            self._check_owner()
        else:
            self._init_cluster()
        if self.is_running():
            return False
        self._check_port_free()
        self._prepare_dirs()
        result = self._run_pg(
            "pg_ctl",
            "start",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            check=False,
        )
        if result.returncode != 0:
            raise ServerError(
                f"PostgreSQL did not start (data directory {self.data_dir}).\n"
                f"{result.stderr.strip()}\nLast lines of {self.log_file}:\n{self._log_tail()}",
                hint="Read the log above; `cadastre db status` shows the state.",
            )
        return True

    def stop(self) -> bool:
        """Stop the server (fast shutdown: open transactions roll back); False if not running."""
        if not self.is_running():
            return False
        self._run_pg("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60")
        return True

    # --- internals -------------------------------------------------------------------------

    def _init_cluster(self) -> None:
        log.info("creating a PostgreSQL cluster in %s", self.data_dir)
        self._prepare_dirs()
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        self._chown(self.data_dir)
        self._run_pg(
            "initdb",
            "-D",
            str(self.data_dir),
            "--username",
            self.superuser,
            "--auth-local=trust",
            "--auth-host=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        conf = CLUSTER_CONF.format(port=self.port, socket_dir=self.socket_dir)
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as handle:
            handle.write(conf)

    def _prepare_dirs(self) -> None:
        for directory in (self.home, self.log_file.parent, self.socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
        for directory in (self.log_file.parent, self.socket_dir):
            self._chown(directory)
        if self.service_user:
            ensure_traversable(self.home, self.service_user)
            self.home.chmod(self.home.stat().st_mode | stat.S_IXOTH)

    def _chown(self, path: Path) -> None:
        if self.service_user:
            shutil.chown(path, user=self.service_user, group=self._service_group())

    def _service_group(self) -> int:
        return pwd.getpwnam(self._service_account()).pw_gid

    def _service_account(self) -> str:
        assert self.service_user
        try:
            pwd.getpwnam(self.service_user)
        except KeyError as exc:
            raise ServerError(
                f"The OS user '{self.service_user}' that should run PostgreSQL does not exist.",
                hint=f"Install PostgreSQL ({INSTALL_HINT}) which creates 'postgres', "
                "or set CADASTRE_SERVICE_USER to an existing unprivileged user.",
            ) from exc
        return self.service_user

    def _check_owner(self) -> None:
        expected = self._service_account() if self.service_user else pwd.getpwuid(os.geteuid())
        expected_name = expected if isinstance(expected, str) else expected.pw_name
        owner_uid = self.data_dir.stat().st_uid
        owner = _user_name(owner_uid)
        if owner != expected_name:
            raise ServerError(
                f"The data directory {self.data_dir} is owned by '{owner}', but the server "
                f"must run as '{expected_name}'.",
                hint=f"Run as '{owner}', `chown -R {expected_name} {self.data_dir}`, "
                "or point CADASTRE_HOME at another directory.",
            )

    def _check_port_free(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError as exc:
                raise ServerError(
                    f"Port {self.port} on 127.0.0.1 is already in use by another program.",
                    hint=f"Choose another port: CADASTRE_PORT={self.port + 1} cadastre db start "
                    "(the port is fixed when the cluster is created; to change it later edit "
                    f"'port' in {self.data_dir / 'postgresql.conf'}).",
                ) from exc

    def _run_pg(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        if self.service_user:
            command = ["runuser", "-u", self._service_account(), "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd="/", check=False)
        if check and result.returncode != 0:
            raise ServerError(
                f"{program} failed: {result.stderr.strip() or result.stdout.strip()}",
                hint=f"Data directory: {self.data_dir}; log: {self.log_file}",
            )
        return result

    def _log_tail(self, lines: int = 15) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


def find_bindir(configured: Path | None = None) -> Path:
    """Locate PostgreSQL 15's server binaries, or explain what to install."""
    candidates = [configured] if configured else [Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")]
    for candidate in candidates:
        if candidate and (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    where = configured or candidates[0]
    raise ServerError(
        f"PostgreSQL {PG_MAJOR} server programs were not found (looked in {where}).",
        hint=f"Install them: {INSTALL_HINT}  (or set CADASTRE_PG_BINDIR, or DATABASE_URL to use "
        "an existing server).",
    )


def check_postgis_installed(bindir: Path) -> None:
    """PostGIS must be installed for this PostgreSQL, or nothing else will work."""
    sharedir = (
        subprocess.run(
            [str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        or f"/usr/share/postgresql/{PG_MAJOR}"
    )
    if not (Path(sharedir) / "extension" / "postgis.control").is_file():
        raise ServerError(
            f"PostGIS is not installed for PostgreSQL {PG_MAJOR} (no postgis.control in "
            f"{sharedir}/extension).",
            hint=f"Install it: {INSTALL_HINT}",
        )


def ensure_traversable(path: Path, user: str) -> None:
    """Let the service user reach `path`: grant search (x) on ancestors that deny it."""
    account = pwd.getpwnam(user)
    for ancestor in reversed(path.resolve().parents):
        info = ancestor.stat()
        if info.st_uid == account.pw_uid or info.st_mode & stat.S_IXOTH:
            continue
        if info.st_gid == account.pw_gid and info.st_mode & stat.S_IXGRP:
            continue
        log.warning(
            "granting search permission (o+x) on %s so '%s' can reach %s", ancestor, user, path
        )
        ancestor.chmod(info.st_mode | stat.S_IXOTH)


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)
