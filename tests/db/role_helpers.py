"""A login role of the register for one test or module: the import and check tests run as an
administrator of the register, not as its owner (conftest's make_user serves register_url
only; this serves any database URL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user


@contextmanager
def login_role(url: str, kind: str, communes: tuple[str, ...] = ()) -> Iterator[str]:
    """A new login role of `kind` on the database at `url`, as a URL carrying its password;
    dropped afterwards (roles are cluster-wide)."""
    name, password = f"t_{kind}_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    conn = connect(url)
    try:
        add_user(conn, name, kind, list(communes), password=password)
    finally:
        conn.close()
    try:
        yield with_user(url, name, password)
    finally:
        conn = connect(url)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')
        finally:
            conn.close()
