"""Helpers for attacking the register as its real roles: login roles made per test, a small
register built by the owner, statements run as the attacker, and a fingerprint of every table
to prove a refused attack changed nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg2
import psycopg2.extensions
import pytest

from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user
from tests.db.register_helpers import (
    COMMUNE,
    OTHER_COMMUNE,
    SHEET,
    add_party,
    approve,
    change,
    geom_sql,
    holders,
    issue_certificate,
    land_uses,
    open_dossier,
    rect,
)

Connection = psycopg2.extensions.connection
Statement = str | tuple[str, Sequence[Any] | dict | None]

# Schemas whose every table is fingerprinted before and after an attack.
WATCHED_SCHEMAS = ("cadastre", "public_register")
# What the register's least privilege still lets application roles write directly.
STAGING_TABLES = frozenset({"staged_parcel", "import_batch"})
OFFICER_LAYER = "officer_parcel"


# Who -----------------------------------------------------------------------------------------


@dataclass
class Attacker:
    """A login role and an open connection as it (closed by the `people` fixture)."""

    name: str
    url: str
    conn: Connection


@dataclass
class People:
    """Makes login roles for a test; the fixture drops them and closes their connections."""

    owner_url: str
    created: list[str] = field(default_factory=list)
    conns: list[Connection] = field(default_factory=list)

    def make(self, kind: str, communes: Sequence[str] = ()) -> Attacker:
        name = f"t_{kind[:3]}_{uuid.uuid4().hex[:10]}"
        password = uuid.uuid4().hex
        owner = connect(self.owner_url)
        try:
            add_user(owner, name, kind, list(communes), password=password)
        finally:
            owner.close()
        self.created.append(name)
        return self.login(name, with_user(self.owner_url, name, password))

    def builtin(self, role: str) -> Attacker:
        """cadastre_operator or cadastre_web (their passwords are in the passfile)."""
        return self.login(role, with_user(self.owner_url, role))

    def login(self, name: str, url: str) -> Attacker:
        conn = connect(url)
        self.conns.append(conn)
        return Attacker(name, url, conn)

    def close(self) -> None:
        for conn in self.conns:
            conn.close()
        owner = connect(self.owner_url)
        owner.autocommit = True
        try:
            with owner.cursor() as cur:
                for name in self.created:
                    cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE IF EXISTS "{name}"')
        finally:
            owner.close()


# Running statements as someone -------------------------------------------------------------


def _run(cur: psycopg2.extensions.cursor, statement: Statement) -> None:
    if isinstance(statement, tuple):
        cur.execute(*statement)
    else:
        cur.execute(statement)


def run(conn: Connection, *statements: Statement) -> list[tuple]:
    """Run statements in one committed transaction; the last one's rows."""
    with conn, conn.cursor() as cur:
        for statement in statements:
            _run(cur, statement)
        return cur.fetchall() if cur.description else []


def value(conn: Connection, *statements: Statement) -> Any:
    """The first value of the last statement (one committed transaction)."""
    return run(conn, *statements)[0][0]


def refusal(conn: Connection, *statements: Statement) -> psycopg2.Error:
    """Run statements in one transaction that must fail (at any statement or at commit)."""
    with pytest.raises(psycopg2.Error) as info, conn, conn.cursor() as cur:
        for statement in statements:
            _run(cur, statement)
    conn.rollback()
    return info.value


def text(error: psycopg2.Error) -> str:
    """Message, detail and hint of a database error."""
    diag = error.diag
    parts = (diag.message_primary, diag.message_detail, diag.message_hint)
    return " | ".join(part for part in parts if part)


def assert_refused(
    error: psycopg2.Error, *fragments: str, sqlstate: str | None = "42501"
) -> None:
    """The error has the expected SQLSTATE and names what it refused."""
    said = text(error)
    if sqlstate is not None:
        assert error.pgcode == sqlstate, (error.pgcode, said)
    for fragment in fragments:
        assert fragment in said, (fragment, said)


# Nothing changed ---------------------------------------------------------------------------


def watched_tables(conn: Connection) -> list[str]:
    """Every table of the register's schemas, found now (new tables are covered by themselves)."""
    found = run(
        conn,
        (
            "SELECT format('%%I.%%I', n.nspname, c.relname) FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') ORDER BY 1",
            (list(WATCHED_SCHEMAS),),
        ),
    )
    return [name for (name,) in found]


def fingerprint(owner_url: str) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every watched table, read as the owner."""
    conn = connect(owner_url)
    try:
        result = {}
        for table in watched_tables(conn):
            count, digest = run(
                conn,
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), "
                f"'')) FROM {table} AS t",
            )[0]
            result[table] = (count, digest)
        return result
    finally:
        conn.close()


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


# The register the attacks run against --------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Built by the owner: one parcel (with a holder, personal data and a certificate) in each
    commune; an approved dossier of each commune; a received one of commune A."""

    owner_url: str
    parcel_a: int
    parcel_b: int
    party_a: int
    party_b: int
    dossier_a: int
    dossier_b: int
    received_a: int
    certificate_a: str
    certificate_b: str


def _registration(
    cur: psycopg2.extensions.cursor, commune: str, number: int, wkt: str, name: str,
    id_number: str, serial: str, on: str,
) -> tuple[int, int, int]:
    dossier = open_dossier(cur, "first_registration", on, commune=commune)
    approve(cur, dossier, on)
    party = add_party(cur, name, id_number=id_number)
    cur.execute(
        f"SELECT cadastre.register_parcel(%s, %s, %s, %s, {geom_sql()}, NULL, %s, %s)",
        (dossier, commune, SHEET, number, wkt, land_uses(("ODT", 200.0)),
         holders((party, "1"))),
    )
    parcel = cur.fetchone()[0]
    issue_certificate(cur, dossier, serial, [parcel])
    return dossier, parcel, party


def build_world(owner_url: str) -> World:
    conn = connect(owner_url)
    try:
        with change(conn, "2024-01-02 10:00+00") as cur:
            _, parcel_a, party_a = _registration(
                cur, COMMUNE, 45, rect(0, 0, 20, 10), "Nguyễn Văn An", "001080000001",
                "AA000001", "2024-01-02")
        with change(conn, "2024-01-03 10:00+00") as cur:
            _, parcel_b, party_b = _registration(
                cur, OTHER_COMMUNE, 46, rect(0, 100, 20, 110), "Trần Thị Bình", "001080000002",
                "BB000001", "2024-01-03")
        with change(conn, "2024-01-04 10:00+00") as cur:
            dossier_a = open_dossier(cur, "sale", "2024-01-04", commune=COMMUNE)
            approve(cur, dossier_a, "2024-01-04")
            dossier_b = open_dossier(cur, "sale", "2024-01-04", commune=OTHER_COMMUNE)
            approve(cur, dossier_b, "2024-01-04")
            received_a = open_dossier(cur, "sale", "2024-01-04", commune=COMMUNE)
    finally:
        conn.close()
    return World(owner_url, parcel_a, parcel_b, party_a, party_b, dossier_a, dossier_b,
                 received_a, "AA000001", "BB000001")


def holders_json(*party_ids: int) -> str:
    share = f"1/{len(party_ids)}"
    return json.dumps([{"party_id": p, "share": share} for p in party_ids])
