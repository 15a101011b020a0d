"""The register through a PostgreSQL connection the officer saved in QGIS.

QGIS keeps the connection and its authentication configuration; the plugin only names the
connection, never reads, stores or logs a password. Every call is one SQL statement run by
QGIS's own connection API (`executeSql`), so it is one transaction: all or nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qgis.core import (
    QgsAbstractDatabaseProviderConnection,
    QgsApplication,
    QgsDataSourceUri,
    QgsException,
    QgsProviderRegistry,
)

from .i18n import tr


class RegisterError(Exception):
    """The database refused or failed a statement; `plain` says why in the officer's words."""

    def __init__(self, plain: str, raw: str, hint: str | None = None) -> None:
        super().__init__(plain)
        self.plain = plain
        self.raw = raw
        self.hint = hint


@dataclass(frozen=True)
class Commune:
    """A commune (or ward) of the register."""

    code: str
    name: str


def saved_connections() -> list[str]:
    """Names of the PostgreSQL connections saved in QGIS, sorted."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections().keys())


def literal(value: Any) -> str:
    """A SQL literal for a value (strings quoted by doubling quotes; lists as arrays)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "ARRAY[" + ", ".join(literal(item) for item in value) + "]::text[]" \
            if value else "'{}'::text[]"
    if isinstance(value, dict):
        return literal(json.dumps(value)) + "::jsonb"
    text = str(value)
    if "\x00" in text:
        raise ValueError("a text value may not contain a NUL character")
    return "'" + text.replace("'", "''") + "'"


def error_parts(raw: str) -> dict[str, str]:
    """The ERROR, DETAIL and HINT lines of a PostgreSQL error as QGIS passes it on."""
    parts: dict[str, str] = {}
    for key in ("ERROR", "DETAIL", "HINT"):
        found = re.search(rf"{key}:\s+(.*?)(?=\n(?:ERROR|DETAIL|HINT|CONTEXT|LINE \d+):|\Z)",
                          raw, re.S)
        if found:
            parts[key.lower()] = found.group(1).strip()
    return parts


def explain(raw: str) -> RegisterError:
    """Turn a database error into plain words for the officer (the raw text is kept)."""
    parts = error_parts(raw)
    message = parts.get("error", raw.strip().splitlines()[-1] if raw.strip() else raw)
    if "within an approved dossier" in message or "cannot be saved directly" in message:
        plain = tr("The parcel layer cannot be saved directly: every change to the register "
                   "belongs to an approved dossier. Choose a dossier, press Check, then Submit.")
    elif "changed by someone else" in message:
        plain = tr("A colleague changed this parcel after you loaded it: {0}").format(
            parts.get("detail", message))
    elif "could not connect" in raw or "Connection refused" in raw:
        plain = tr("The register database cannot be reached: {0}").format(message)
    else:
        plain = message
    return RegisterError(plain, raw, parts.get("hint"))


def desktop_user() -> str:
    """Who is working at this QGIS: the operating system's full name, else the login."""
    return QgsApplication.userFullName() or QgsApplication.userLoginName()


class Register:
    """One saved QGIS connection to the register database.

    `app_user` is the person the audit trail names beside the database role for every change
    made through this connection (the setting cadastre.app_user).
    """

    def __init__(self, connection_name: str, app_user: str | None = None) -> None:
        self.app_user = app_user or desktop_user()
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        connections = metadata.connections()
        if connection_name not in connections:
            raise RegisterError(
                tr("No saved PostgreSQL connection is called {0}").format(connection_name),
                connection_name)
        self.name = connection_name
        self.connection: QgsAbstractDatabaseProviderConnection = connections[connection_name]

    def uri(self) -> QgsDataSourceUri:
        """The connection's data source (host, database, authcfg), without any password kept."""
        return QgsDataSourceUri(self.connection.uri())

    def rows(self, sql: str) -> list[list[Any]]:
        """Rows of one statement; a refusal becomes a RegisterError in plain words."""
        try:
            return self.connection.executeSql(sql)
        except QgsException as exc:
            raise explain(str(exc)) from exc

    def json(self, sql: str) -> Any:
        """The single JSON value a statement returns (as text), decoded."""
        found = self.rows(sql)
        if not found or found[0][0] is None:
            return None
        value = found[0][0]
        return json.loads(value) if isinstance(value, str) else value

    def change(self, sql: str) -> Any:
        """Like json(), for a statement that writes: the audit trail names `app_user`.

        The setting and the statement go in one string, so one transaction."""
        return self.json(f"SELECT set_config('cadastre.app_user', {literal(self.app_user)}, "
                         f"true); {sql}")

    def call(self, function: str, *args: Any) -> Any:
        """SELECT cadastre.<function>(args…)::text, decoded as JSON."""
        arguments = ", ".join(literal(arg) for arg in args)
        return self.json(f"SELECT to_jsonb(cadastre.{function}({arguments}))::text")

    def srid(self) -> int:
        """The SRID of the register's geometries."""
        return int(self.json("SELECT to_jsonb(srid)::text FROM cadastre.register_setting"))

    def officer(self) -> str:
        """The database account the connection logs in as (the default officer name)."""
        return str(self.json("SELECT to_jsonb(current_user)::text"))

    def communes(self) -> list[Commune]:
        """Communes in force that the account may edit parcels of (officers: their own)."""
        found = self.json(
            "SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'name', name) "
            "ORDER BY code), '[]')::text FROM cadastre.admin_unit "
            "WHERE level = 'commune' AND valid @> current_date "
            "AND has_table_privilege('cadastre.parcel', 'UPDATE') "
            "AND cadastre.may_edit_commune(code)")
        return [Commune(item["code"], item["name"]) for item in found]


def json_array(items: Iterable[dict]) -> str:
    """A JSON array literal cast to jsonb."""
    return literal(json.dumps(list(items), ensure_ascii=False)) + "::jsonb"
