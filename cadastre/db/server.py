"""The project-managed PostgreSQL + PostGIS server: a private cluster under CADASTRE_HOME.

It runs on its own port and unix socket so it never collides with a system PostgreSQL.
PostgreSQL refuses to run as root, so when root starts it the server runs as an
unprivileged OS user (`postgres` by default, CADASTRE_SERVICE_USER to change).

Nobody logs in without a password: pg_hba.conf allows scram-sha-256 only (socket and
loopback), the socket's folder is the server user's alone, and the generated passwords of the
managed roles live in CADASTRE_HOME/secrets/pgpass, which the URLs built here name. Replication
is allowed only once a replica or a base backup asks for it, and then only to its own role
from 127.0.0.1 (cadastre.db.replica). The server archives its WAL from the start
(cadastre.db.archive), so the register can be recovered to any moment after a base backup.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pwd
import shutil
import socket
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from cadastre.db.secrets import ensure_passwords, read_passwords, scram_verifier, verifier_matches
from cadastre.errors import ServerError
from cadastre.settings import Settings

log = logging.getLogger(__name__)

PG_MAJOR = 15
INSTALL_HINT = "sudo apt-get install postgresql-15 postgresql-15-postgis-3 postgresql-15-pgaudit"
EXTENSIONS = ("postgis", "btree_gist")
AUDIT_EXTENSION = "pgaudit"
# The web view's login role (sql/migrations/008_public_web.sql); its password is generated here.
WEB_ROLE = "cadastre_web"
# The role replicas and base backups connect as (cadastre.db.replica); it may replicate only.
REPLICATION_ROLE = "cadastre_replication"
# Folders of CADASTRE_HOME holding clusters beside the primary, each with a cluster.json.
SIDE_FOLDERS = ("replicas", "restores")
SIDE_META = "cluster.json"
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

# Who may connect and what the log keeps; appended on creation, and to an older cluster's
# configuration by `cadastre db start` when this marker is missing.
SECURITY_MARKER = "# --- who can connect, written by `cadastre db start` ---"
SECURITY_CONF = f"""
{SECURITY_MARKER}
password_encryption = 'scram-sha-256'
unix_socket_permissions = 0700
log_connections = on
log_disconnections = on
log_statement = 'ddl'
log_line_prefix = '%m [%p] %q%u@%d '
shared_preload_libraries = 'pgaudit'
pgaudit.log = 'role, ddl'
pgaudit.log_catalog = off
pgaudit.role = 'cadastre_auditor'
"""

# The whole pg_hba.conf: passwords (SCRAM) over the socket and loopback, nothing else: no
# trust, no replication, no other address.
PG_HBA = """# written by `cadastre db start`: every connection proves its password (SCRAM).
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
"""

# Put first (pg_hba.conf takes the first line that matches) once replication is on: the
# replication role replicates from 127.0.0.1 with its password, and logs into no database.
REPLICATION_HBA = f"""# replication, written by `cadastre db replica create` / `db backup --base`:
host    replication  {REPLICATION_ROLE}  127.0.0.1/32  scram-sha-256
local   all          {REPLICATION_ROLE}                reject
host    all          {REPLICATION_ROLE}  all           reject
"""


# Put first once the register publishes to the national look-up (`cadastre national publish`,
# cadastre.national): with any output plugin, a REPLICATION role decodes every change of the
# databases it may enter, so the publication role enters only the public copy.
PUBLISHER_ROLE = "cadastre_publisher"
PUBLISHER_HBA = f"""# national look-up, written by `cadastre national publish`: the public copy only
host    cadastre_public  {PUBLISHER_ROLE}  127.0.0.1/32  scram-sha-256
local   all              {PUBLISHER_ROLE}                reject
host    all              {PUBLISHER_ROLE}  all           reject
"""


def hba_text(replication: bool, publication: bool = False) -> str:
    """The pg_hba.conf the project writes, with or without the replication lines (and the
    national publication's)."""
    head = (REPLICATION_HBA if replication else "") + (PUBLISHER_HBA if publication else "")
    return head + PG_HBA


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
    operator_role: str = "cadastre_operator"
    archive_dir: Path | None = None  # None: CADASTRE_HOME/archive
    # A cluster beside the primary (replica, restored copy) logs in with the primary's secrets.
    secrets_home: Path | None = None

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
            operator_role=settings.operator_role,
            archive_dir=settings.archive_dir.resolve() if settings.archive_dir else None,
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

    @property
    def passfile(self) -> Path:
        return (self.secrets_home or self.home) / "secrets" / "pgpass"

    @property
    def archive(self) -> Path:
        """Where the WAL archive and the base backups go."""
        return self.archive_dir or self.home / "archive"

    def side_ports(self) -> tuple[int, ...]:
        """Ports of the clusters made beside this one (replicas, restored copies)."""
        ports = []
        for folder in SIDE_FOLDERS:
            for meta in sorted((self.home / folder).glob(f"*/{SIDE_META}")):
                try:
                    ports.append(int(json.loads(meta.read_text(encoding="utf-8"))["port"]))
                except (OSError, ValueError, KeyError, TypeError):
                    log.warning("ignoring unreadable %s", meta)
        return tuple(ports)

    @property
    def login_roles(self) -> tuple[str, ...]:
        """The roles whose passwords this project generates: superuser, CLI, web view."""
        return (self.superuser, self.operator_role, WEB_ROLE)

    def url(self, database: str | None = None) -> str:
        """The libpq URL for clients (psql, QGIS, the web view) on the loopback TCP port,
        naming the password file."""
        return (
            f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{database or self.database}"
            f"?passfile={quote(str(self.passfile), safe='/')}"
        )

    def ensure_secrets(self, extra_roles: tuple[str, ...] = ()) -> dict[str, str]:
        """The managed roles' passwords, generated (and the pgpass file written) if missing,
        for this server's port and its replicas'."""
        hosts = ("127.0.0.1", "localhost", "::1", str(self.socket_dir))
        return ensure_passwords(
            self.passfile, (*self.login_roles, *extra_roles), hosts,
            (self.port, *self.side_ports()),
        )

    def replication_enabled(self) -> bool:
        """True once a replica or base backup gave the replication role a password."""
        return REPLICATION_ROLE in read_passwords(self.passfile)

    def superuser_connection(self, database: str = "postgres") -> psycopg2.extensions.connection:
        """An autocommit connection to one of this cluster's databases as its superuser (what
        replication, archiving and publication set-up need: some of their statements refuse a
        transaction block); 'cannot log in' becomes one sentence naming the port."""
        try:
            conn = psycopg2.connect(self.url(database), connect_timeout=5)
        except psycopg2.OperationalError as exc:
            raise ServerError(
                f"Cannot log in to the server on port {self.port}: "
                f"{str(exc).strip().splitlines()[0]}",
                hint="`cadastre db status` shows which clusters run.",
            ) from exc
        conn.autocommit = True
        return conn

    def set_role_passwords(self) -> list[str]:
        """Give the managed roles that exist their pgpass password (as SCRAM verifiers, only
        where it differs); the roles changed. Run after migrations created the roles."""
        passwords = self.ensure_secrets()
        try:
            conn = psycopg2.connect(self.url("postgres"), connect_timeout=5)
        except psycopg2.OperationalError as exc:
            raise ServerError(
                f"Cannot log in to the project server as '{self.superuser}' to set the "
                f"passwords: {str(exc).strip().splitlines()[0]}",
                hint=f"Run as the OS user who owns {self.passfile} (it was made by the first "
                "`cadastre db start`); `cadastre db status` shows whether the server runs.",
            ) from exc
        conn.autocommit = True
        changed = []
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY(%s)",
                    (list(passwords),),
                )
                for role, stored in cur.fetchall():
                    if not verifier_matches(stored, passwords[role]):
                        cur.execute(
                            sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                                sql.Identifier(role), sql.Literal(scram_verifier(passwords[role]))
                            )
                        )
                        changed.append(role)
        finally:
            conn.close()
        return changed

    # --- lifecycle -------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = self._run_pg("pg_ctl", "status", "-D", str(self.data_dir), check=False)
        return result.returncode == 0

    def start(self, report: Callable[[str], None] = log.warning) -> bool:
        """Create the cluster if needed and start it; False when it was already running.

        A cluster made by an older version (trusting local connections) is upgraded to
        passwords on the way; `report` says so in one line.
        """
        check_postgis_installed(self.bindir)
        check_pgaudit_installed(self.bindir)
        fresh = not self.is_initialised()
        if fresh:
            self._init_cluster()
        else:
            self._check_owner()
        running = self.is_running()
        self._prepare_archive()
        archiving_changed = write_archive_conf(self.data_dir / "postgresql.conf", self.archive)
        if not running:
            self._check_port_free()
            self._prepare_dirs()
            self._pg_ctl_start()
        elif archiving_changed:
            self._run_pg("pg_ctl", "reload", "-D", str(self.data_dir))
            report("WAL archiving is configured; restart the server (`cadastre db stop && "
                   f"cadastre db start`) to start archiving to {self.archive}.")
        if not fresh and self._needs_upgrade():
            report(self._upgrade(restart=not running))
        return not running

    def _prepare_archive(self) -> None:
        """The archive's folders, the server user's alone (0700): WAL holds personal data."""
        for folder in (self.archive, self.archive / "wal", self.archive / "base"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.chmod(0o700)
            self._chown(folder)
        if self.service_user:
            ensure_traversable(self.archive, self.service_user)

    def _pg_ctl_start(self) -> None:
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
        password = self.ensure_secrets()[self.superuser]
        pwfile = self.home / f".initdb-pw-{os.getpid()}"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(password + "\n")
            self._chown(pwfile)
            self._run_pg(
                "initdb",
                "-D",
                str(self.data_dir),
                "--username",
                self.superuser,
                f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--data-checksums",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        conf = CLUSTER_CONF.format(port=self.port, socket_dir=self.socket_dir) + SECURITY_CONF
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as handle:
            handle.write(conf)
        self._write_hba()

    def reload_hba(self) -> None:
        """Rewrite pg_hba.conf (the lines for replication and publication as enabled) and
        have the running server read it."""
        self._write_hba()
        self._run_pg("pg_ctl", "reload", "-D", str(self.data_dir))

    def _write_hba(self) -> None:
        """Replace pg_hba.conf by the project's (as the server's user, keeping its 0600 mode)."""
        hba = self.data_dir / "pg_hba.conf"
        publication = PUBLISHER_ROLE in read_passwords(self.passfile)
        hba.write_text(hba_text(self.replication_enabled(), publication), encoding="utf-8")
        hba.chmod(0o600)
        self._chown(hba)

    def _needs_upgrade(self) -> bool:
        """True for a cluster made before passwords: trust or replication lines, no
        security settings, or no generated superuser password."""
        hba = (self.data_dir / "pg_hba.conf").read_text(encoding="utf-8")
        conf = (self.data_dir / "postgresql.conf").read_text(encoding="utf-8")
        return (
            hba_is_lax(hba)
            or SECURITY_MARKER not in conf
            or self.superuser not in read_passwords(self.passfile)
        )

    def _upgrade(self, restart: bool) -> str:
        """Bring an older (trusting) running cluster to passwords; returns what was done."""
        hba = (self.data_dir / "pg_hba.conf").read_text(encoding="utf-8")
        if self.superuser not in read_passwords(self.passfile) and not hba_is_lax(hba):
            raise ServerError(
                f"The password file {self.passfile} has no password for '{self.superuser}', "
                "and the server accepts passwords only.",
                hint="Put the saved CADASTRE_HOME/secrets back, or set a new password as the "
                f"server's OS user over the socket and write it to {self.passfile}.",
            )
        self.set_role_passwords()  # still trusted: the old pg_hba.conf is in force
        conf_path = self.data_dir / "postgresql.conf"
        if SECURITY_MARKER not in conf_path.read_text(encoding="utf-8"):
            with conf_path.open("a", encoding="utf-8") as handle:
                handle.write(SECURITY_CONF)
        self._write_hba()
        if restart:
            self.stop()
            self._pg_ctl_start()
            return (f"Upgraded the server to password logins (passwords in {self.passfile}) "
                    "and restarted it.")
        self._run_pg("pg_ctl", "reload", "-D", str(self.data_dir))
        return (f"Upgraded the server to password logins (passwords in {self.passfile}); "
                "restart it (`cadastre db stop && cadastre db start`) to turn on pgAudit.")

    def _prepare_dirs(self) -> None:
        for directory in (self.home, self.log_file.parent, self.socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
        for directory in (self.log_file.parent, self.socket_dir):
            self._chown(directory)
            directory.chmod(0o700)
        if self.log_file.exists():
            self.log_file.chmod(0o600)
        else:
            os.close(os.open(self.log_file, os.O_WRONLY | os.O_CREAT, 0o600))
            self._chown(self.log_file)
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


def hba_is_lax(hba: str) -> bool:
    """True when pg_hba.conf lets anyone in without a password, sends one in clear text or
    allows replication other than the project's own line (lines an administrator added with
    SCRAM, e.g. for a LAN, stay)."""
    own = [line.split() for line in REPLICATION_HBA.splitlines() if line and line[0] != "#"]
    for line in hba.splitlines():
        fields = line.split("#", 1)[0].split()
        if not fields or fields in own:
            continue
        if {"trust", "password"} & set(fields[3:]) or "replication" in fields[1:2]:
            return True
    return False


ARCHIVE_MARKER = "# --- WAL archive, written by `cadastre db start` ---"
ARCHIVE_END = "# --- end of WAL archive ---"
# Segments are copied under a temporary name, flushed, then renamed: an archived segment is
# never overwritten (an identical one already there counts as archived, a different one fails
# loudly in the log) and never seen half-written. Until the first base backup asks for WAL
# (its marker file), a segment is let go: no restore could start before a base backup, and a
# server nobody backs up (a developer's) would fill its disk with WAL.
WAL_WANTED = ".wal-wanted"
ARCHIVE_COMMAND = (
    "test ! -f '{base}/" + WAL_WANTED + "' || {{ test ! -f '{wal}/%f' "
    "&& cp %p '{wal}/.%f.part' && sync '{wal}/.%f.part' "
    "&& mv '{wal}/.%f.part' '{wal}/%f' || cmp -s %p '{wal}/%f'; }}"
)
# At most this many seconds of committed work wait in an unfilled WAL segment before it is
# archived (what a lost disk loses at worst, besides what replicas hold).
ARCHIVE_TIMEOUT_S = 300


def archive_conf(archive: Path) -> str:
    """The postgresql.conf block turning on continuous archiving into `archive`/wal."""
    if any(char in str(archive) for char in "'%\\\n"):
        raise ServerError(
            f"The archive path {archive} holds a quote, % or backslash, which the archive "
            "command cannot carry.",
            hint="Choose a plain path for CADASTRE_ARCHIVE_DIR.",
        )
    command = ARCHIVE_COMMAND.format(wal=archive / "wal", base=archive / "base")
    command = command.replace("'", "''")
    return (f"{ARCHIVE_MARKER}\narchive_mode = on\narchive_command = '{command}'\n"
            f"archive_timeout = {ARCHIVE_TIMEOUT_S}\n{ARCHIVE_END}\n")


def write_archive_conf(conf_path: Path, archive: Path) -> bool:
    """Put (or update) the archiving block in postgresql.conf; True when it changed."""
    text = conf_path.read_text(encoding="utf-8")
    block = archive_conf(archive)
    if ARCHIVE_MARKER in text and ARCHIVE_END in text:
        head, rest = text.split(ARCHIVE_MARKER, 1)
        tail = rest.split(ARCHIVE_END, 1)[1].lstrip("\n")
        new = head + block + tail
    else:
        new = text + ("" if text.endswith("\n") else "\n") + block
    if new == text:
        return False
    conf_path.write_text(new, encoding="utf-8")
    return True


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


def check_pgaudit_installed(bindir: Path) -> None:
    """The server preloads pgAudit; without its library it would not start."""
    libdir = subprocess.run(
        [str(bindir / "pg_config"), "--pkglibdir"], capture_output=True, text=True, check=False
    ).stdout.strip() or f"/usr/lib/postgresql/{PG_MAJOR}/lib"
    if not (Path(libdir) / f"{AUDIT_EXTENSION}.so").is_file():
        raise ServerError(
            f"pgAudit is not installed for PostgreSQL {PG_MAJOR} (no {AUDIT_EXTENSION}.so in "
            f"{libdir}); the project server logs role and schema changes with it.",
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
