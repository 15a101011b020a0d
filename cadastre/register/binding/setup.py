"""The register's set-up (owner only): the province it serves and its CRS."""

from __future__ import annotations

from cadastre.register.binding.call import Cursor, one_value


def init_register(cur: Cursor, *, province_code: str, srid: int | None = None) -> None:
    """cadastre.init_register: create the register for a province (its TM-3 CRS unless an
    SRID is given); confirms one already created for the same province."""
    cur.execute(
        "SELECT cadastre.init_register(p_province_code => %(province_code)s, p_srid => %(srid)s)",
        {"province_code": province_code, "srid": srid},
    )


def require_register(cur: Cursor) -> int:
    """cadastre.require_register: the SRID of the register's CRS, or the error saying the
    register must be created first."""
    return one_value(cur, "SELECT cadastre.require_register()", {})


def record_crs_area_of_use(
    cur: Cursor, *, srid: int, name: str, west: float, south: float, east: float, north: float
) -> None:
    """cadastre.record_crs_area_of_use: record where a CRS may be used (PROJ's figures, in
    degrees) unless already recorded, so the register's extent check has an area to hold to."""
    cur.execute(
        "SELECT cadastre.record_crs_area_of_use(p_srid => %(srid)s, p_name => %(name)s, "
        "p_west => %(west)s, p_south => %(south)s, p_east => %(east)s, p_north => %(north)s)",
        {"srid": srid, "name": name, "west": west, "south": south, "east": east,
         "north": north},
    )
