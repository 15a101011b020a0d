"""Connecting as an officer: the plugin offers only the communes the officer may edit."""

from __future__ import annotations

import uuid

from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user
from tests.qgis.conftest import WARD, save_connection


def test_an_officer_is_offered_only_the_assigned_communes(ward_url: str) -> None:
    from cadastre_officer.connection import Register

    name = f"t_officer_{uuid.uuid4().hex[:8]}"
    admin = connect(ward_url)
    try:
        add_user(admin, name, "officer", [WARD])
        officer = Register(save_connection(with_user(ward_url, name), f"officer {name}"))
        owner = Register(save_connection(ward_url, f"owner {name}"))

        officer_communes = [c.code for c in officer.communes()]
        owner_communes = [c.code for c in owner.communes()]
    finally:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')
        admin.close()

    assert officer_communes == [WARD]
    assert set(owner_communes) > {WARD}
