"""Helpers for the plugin tests: find parcels of the ward, edit them as QGIS's tools do."""

from __future__ import annotations

from typing import Any

from cadastre.db.connection import connect
from cadastre.register.binding import dossiers
from cadastre.register.binding.call import one_value


def query(url: str, sql: str, *params: Any) -> list[tuple]:
    """Rows of a read-only query on the test's register."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def inner_plot(url: str, commune: str) -> tuple[int, int]:
    """(id, neighbour id) of a house plot well inside the commune that shares an edge > 5 m."""
    (found,) = query(url, """
        SELECT a.id, b.id FROM cadastre.parcel AS a
        JOIN cadastre.parcel AS b ON b.status = 'current' AND b.id <> a.id
         AND ST_Intersects(a.geom, b.geom)
         AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) > 5
        JOIN cadastre.admin_unit AS u ON u.code = a.commune_code
        WHERE a.commune_code = %s AND a.status = 'current'
          AND a.land_uses -> 0 ->> 'code' = 'ODT' AND jsonb_array_length(a.land_uses) = 1
          AND ST_Area(a.geom) > 120 AND ST_NumGeometries(a.geom) = 1
          AND ST_NumInteriorRings(ST_GeometryN(a.geom, 1)) = 0
          AND ST_Within(ST_Buffer(a.geom, 5), u.boundary)
        ORDER BY a.id LIMIT 1""", commune)
    return found


def approve(approver_url: str, dossier_id: int, on: str | None = None,
            person: str = "Lê Văn Hùng") -> None:
    """The approver, on a connection of their own, approves a dossier an officer opened (on a
    date, else today)."""
    conn = connect(approver_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT set_config('cadastre.app_user', %s, true)", (person,))
            dossiers.decide_dossier(
                cur, dossier_id=dossier_id, status="approved",
                decided_on=on or one_value(cur, "SELECT current_date", {}),
            )
    finally:
        conn.close()


def feature_of(layer, parcel_id: int):
    """The layer's feature of a parcel id."""
    from qgis.core import QgsFeatureRequest

    request = QgsFeatureRequest().setFilterExpression(f'"id" = {parcel_id}')
    return next(layer.getFeatures(request))
