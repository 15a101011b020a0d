"""The national look-up's own cluster: a ProjectServer under CADASTRE_HOME/national on its own
port (SCRAM, loopback, generated secrets, like the project cluster), a control database
`national`, and one database per subscribed province (provinces.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import resources

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from cadastre.db.connection import with_user
from cadastre.db.server import WEB_ROLE, ProjectServer
from cadastre.errors import CadastreError
from cadastre.national.settings import NationalSettings
from cadastre.settings import Settings, get_settings

CONTROL_DATABASE = "national"
SQL = resources.files("cadastre.national") / "sql"

# Appended to the national cluster's postgresql.conf once: an apply worker per province (34
# since 2025) and a table-copy worker or two while a province is being added.
NATIONAL_MARKER = "# --- national look-up, written by `cadastre national create` ---"
NATIONAL_CONF = f"""
{NATIONAL_MARKER}
max_logical_replication_workers = 40
max_sync_workers_per_subscription = 2
max_worker_processes = 48
"""


@dataclass(frozen=True)
class NationalCluster:
    """The national cluster: its server and how to reach its databases."""

    server: ProjectServer

    @classmethod
    def from_settings(cls, settings: Settings | None = None,
                      national: NationalSettings | None = None) -> NationalCluster:
        settings = settings or get_settings()
        national = national or NationalSettings()
        project = ProjectServer.from_settings(settings)
        return cls(replace(project, home=project.home / "national", port=national.port,
                           database=CONTROL_DATABASE))

    def url(self, database: str = CONTROL_DATABASE) -> str:
        """The superuser's URL (password from the national cluster's own pgpass)."""
        return self.server.url(database)

    def web_url(self, database: str = CONTROL_DATABASE) -> str:
        """The national web view's URL: its read-only role."""
        return with_user(self.server.url(database), WEB_ROLE)

    def require_running(self) -> None:
        """A clear error when the national cluster was not created or is stopped."""
        if not self.server.is_initialised():
            raise CadastreError(
                f"There is no national look-up in {self.server.home}.",
                hint="Create it first: cadastre national create",
            )
        if not self.server.is_running():
            raise CadastreError(
                f"The national look-up in {self.server.home} is not running.",
                hint="Start it: cadastre national create (it starts an existing one)",
            )

    @contextmanager
    def connect(self, database: str = CONTROL_DATABASE) -> Iterator[psycopg2.extensions.connection]:
        """An autocommit superuser connection (subscriptions refuse transaction blocks)."""
        conn = self.server.superuser_connection(database)
        try:
            yield conn
        finally:
            conn.close()

    def create(self) -> bool:
        """Create (first time) and start the cluster, its control database and web role;
        True when it was created now."""
        fresh = not self.server.is_initialised()
        self.server.start()
        conf = self.server.data_dir / "postgresql.conf"
        if NATIONAL_MARKER not in conf.read_text(encoding="utf-8"):
            with conf.open("a", encoding="utf-8") as handle:
                handle.write(NATIONAL_CONF)
            self.server.stop()  # worker counts take effect at start only
            self.server.start()
        with self.connect("postgres") as conn, conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (CONTROL_DATABASE,))
            if not cur.fetchone():
                cur.execute(sql.SQL("CREATE DATABASE {}").format(
                    sql.Identifier(CONTROL_DATABASE)))
            ensure_web_role(cur)
        self.server.set_role_passwords()
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute((SQL / "control.sql").read_text(encoding="utf-8"))
        return fresh

    def provinces(self) -> list[tuple[str, str, str]]:
        """(code, name, database) of every subscribed province."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT code, name, database FROM national.province ORDER BY code")
            return [tuple(row) for row in cur.fetchall()]


def ensure_web_role(cur: psycopg2.extensions.cursor) -> None:
    """The national web view's login role: read-only by default, short statements."""
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (WEB_ROLE,))
    if not cur.fetchone():
        cur.execute(sql.SQL("CREATE ROLE {} LOGIN NOINHERIT").format(sql.Identifier(WEB_ROLE)))
        cur.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(
            sql.Identifier(WEB_ROLE)))
        cur.execute(sql.SQL("ALTER ROLE {} SET statement_timeout = '5s'").format(
            sql.Identifier(WEB_ROLE)))
