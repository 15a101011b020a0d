"""Connections: which server the register is on, and opening connections to it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from cadastre.db.migrate import pause_audit_for_postgis
from cadastre.db.rows import one_row
from cadastre.db.server import AUDIT_EXTENSION, EXTENSIONS, ProjectServer
from cadastre.errors import CadastreError, ServerError
from cadastre.settings import Settings, get_settings

CONNECT_TIMEOUT_S = 5
log = logging.getLogger(__name__)


def owner_url(settings: Settings | None = None) -> str:
    """DATABASE_URL when set, else the project server's URL as its superuser (schema changes,
    users, backups)."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return ProjectServer.from_settings(settings).url()


def database_url(settings: Settings | None = None) -> str:
    """DATABASE_URL when set, else the project server's URL as the everyday operator role."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return with_user(owner_url(settings), settings.operator_role)


def with_user(url: str, role: str, password: str | None = None) -> str:
    """The same server and database, logging in as another role (with its password, if given;
    the query string, e.g. the project server's passfile=, is kept)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    login = role if password is None else f"{role}:{quote(password, safe='')}"
    netloc = f"{login}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def without_passfile(url: str) -> str:
    """The URL without a `passfile=` parameter: for logins whose password a person gives."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "passfile"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def uses_external_server(settings: Settings | None = None) -> bool:
    """True when DATABASE_URL points the register at a server this project does not manage."""
    return bool((settings or get_settings()).database_url)


def mask_password(url: str) -> str:
    """The URL with any password replaced by ***, safe to print and log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


APPLICATION_NAME = "cadastre"


def session_options(settings: Settings | None = None) -> dict[str, str]:
    """libpq options naming the application and the person working, for the audit trail."""
    user = (settings or get_settings()).app_user
    escaped = user.replace("\\", "\\\\").replace(" ", "\\ ")
    return {"application_name": APPLICATION_NAME, "options": f"-c cadastre.app_user={escaped}"}


def connect(url: str | None = None, **options: Any) -> psycopg2.extensions.connection:
    """Open a psycopg2 connection, turning 'cannot connect' into an error naming the server."""
    url = url or database_url()
    options = {**session_options(), **options}
    try:
        return psycopg2.connect(url, connect_timeout=CONNECT_TIMEOUT_S, **options)
    except psycopg2.OperationalError as exc:
        hint = (
            "Is the server running (`cadastre db status`)? If DATABASE_URL is set, check "
            "its host, port, user, password and database name."
        )
        if "passfile=" in url and "password" in str(exc):
            hint = (
                "The project server's passwords are in the file passfile= names, readable "
                "only by the OS user who first ran `cadastre db start`: run as that user."
            )
        raise ServerError(
            f"Cannot connect to the database at {mask_password(url)}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc}",
            hint=hint,
        ) from exc


@contextmanager
def transaction(url: str | None = None) -> Iterator[psycopg2.extensions.cursor]:
    """A cursor inside one transaction: committed on success, rolled back on any error."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin_execute(url: str, statement: sql.Composable, params: tuple = ()) -> list[tuple]:
    """Run one statement on the server's maintenance database, outside a transaction."""
    admin = connect(with_database(url, "postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []
    finally:
        admin.close()


def database_exists(url: str, name: str) -> bool:
    """True when the server at `url` has a database called `name`."""
    query = sql.SQL("SELECT 1 FROM pg_database WHERE datname = %s")
    return bool(_admin_execute(url, query, (name,)))


def create_database(url: str, name: str, template: str | None = None) -> str:
    """CREATE DATABASE name [TEMPLATE template] on the server at `url`; returns its URL."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    _admin_execute(url, statement)
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    """DROP DATABASE name on the server at `url`, disconnecting anyone still on it."""
    _admin_execute(
        url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def rename_database(url: str, old: str, new: str) -> None:
    """ALTER DATABASE old RENAME TO new on the server at `url` (nobody may be connected)."""
    statement = sql.SQL("ALTER DATABASE {} RENAME TO {}")
    _admin_execute(url, statement.format(sql.Identifier(old), sql.Identifier(new)))


def ensure_database(server: ProjectServer) -> bool:
    """Create the register database with its extensions (pgAudit too, when the server has it
    loaded) if missing; True when created."""
    created = not database_exists(server.url(), server.database)
    if created:
        create_database(server.url(), server.database)
    with transaction(server.url()) as cur:
        extensions = list(EXTENSIONS)
        pause_audit_for_postgis(cur)  # PostGIS will not install while pgAudit logs DDL
        cur.execute("SHOW shared_preload_libraries")
        if AUDIT_EXTENSION in one_row(cur)[0]:
            extensions.append(AUDIT_EXTENSION)
        else:
            log.warning(
                "pgAudit is not loaded by the server; restart it (cadastre db stop && "
                "cadastre db start) to turn the audit log on"
            )
        for extension in extensions:
            cur.execute(
                sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension))
            )
    return created


def user_error(exc: BaseException) -> CadastreError:
    """Turn a database refusal into the message and hint the SQL rule wrote for people."""
    original = exc
    diag = getattr(original, "diag", None)
    if diag is None or not diag.message_primary:
        return CadastreError(str(original).strip())
    message = diag.message_primary
    if diag.message_detail:
        message += f" ({diag.message_detail})"
    return CadastreError(message, hint=diag.message_hint)


def database_error(exc: BaseException) -> CadastreError:
    """Any database failure as one sentence: the rule's own words for a refusal, 'cannot reach
    the server' when the connection failed or was lost."""
    original = exc
    diag = getattr(original, "diag", None)
    if isinstance(original, psycopg2.OperationalError) and not (diag and diag.message_primary):
        first = (str(original).strip().splitlines() or ["connection failed"])[0]
        return CadastreError(
            f"The register's database server cannot be reached: {first}",
            hint="Is it running (`cadastre db status`, `cadastre db start`)? Nothing was "
            "changed by the command that failed: run it again once the server is back.",
        )
    return user_error(exc)
