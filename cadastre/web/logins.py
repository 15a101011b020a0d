"""Logins of the web view's non-public routes: the person's own database role over HTTP Basic.

The analysts' exports and the officers' back office run on a connection of the person's own
role, so the database decides what they may read and do. The server checks the password
(SCRAM): the URL keeps no password file, and an empty password is refused before connecting,
so no saved secret can stand in for the person's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import psycopg2
from fastapi import Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from cadastre.db.connection import connect, with_user, without_passfile
from cadastre.db.roles import ROLE_NAME
from cadastre.db.rows import one_row
from cadastre.errors import CadastreError
from cadastre.web.config import WebSettings, register_url
from cadastre.web.errors import WebError

basic = HTTPBasic(auto_error=False, realm="cadastre")
CHALLENGE = {"WWW-Authenticate": 'Basic realm="cadastre"'}


def role_connection(
    request: Request, credentials: HTTPBasicCredentials | None, groups: Sequence[str],
    login_key: str, denied_key: str,
) -> Iterator[psycopg2.extensions.connection]:
    """A connection as the person's own role if it belongs to one of `groups` (closed after
    the request), or 401 (`login_key`) / 403 (`denied_key`, naming the role)."""
    if (
        credentials is None
        or not ROLE_NAME.match(credentials.username)
        or not credentials.password
    ):
        raise WebError(401, login_key, headers=CHALLENGE)
    settings: WebSettings = request.app.state.settings
    url = with_user(without_passfile(register_url(settings)), credentials.username)
    try:
        conn = connect(url, password=credentials.password)
    except CadastreError:
        raise WebError(401, login_key, headers=CHALLENGE) from None
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT bool_or(pg_has_role(current_user, g, 'MEMBER')) FROM unnest(%s::text[]) AS g "
            "WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g)",
            (list(groups),),
        )
        allowed = one_row(cur)[0]
    try:
        if not allowed:
            raise WebError(403, denied_key, role=credentials.username)
        yield conn
    finally:
        conn.close()
