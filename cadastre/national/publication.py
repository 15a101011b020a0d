"""The province side: make its register publishable to the national look-up.

The publication itself (cadastre_public) and its role are SQL (sql/functions/096_publication.sql,
applied by `cadastre db migrate`). Here: logical WAL on the province's server, and the
publication role's generated secret, kept in the province's pgpass like the other roles'.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from cadastre.db.secrets import ensure_passwords, scram_verifier, verifier_matches
from cadastre.db.server import ProjectServer
from cadastre.errors import CadastreError

PUBLICATION = "cadastre_public"
PUBLISHER_ROLE = "cadastre_publisher"


@dataclass(frozen=True)
class Publication:
    """What `cadastre national publish` reports: the URL to give the national operator."""

    url: str
    wal_level: str
    restart_needed: bool


def publish(conn: psycopg2.extensions.connection, server: ProjectServer | None,
            database: str) -> Publication:
    """Check the publication, turn on logical WAL (ALTER SYSTEM; a restart applies it) and
    give the publication role its secret. `conn`: the province's superuser, autocommit."""
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", (PUBLICATION,))
        if not cur.fetchone():
            raise CadastreError(
                f"The register has no publication '{PUBLICATION}' yet.",
                hint="Apply the current SQL first: cadastre db migrate",
            )
        cur.execute("SHOW wal_level")
        wal_level = cur.fetchone()[0]
        restart = False
        if wal_level != "logical":
            cur.execute("ALTER SYSTEM SET wal_level = 'logical'")
            restart = True
        if server is None:
            return Publication(f"postgresql://{PUBLISHER_ROLE}@<this server>/{database}",
                               wal_level, restart)
        password = publisher_password(server)
        cur.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (PUBLISHER_ROLE,))
        stored = cur.fetchone()
        if stored is None:
            raise CadastreError(f"The role {PUBLISHER_ROLE} is missing.",
                                hint="Apply the current SQL first: cadastre db migrate")
        if not verifier_matches(stored[0], password):
            cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(PUBLISHER_ROLE), sql.Literal(scram_verifier(password))))
    url = (f"postgresql://{PUBLISHER_ROLE}@127.0.0.1:{server.port}/{database}"
           f"?passfile={quote(str(server.passfile), safe='/')}")
    return Publication(url, wal_level, restart)


def publisher_password(server: ProjectServer) -> str:
    """The publication role's password, generated into the province's pgpass if missing."""
    hosts = ("127.0.0.1", "localhost", "::1", str(server.socket_dir))
    password = ensure_passwords(server.passfile, (PUBLISHER_ROLE,), hosts, server.port)
    server.ensure_secrets()  # the server's own lines (every host and port it writes) again
    return password[PUBLISHER_ROLE]
