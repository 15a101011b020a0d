"""Subscribing the national look-up to province registers, and how fresh each one is."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from cadastre.db.connection import mask_password
from cadastre.db.rows import one_row
from cadastre.db.secrets import read_passwords
from cadastre.errors import CadastreError
from cadastre.national.cluster import SQL, NationalCluster
from cadastre.national.publication import PUBLICATION, PUBLISHED_TABLES, write_feed_passfile

# Tables of the publication, as the subscriber holds them: their copy is "ready" when all are.
SUBSCRIBED_TABLES = len(PUBLISHED_TABLES)


@dataclass(frozen=True)
class Province:
    """A province register the national look-up subscribes to."""

    code: str
    name: str
    database: str
    subscription: str


@dataclass(frozen=True)
class Feed:
    """How fresh a province's data is in the national look-up."""

    code: str
    name: str
    database: str
    connected: bool
    last_contact_at: datetime | None
    stale: bool
    tables_ready: int
    parcels: int


def database_for(code: str) -> str:
    """The national database of a province: `p` and its code (p01, p48)."""
    return f"p{code}"


def publisher_params(url: str) -> dict[str, str]:
    """The province's connection parameters with its password (from the URL or the password
    file it names)."""
    try:
        params = psycopg2.extensions.parse_dsn(url)
    except psycopg2.ProgrammingError as exc:
        # Not echoed: a malformed connection string may hold a password in clear.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise CadastreError(
            f"The province's URL is not a PostgreSQL URL ({reason}).",
            hint="Give the URL `cadastre national publish` printed on the province's server, "
            "e.g. postgresql://cadastre_publisher@HOST:PORT/cadastre?passfile=…",
        ) from exc
    passfile = params.pop("passfile", None)
    if "password" not in params:
        user = params.get("user", "")
        found = read_passwords(Path(passfile)) if passfile else {}
        if user not in found:
            raise CadastreError(
                f"No password for '{user}' in the URL"
                + (f" nor in {passfile}." if passfile else "."),
                hint="Name the province's password file (?passfile=…) or put the password in "
                "the URL, as `cadastre national publish` gave them.",
            )
        params["password"] = found[user]
    params.setdefault("connect_timeout", "10")
    return params


def read_province(conninfo: str, url: str) -> tuple[str, str, int]:
    """(code, name, srid) of the register behind the publication, checking it can publish."""
    try:
        conn = psycopg2.connect(conninfo)
    except psycopg2.OperationalError as exc:
        raise CadastreError(
            f"Cannot reach the province register at {mask_password(url)}: "
            f"{str(exc).strip().splitlines()[0]}",
            hint="Is its server running, and was `cadastre national publish` run there?",
        ) from exc
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW wal_level")
            if one_row(cur)[0] != "logical":
                raise CadastreError(
                    f"The province register at {mask_password(url)} does not write logical "
                    "WAL yet.",
                    hint="On its server: cadastre national publish --restart",
                )
            cur.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", (PUBLICATION,))
            if not cur.fetchone():
                raise CadastreError(
                    f"The register at {mask_password(url)} has no publication {PUBLICATION}.",
                    hint="On its server: cadastre db migrate, then cadastre national publish",
                )
            cur.execute(
                "SELECT s.province_code, p.province_name, s.srid "
                "FROM cadastre.register_setting AS s "
                "JOIN cadastre.province_crs AS p USING (province_code)")
            row = cur.fetchone()
    finally:
        conn.close()
    if row is None:
        raise CadastreError(f"The database at {mask_password(url)} holds no register yet.",
                            hint="On its server: cadastre db start --province CODE")
    return row[0], row[1], row[2]


def add_province(cluster: NationalCluster, url: str) -> Province:
    """Subscribe the national look-up to the province register at `url`: its database here,
    the subscribed tables and look-ups, and the subscription (which copies the tables, then
    streams every change)."""
    cluster.require_running()
    params = publisher_params(url)
    code, name, srid = read_province(psycopg2.extensions.make_dsn(**params), url)
    database = database_for(code)
    subscription = f"national_{database}"
    with cluster.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT publisher FROM national.province WHERE code = %s", (code,))
        known = cur.fetchone()
        if known:
            raise CadastreError(
                f"Province {code} {name} is already subscribed (from {known[0]}).",
                hint="`cadastre national status` shows how fresh it is.",
            )
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    passfile = write_feed_passfile(cluster.server.home / "feeds", database, params,
                                   cluster.server.service_user)
    conninfo = psycopg2.extensions.make_dsn(
        **{k: v for k, v in params.items() if k != "password"}, passfile=str(passfile))
    with cluster.connect(database) as conn, conn.cursor() as cur:
        cur.execute((SQL / "province.sql").read_text(encoding="utf-8"))
        cur.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", (subscription,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {}").format(
                sql.Identifier(subscription), sql.Literal(conninfo),
                sql.Identifier(PUBLICATION)))
    with cluster.connect() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO national.province (code, name, srid, database, subscription, publisher)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (code, name, srid, database, subscription, mask_password(url)))
    return Province(code, name, database, subscription)


def feeds(cluster: NationalCluster, stale_after_seconds: int) -> list[Feed]:
    """Every province's freshness (recording the contact of those streaming now)."""
    cluster.require_running()
    with cluster.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT code, name, database, connected, last_contact_at, stale "
                    "FROM national.feeds(make_interval(secs => %s))", (stale_after_seconds,))
        rows = cur.fetchall()
    found = []
    for code, name, database, connected, contact, stale in rows:
        with cluster.connect(database) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FILTER (WHERE srsubstate = 'r') FROM pg_subscription_rel")
            ready = one_row(cur)[0]
            cur.execute("SELECT count(*) FROM cadastre.parcel")
            parcels = one_row(cur)[0]
        found.append(Feed(code, name, database, connected, contact,
                          stale or ready < SUBSCRIBED_TABLES, ready, parcels))
    return found


def wait_until_copied(cluster: NationalCluster, code: str, timeout_s: float = 600) -> Feed:
    """Wait until the subscription has copied every table of a province and streams."""
    deadline = time.monotonic() + timeout_s
    while True:
        feed = next(f for f in feeds(cluster, 3600) if f.code == code)
        if feed.tables_ready >= SUBSCRIBED_TABLES and feed.connected:
            return feed
        if time.monotonic() > deadline:
            raise CadastreError(
                f"Province {code}'s tables are not copied after {timeout_s:.0f} s "
                f"({feed.tables_ready}/{SUBSCRIBED_TABLES} ready).",
                hint="The copy goes on in the background; `cadastre national status` follows "
                "it, and the national server's log says what stops it.",
            )
        time.sleep(0.5)


def drop_province(cluster: NationalCluster, code: str) -> tuple[Province, bool]:
    """Unsubscribe from a province and drop its database here; True when the province could
    not be reached to drop its replication slot (its administrator must, or its WAL grows)."""
    cluster.require_running()
    with cluster.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT name, database, subscription FROM national.province "
                    "WHERE code = %s", (code,))
        row = cur.fetchone()
    if row is None:
        raise CadastreError(f"Province {code} is not in the national look-up.",
                            hint="`cadastre national status` lists the provinces.")
    province = Province(code, *row)
    left_slot = False
    with cluster.connect(province.database) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", (province.subscription,))
        if cur.fetchone():
            name = sql.Identifier(province.subscription)
            try:
                cur.execute(sql.SQL("DROP SUBSCRIPTION {}").format(name))
            except psycopg2.Error:  # the province is unreachable: keep its slot, say so
                cur.execute(sql.SQL("ALTER SUBSCRIPTION {} DISABLE").format(name))
                cur.execute(sql.SQL("ALTER SUBSCRIPTION {} SET (slot_name = NONE)").format(name))
                cur.execute(sql.SQL("DROP SUBSCRIPTION {}").format(name))
                left_slot = True
    with cluster.connect() as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(province.database)))
        cur.execute("DELETE FROM national.province WHERE code = %s", (code,))
    (cluster.server.home / "feeds" / f"{province.database}.pgpass").unlink(missing_ok=True)
    return province, left_slot
