"""The province side: make its register publishable to the national look-up.

The publication (cadastre_public) and its roles are SQL (sql/functions/096_publication.sql,
applied by `cadastre db migrate`). Here, on the province's project server: logical WAL, the
roles' generated secrets (in the province's pgpass like the other roles'), and the **public
copy**: database cadastre_public, which a subscription inside the province's own cluster keeps
equal to the publication, and which is the only database the national subscription's role may
enter (pg_hba.conf). A REPLICATION role decodes every change of a database it enters with any
output plugin (test_decoding ships with PostgreSQL): in the public copy there is nothing else
to decode.
"""

from __future__ import annotations

import os
import pwd
import shutil
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from cadastre.db.rows import one_row
from cadastre.db.secrets import ensure_passwords, scram_verifier, verifier_matches
from cadastre.db.server import PUBLISHER_ROLE, ProjectServer
from cadastre.errors import CadastreError
from cadastre.national.cluster import SQL

PUBLICATION = "cadastre_public"
PUBLIC_DATABASE = "cadastre_public"
COPY_ROLE = "cadastre_public_copy"
COPY_SUBSCRIPTION = "cadastre_public_copy"
# The tables of the publication (public_register.publication_tables()), as subscribers hold them.
PUBLISHED_TABLES = (
    "public_register.parcel_page", "cadastre.parcel", "cadastre.certificate",
    "cadastre.certificate_parcel", "cadastre.admin_unit", "cadastre.register_setting",
    "cadastre.province_crs",
)


@dataclass(frozen=True)
class Publication:
    """What `cadastre national publish` reports: the URL to give the national operator (None
    while the server must restart for logical WAL)."""

    url: str | None
    restart_needed: bool


def publish(server: ProjectServer, database: str, restart: bool,
            report: Callable[[str], None]) -> Publication:
    """Turn on logical WAL (restarting the server when `restart`), give both roles their
    secret, and make (or keep) the public copy the national look-up subscribes to."""
    with closing(server.superuser_connection(database)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", (PUBLICATION,))
        if not cur.fetchone():
            raise CadastreError(
                f"The register has no publication '{PUBLICATION}' yet.",
                hint="Apply the current SQL first: cadastre db migrate",
            )
        cur.execute("SHOW wal_level")
        if one_row(cur)[0] != "logical":
            cur.execute("ALTER SYSTEM SET wal_level = 'logical'")
            if not restart:
                return Publication(None, restart_needed=True)
            server.stop()
            server.start(report=report)
            report("Logical WAL turned on; the server was restarted.")
    passwords = _ensure_role_passwords(server, database)
    server.reload_hba()  # the publication role: the public copy only, from now on
    _make_public_copy(server, database, passwords[COPY_ROLE])
    url = (f"postgresql://{PUBLISHER_ROLE}@127.0.0.1:{server.port}/{PUBLIC_DATABASE}"
           f"?passfile={quote(str(server.passfile), safe='/')}")
    return Publication(url, restart_needed=False)


def _ensure_role_passwords(server: ProjectServer, database: str) -> dict[str, str]:
    """Both roles' passwords, generated into the province's pgpass if missing, and set."""
    hosts = ("127.0.0.1", "localhost", "::1", str(server.socket_dir))
    passwords = ensure_passwords(server.passfile, (PUBLISHER_ROLE, COPY_ROLE), hosts,
                                 server.port)
    server.ensure_secrets()  # the server's own lines (every host and port it writes) again
    with closing(server.superuser_connection(database)) as conn, conn.cursor() as cur:
        for role in (PUBLISHER_ROLE, COPY_ROLE):
            cur.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,))
            stored = cur.fetchone()
            if stored is None:
                raise CadastreError(f"The role {role} is missing.",
                                    hint="Apply the current SQL first: cadastre db migrate")
            if not verifier_matches(stored[0], passwords[role]):
                cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(scram_verifier(passwords[role]))))
    return passwords


def _make_public_copy(server: ProjectServer, database: str, copy_password: str) -> None:
    """Database cadastre_public: the published tables, a publication of them for the national
    look-up, and a subscription (inside this cluster) that keeps them equal to the register's
    publication. Waits until the copy is complete."""
    with closing(server.superuser_connection("postgres")) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PUBLIC_DATABASE,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PUBLIC_DATABASE)))
    tables = sql.SQL(", ").join(sql.SQL(name) for name in PUBLISHED_TABLES)
    with closing(server.superuser_connection(PUBLIC_DATABASE)) as conn, conn.cursor() as cur:
        cur.execute((SQL / "province.sql").read_text(encoding="utf-8"))
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA cadastre, public_register TO {}").format(
            sql.Identifier(PUBLISHER_ROLE)))
        cur.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(
            tables, sql.Identifier(PUBLISHER_ROLE)))
        cur.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", (PUBLICATION,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE PUBLICATION {} FOR TABLE {}").format(
                sql.Identifier(PUBLICATION), tables))
    # A subscription to another database of the same cluster cannot make its slot itself
    # (CREATE SUBSCRIPTION would wait on its own transaction): the slot is made first.
    with closing(server.superuser_connection(database)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_replication_slots WHERE slot_name = %s",
                    (COPY_SUBSCRIPTION,))
        if not cur.fetchone():
            cur.execute("SELECT pg_create_logical_replication_slot(%s, 'pgoutput')",
                        (COPY_SUBSCRIPTION,))
    params = {"host": "127.0.0.1", "port": str(server.port), "dbname": database,
              "user": COPY_ROLE, "password": copy_password}
    passfile = write_feed_passfile(server.home / "feeds", COPY_SUBSCRIPTION, params,
                                   server.service_user)
    conninfo = psycopg2.extensions.make_dsn(
        **{k: v for k, v in params.items() if k != "password"}, passfile=str(passfile))
    with closing(server.superuser_connection(PUBLIC_DATABASE)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", (COPY_SUBSCRIPTION,))
        if not cur.fetchone():
            cur.execute(sql.SQL(
                "CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {} "
                "WITH (create_slot = false, slot_name = {})").format(
                    sql.Identifier(COPY_SUBSCRIPTION), sql.Literal(conninfo),
                    sql.Identifier(PUBLICATION), sql.Literal(COPY_SUBSCRIPTION)))
        deadline = time.monotonic() + 3600
        while True:
            cur.execute("SELECT count(*) FILTER (WHERE srsubstate = 'r'), count(*) "
                        "FROM pg_subscription_rel")
            ready, total = one_row(cur)
            if total and ready == total:
                break
            if time.monotonic() > deadline:
                raise CadastreError("The public copy is not complete after an hour.",
                                    hint="The server's log says what stops it.")
            time.sleep(0.2)


def write_feed_passfile(folder: Path, name: str, params: dict[str, str],
                        service_user: str | None) -> Path:
    """A subscription's password file, readable by the server's OS user only: the
    subscription names it, so the password is neither in its catalog row nor in the log of
    the DDL that creates it."""
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{name}.pgpass"
    fields = [params.get("host", "localhost"), params.get("port", "5432"), "*",
              params["user"], params["password"]]
    line = ":".join(f.replace("\\", "\\\\").replace(":", "\\:") for f in fields) + "\n"
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(line)
    if service_user:
        for each in (folder, path):
            shutil.chown(each, user=service_user, group=pwd.getpwnam(service_user).pw_gid)
    return path
