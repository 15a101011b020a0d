"""Creating the register: which province it serves and the CRS its parcels are stored in."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2
import psycopg2.extensions

from cadastre.db.connection import user_error

DEFAULT_PROVINCE = "01"  # Hà Nội, EPSG:5897


@dataclass(frozen=True)
class RegisterSetting:
    """The province a register serves and its CRS."""

    province_code: str
    province_name: str
    srid: int


def read_setting(conn: psycopg2.extensions.connection) -> RegisterSetting | None:
    """The register's province and SRID, or None when it has not been created."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('cadastre.register_setting') IS NOT NULL")
        if not cur.fetchone()[0]:
            return None
        cur.execute(
            "SELECT s.province_code, p.province_name, s.srid FROM cadastre.register_setting AS s "
            "JOIN cadastre.province_crs AS p USING (province_code)"
        )
        row = cur.fetchone()
    return RegisterSetting(*row) if row else None


def init_register(
    conn: psycopg2.extensions.connection, province_code: str | None, srid: int | None = None
) -> RegisterSetting:
    """Create the register for a province (first time); confirm it when already created."""
    existing = read_setting(conn)
    if existing and province_code is None and srid is None:
        return existing
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT cadastre.init_register(%s, %s)", (province_code or DEFAULT_PROVINCE, srid)
            )
    except psycopg2.Error as exc:
        raise user_error(exc) from exc
    setting = read_setting(conn)
    assert setting is not None
    return setting
