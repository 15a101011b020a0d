"""People and their roles: login roles that are members of the register's group roles.

The groups and what they may do are defined in SQL (sql/migrations/012_roles.sql,
sql/functions/099_roles.sql); this module only creates login roles in them and assigns the
communes an officer may edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg2.extensions
from psycopg2 import sql

from cadastre.db.secrets import scram_verifier
from cadastre.errors import CadastreError

# The kinds of user people ask for, and the database group role each one joins.
ROLE_GROUPS = {
    "officer": "cadastre_officer",
    "approver": "cadastre_approver",
    "analyst": "cadastre_analyst",
    "admin": "cadastre_admin",
}
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class User:
    """A login role, its groups and the communes it may edit."""

    name: str
    groups: tuple[str, ...]
    communes: tuple[str, ...]


def check_role_name(name: str) -> str:
    """A role name people can type and PostgreSQL keeps as written (lower case, no quotes)."""
    if not ROLE_NAME.match(name):
        raise CadastreError(
            f"'{name}' is not a usable user name",
            hint="Use lower-case letters, digits and _ (e.g. officer_hoan_kiem), at most 63.",
        )
    return name


def group_of(kind: str) -> str:
    """The group role for a kind of user, or an error listing the kinds."""
    try:
        return ROLE_GROUPS[kind]
    except KeyError:
        raise CadastreError(
            f"Unknown kind of user '{kind}'", hint="One of: " + ", ".join(ROLE_GROUPS)
        ) from None


def add_user(
    conn: psycopg2.extensions.connection,
    name: str,
    kind: str,
    communes: list[str],
    password: str | None = None,
) -> User:
    """Create a login role in a group and assign its communes, in one transaction."""
    name = check_role_name(name)
    group = group_of(kind)
    if kind in ("officer", "approver") and not communes:
        raise CadastreError(
            f"An {kind} needs at least one commune to edit", hint="Add --commune CODE."
        )
    with conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        if cur.fetchone():
            raise CadastreError(f"A role named '{name}' already exists; nothing was changed.")
        unknown = _unknown_communes(cur, communes)
        if unknown:
            raise CadastreError(
                "Unknown commune code(s): " + ", ".join(unknown),
                hint="Communes are added with the register (cadastre.add_commune).",
            )
        statement = sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
            sql.Identifier(name), sql.Identifier(group)
        )
        if password:  # sent as its SCRAM verifier: the server logs DDL, never the password
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(scram_verifier(password)))
        cur.execute(statement)
        cur.executemany(
            "INSERT INTO cadastre.officer_commune (role_name, commune_code) VALUES (%s, %s)",
            [(name, code) for code in communes],
        )
    return User(name, (group,), tuple(communes))


def list_users(conn: psycopg2.extensions.connection) -> list[User]:
    """Every login role that belongs to one of the register's groups."""
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT r.rolname, array_agg(DISTINCT g.rolname ORDER BY g.rolname), "
            "       coalesce((SELECT array_agg(o.commune_code ORDER BY o.commune_code) "
            "                 FROM cadastre.officer_commune AS o WHERE o.role_name = r.rolname),"
            "                '{}') "
            "FROM pg_roles AS r JOIN pg_auth_members AS m ON m.member = r.oid "
            "JOIN pg_roles AS g ON g.oid = m.roleid "
            "WHERE r.rolcanlogin AND g.rolname = ANY(%s) GROUP BY r.rolname ORDER BY r.rolname",
            (list(ROLE_GROUPS.values()),),
        )
        return [User(name, tuple(groups), tuple(communes)) for name, groups, communes in cur]


def _unknown_communes(cur: psycopg2.extensions.cursor, communes: list[str]) -> list[str]:
    cur.execute(
        "SELECT c FROM unnest(%s::text[]) AS c WHERE NOT EXISTS ("
        "SELECT 1 FROM cadastre.admin_unit AS u WHERE u.code = c AND u.level = 'commune')",
        (communes,),
    )
    return [code for (code,) in cur.fetchall()]
