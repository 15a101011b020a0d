"""Creating the register: which province it serves and the CRS its parcels are stored in."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2
import psycopg2.extensions

from cadastre.db.connection import user_error
from cadastre.db.rows import one_row
from cadastre.errors import CadastreError
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
        if not one_row(cur)[0]:
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
        record_area_of_use(conn, existing.srid)  # a register created before PROJ's figure
        return existing
    if not existing and province_code and srid:
        _add_province_crs(conn, province_code, srid)
    if not existing and province_code and srid is None:
        _require_known_zone(conn, province_code)
    try:
        with conn, conn.cursor() as cur:
            binding.init_register(
                cur, province_code=province_code or DEFAULT_PROVINCE, srid=srid
            )
    except psycopg2.Error as exc:
        raise user_error(exc) from exc
    setting = read_setting(conn)
    assert setting is not None
    record_area_of_use(conn, setting.srid)
    return setting


def record_area_of_use(conn: psycopg2.extensions.connection, srid: int) -> None:
    """Give the register's CRS its area of use from PROJ's database (kept when one is recorded
    already), so imports and checks are held to an extent even before any boundary is loaded."""
    area = crs_area_of_use(srid)
    if area is None:
        return  # PROJ names no area for it: nothing is invented
    name, (west, south, east, north) = area
    try:
        with conn, conn.cursor() as cur:
            binding.record_crs_area_of_use(cur, srid=srid, name=name, west=west, south=south,
                                           east=east, north=north)
    except psycopg2.Error as exc:
        raise user_error(exc) from exc


def crs_area_of_use(srid: int) -> tuple[str, tuple[float, float, float, float]] | None:
    """PROJ's area of use of an EPSG CRS: its name and (west, south, east, north) in degrees."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        area = CRS.from_epsg(srid).area_of_use
    except CRSError:
        return None
    if area is None:
        return None
    return area.name, (area.west, area.south, area.east, area.north)


def tm3_zones() -> list[tuple[float, int]]:
    """The VN-2000 TM-3 zones PROJ's database knows: (central meridian, EPSG code)."""
    from pyproj.database import query_crs_info
    from pyproj.enums import PJType

    codes = {int(info.code)
             for info in query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS)
             if info.name.startswith("VN-2000 / TM-3") and not info.deprecated}
    return sorted((meridian, code) for code in codes
                  if (meridian := central_meridian(code)) is not None)


def central_meridian(srid: int) -> float | None:
    """The central meridian (degrees) of an EPSG Transverse Mercator CRS, None for others."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        operation = CRS.from_epsg(srid).coordinate_operation
    except CRSError:
        return None
    return next((float(param.value) for param in (operation.params if operation else [])
                 if param.name == "Longitude of natural origin"), None)


def _degrees_minutes(value: float) -> str:
    degrees, minutes = divmod(round(value * 60), 60)
    return f"{degrees}°{minutes:02d}′"


def _require_known_zone(conn: psycopg2.extensions.connection, province_code: str) -> None:
    """A province in force whose TM-3 zone the register does not know: the office gives the
    zone its decision names (never guessed from a neighbour)."""
    from cadastre.register import admin_units

    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM cadastre.province_crs WHERE province_code = %s",
                    (province_code,))
        known = cur.fetchone() is not None
    conn.rollback()
    name = admin_units.province_name(province_code)
    if known or name is None:
        return  # known, or not a province in force: init_register says which codes are
    zones = ", ".join(f"{_degrees_minutes(meridian)} EPSG:{code}"
                      for meridian, code in tm3_zones())
    raise CadastreError(
        f"Province {province_code} {name} is in force, but its VN-2000 TM-3 zone (central "
        "meridian) is not known to this register",
        hint=(f"Give the zone its decision names: cadastre db init --province {province_code} "
              "--srid EPSG (each province's central meridian is in the annex of Circular "
              "973/2001/TT-TCĐC on VN-2000, or the decision on a province merged in 2025; "
              f"zones in PROJ by meridian: {zones})."),
    )


def _add_province_crs(conn: psycopg2.extensions.connection, province_code: str, srid: int) -> None:
    """A province in force whose TM-3 zone the register does not know yet: its legal decision
    names the zone, given with --srid (its central meridian is read from the CRS itself)."""
    from cadastre.register import admin_units

    name = admin_units.province_name(province_code)
    if name is None:
        return  # not a province in force: init_register refuses it with the known codes
    meridian = central_meridian(srid)
    if meridian is None:  # unknown to PROJ or not a Transverse Mercator: init_register decides
        return
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO cadastre.province_crs (province_code, province_name, central_meridian, "
            "srid) SELECT %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM public.spatial_ref_sys "
            "WHERE srid = %s) ON CONFLICT (province_code) DO NOTHING",
            (province_code, name, meridian, srid, srid),
        )
