"""The register through a PostgreSQL connection the officer saved in QGIS.

QGIS keeps the connection and its authentication configuration; the plugin only names the
connection, never reads, stores or logs a password. Every call is one SQL statement run by
QGIS's own connection API (`executeSql`) inside the guard of `logic/sql.py`, so it is one
transaction (all or nothing) and a refusal comes back with its SQLSTATE, raised as the
exception type of that code (`logic/errors.py`) in the officer's words (`logic/refusals.py`).
"""

from __future__ import annotations

import json
import socket
from typing import Any

from qgis.core import (
    Qgis,
    QgsAbstractDatabaseProviderConnection,
    QgsApplication,
    QgsDataSourceUri,
    QgsException,
    QgsMessageLog,
    QgsProviderRegistry,
)

from ..logic.account import Account, Commune
from ..logic.errors import InputError, RegisterError
from ..logic.i18n import tr
from ..logic.refusals import refusal, unreachable
from ..logic.sql import answer, guarded, literal


def saved_connections() -> list[str]:
    """Names of the PostgreSQL connections saved in QGIS, sorted."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections().keys())


def log(text: str) -> None:
    """Keep the database's own text in QGIS's log (tab Cadastre) for the administrator."""
    QgsMessageLog.logMessage(text, "Cadastre", Qgis.Warning)


def logged(error: RegisterError) -> RegisterError:
    """The error, its raw text kept in the log first."""
    log(error.raw)
    return error


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
            raise InputError(
                tr("No saved PostgreSQL connection is called {0}").format(connection_name),
                connection_name)
        self.name = connection_name
        self.connection: QgsAbstractDatabaseProviderConnection = connections[connection_name]

    def uri(self) -> QgsDataSourceUri:
        """The connection's data source (host, database, authcfg), without any password kept."""
        return QgsDataSourceUri(self.connection.uri())

    def json(self, sql: str) -> Any:
        """The single JSON value a statement returns (as text), decoded.

        The statement runs inside a PL/pgSQL block that catches a refusal with its SQLSTATE
        and diagnostics (QGIS passes on only an error's text), so the officer is told why in
        words chosen by the code. A refused statement changes nothing."""
        return self._answer(sql)

    def change(self, sql: str) -> Any:
        """Like json(), for a statement that writes: the audit trail names `app_user`."""
        return self._answer(sql, f"PERFORM set_config('cadastre.app_user', "
                                 f"{literal(self.app_user)}, true);")

    def reachable(self, timeout: float = 3.0) -> bool:
        """Whether the server's TCP port answers (a local socket connection is not probed).

        Asked before each statement: QGIS meets a server that refuses connections with its
        password prompt, which is not what an officer should see when the register is down."""
        uri = self.uri()
        host = uri.host()
        if not host or host.startswith("/"):
            return True
        try:
            with socket.create_connection((host, int(uri.port() or 5432)), timeout=timeout):
                return True
        except OSError:
            return False

    def _answer(self, sql: str, before: str = "") -> Any:
        if not self.reachable():
            raise logged(unreachable(f"{self.uri().host()}:{self.uri().port()} does not answer"))
        # Every error of the statement is caught inside the block and comes back with its
        # SQLSTATE: an exception from QGIS here means the block never ran (no connection).
        try:
            found = self.connection.executeSql(guarded(sql, before))
            reply = answer(found[0][0])
        except (QgsException, IndexError, TypeError, ValueError) as exc:
            raise logged(unreachable(str(exc))) from exc
        if reply.get("sqlstate"):
            raise logged(refusal(reply, self.login()))
        value = reply.get("value")
        return None if value is None else json.loads(value)

    def login(self) -> str:
        """The database account the saved connection names (no query)."""
        return self.uri().username()

    def srid(self) -> int:
        """The SRID of the register's geometries."""
        return int(self.json("SELECT to_jsonb(srid)::text FROM cadastre.register_setting"))

    def officer(self) -> str:
        """The database account the connection logs in as (the default officer name)."""
        return str(self.json("SELECT to_jsonb(current_user)::text"))

    def communes(self) -> list[Commune]:
        """Communes in force that the account may edit parcels of (officers: their own)."""
        return self.account().communes

    def account(self) -> Account:
        """What the connection's account may do: its kind and the communes it may edit."""
        return Account.from_json(self.json(
            "SELECT jsonb_build_object('login', session_user, 'kind', CASE "
            "WHEN pg_has_role('cadastre_admin', 'MEMBER') THEN 'admin' "
            "WHEN pg_has_role('cadastre_approver', 'MEMBER') THEN 'approver' "
            "WHEN pg_has_role('cadastre_officer', 'MEMBER') THEN 'officer' "
            "WHEN pg_has_role('cadastre_analyst', 'MEMBER') THEN 'analyst' END, "
            "'communes', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, "
            "'name', name) ORDER BY code), '[]') FROM cadastre.admin_unit "
            "WHERE level = 'commune' AND valid @> current_date "
            "AND (pg_has_role('cadastre_officer', 'MEMBER') "
            "OR pg_has_role('cadastre_admin', 'MEMBER')) "
            "AND cadastre.may_edit_commune(code)))::text"))

