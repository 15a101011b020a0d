"""The SELECT an export streams: cadastre.parcels_as_of with the request's filters (pure).

The as-of rule is the register's (cadastre.parcels_as_of for parcels, cadastre.rights_as_of
for holders and restrictions); this module only composes them. cadastre.party_personal appears
in the SQL only when personal data is asked for, so an export without it never touches it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cadastre.export.request import ExportRequest


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a day (UTC): the register as it stood by the end of it."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ExportQuery:
    """The streaming SELECT, a COUNT of the same rows, and their parameters."""

    sql: str
    count_sql: str
    params: dict[str, Any]


_SOURCE = (
    "cadastre.parcels_as_of(%(at)s::timestamptz, %(communes)s::text[], %(land_uses)s::text[], "
    "%(statuses)s::text[], {area})"
)
_RIGHTS = """
LEFT JOIN LATERAL (
    SELECT string_agg(n.name || ' (' || r.share || ')', '; ' ORDER BY n.name, r.party_id)
               FILTER (WHERE r.kind = 'land_use_right') AS holders,
           count(DISTINCT r.party_id) FILTER (WHERE r.kind = 'land_use_right') AS holder_count,
           string_agg(DISTINCT r.kind, '; ' ORDER BY r.kind)
               FILTER (WHERE r.class = 'right') AS rights,
           string_agg(DISTINCT r.kind, '; ' ORDER BY r.kind)
               FILTER (WHERE r.class = 'restriction')
               AS restrictions
    FROM cadastre.rights_as_of(p.id, %(legal_date)s::date, %(at)s::timestamptz) AS r
    LEFT JOIN LATERAL (SELECT cadastre.holder_name(r.party_id, r.party_name) AS name) AS n
        ON true
) AS rr ON true"""
_PERSONAL = """
LEFT JOIN LATERAL (
    SELECT string_agg(n.name || ': ' || coalesce(pp.id_number, '-'), '; '
                      ORDER BY n.name, r.party_id) AS holder_ids
    FROM cadastre.rights_as_of(p.id, %(legal_date)s::date, %(at)s::timestamptz) AS r
    LEFT JOIN LATERAL (SELECT cadastre.holder_name(r.party_id, r.party_name) AS name) AS n
        ON true
    LEFT JOIN cadastre.party_personal AS pp ON pp.party_id = r.party_id
    WHERE r.kind = 'land_use_right'
) AS pd ON true"""


def _area_sql(request: ExportRequest) -> str:
    if request.bbox is not None:
        shape = ("ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, "
                 "%(area_srid)s::integer)")
    elif request.polygon is not None:
        shape = "ST_GeomFromText(%(polygon)s, %(area_srid)s::integer)"
    else:
        return "NULL::geometry"
    return f"ST_Transform({shape}, cadastre.register_srid())"


def build_query(request: ExportRequest, target_srid: int, area_srid: int | None) -> ExportQuery:
    """The streaming SELECT for a checked request, geometry as WKB in `target_srid`."""
    source = _SOURCE.format(area=_area_sql(request))
    optional, joins = [], []
    if request.holders or request.with_rights:
        joins.append(_RIGHTS)
    if request.holders:
        optional += ["rr.holders", "coalesce(rr.holder_count, 0) AS holder_count"]
    if request.with_rights:
        optional += ["rr.rights", "rr.restrictions"]
    if request.with_personal_data:
        joins.append(_PERSONAL)
        optional.append("pd.holder_ids")
    columns = ",\n       ".join([
        "p.id AS parcel_id",
        "cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number) AS ref",
        "p.commune_code", "a.name AS commune_name", "p.sheet_number", "p.parcel_number",
        "p.legal_area::float8 AS legal_area", "ST_Area(p.geom) AS measured_area",
        "p.land_uses", "p.address", "p.old_identifiers", "p.status", "p.version",
        "(lower(p.sys_period) AT TIME ZONE 'UTC')::date AS version_since",
        *optional,
        "ST_AsBinary(ST_Transform(p.geom, %(target_srid)s::integer)) AS geom_wkb",
    ])
    sql = (f"SELECT {columns}\nFROM {source} AS p\n"
           "JOIN cadastre.admin_unit AS a ON a.code = p.commune_code"
           + "".join(joins)
           + "\nORDER BY p.commune_code, p.sheet_number, p.parcel_number, p.id")
    return ExportQuery(sql, f"SELECT count(*) FROM {source} AS p",
                       _params(request, target_srid, area_srid))


def _params(request: ExportRequest, target_srid: int, area_srid: int | None) -> dict[str, Any]:
    at = end_of_day(request.as_of) if request.as_of else None
    params: dict[str, Any] = {
        "at": at,
        "legal_date": request.as_of or dt.date.today(),
        "communes": list(request.communes) or None,
        "land_uses": [c.upper() for c in request.land_uses] or None,
        "statuses": request.statuses,
        "target_srid": target_srid,
        "area_srid": area_srid,
        "polygon": request.polygon,
    }
    if request.bbox is not None:
        params.update(zip(("xmin", "ymin", "xmax", "ymax"), request.bbox, strict=True))
    return params
