"""Creating the register: which province it serves and the CRS its parcels are stored in."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2
import psycopg2.extensions

from cadastre.db.connection import user_error
from cadastre.register.binding import setup as binding

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
    if not existing and province_code and srid:
        _add_province_crs(conn, province_code, srid)
    try:
        with conn, conn.cursor() as cur:
            binding.init_register(
                cur, province_code=province_code or DEFAULT_PROVINCE, srid=srid
            )
    except psycopg2.Error as exc:
        raise user_error(exc) from exc
    setting = read_setting(conn)
    assert setting is not None
    return setting


def _add_province_crs(conn: psycopg2.extensions.connection, province_code: str, srid: int) -> None:
    """A province in force whose TM-3 zone the register does not know yet: its legal decision
    names the zone, given with --srid (its central meridian is read from the CRS itself)."""
    from pyproj import CRS

    from cadastre.register import admin_units

    name = admin_units.province_name(province_code)
    if name is None:
        return  # not a province in force: init_register refuses it with the known codes
    try:
        meridian = CRS.from_epsg(srid).to_dict().get("lon_0")
    except Exception:  # an SRID pyproj does not know: init_register refuses it
        return
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO cadastre.province_crs (province_code, province_name, central_meridian, "
            "srid) SELECT %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM public.spatial_ref_sys "
            "WHERE srid = %s) ON CONFLICT (province_code) DO NOTHING",
            (province_code, name, meridian, srid, srid),
        )
