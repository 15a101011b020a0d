"""Check benchmarks: the full rule set for one edit (cadastre.check_edit) next to the same core
rules written as one raw SQL query; a whole-commune check next to a raw overlap self-join and
gap query of the same commune. Same database, same run."""

from __future__ import annotations

import json
import random
import time

from bench.measure import Figure, Results, summary, timings
from cadastre.db.connection import connect

EDITS = 1000
RAW_EDIT_SQL = """
SELECT ST_IsValid(s.g),
       abs(ST_Area(s.g) - s.legal) > 0.0004 * 500 * sqrt(s.legal),
       (SELECT count(*) FROM cadastre.parcel AS n
        WHERE n.status = 'current' AND n.geom && s.g AND n.id <> %(id)s::bigint
          AND ST_Relate(n.geom, s.g, '2********')),
       ST_Area(ST_Difference(s.old, s.g))
FROM (SELECT ST_GeomFromEWKT(%(geom)s) AS g, p.geom AS old, p.legal_area AS legal
      FROM cadastre.parcel AS p WHERE p.id = %(id)s::bigint) AS s
"""
RAW_COMMUNE_SQL = """
SELECT (SELECT count(*) FROM cadastre.parcel AS a
        JOIN LATERAL (SELECT n.geom FROM cadastre.parcel AS n
                      WHERE n.status = 'current' AND n.geom && a.geom AND n.id > a.id) AS b
          ON ST_Relate(a.geom, b.geom, '2********')
        WHERE a.commune_code = %(c)s AND a.status = 'current'),
       (SELECT ST_Area(ST_Difference(u.boundary, ST_Union(p.geom)))
        FROM cadastre.admin_unit AS u JOIN cadastre.parcel AS p
          ON p.commune_code = u.code AND p.status = 'current'
        WHERE u.code = %(c)s GROUP BY u.boundary)
"""


def run(url: str, parcels: int, results: Results) -> None:
    """Measure the edit check and the commune check on the register at `url`."""
    conn = connect(url)
    try:
        _single_edit(conn, parcels, results)
        _whole_commune(conn, parcels, results)
    finally:
        conn.close()


def _single_edit(conn, parcels: int, results: Results) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, version, ST_AsEWKT(geom) FROM cadastre.parcel "
            "WHERE status = 'current' ORDER BY random() LIMIT %s",
            (EDITS,),
        )
        edits = cur.fetchall()
    conn.rollback()
    rng = random.Random(3)

    def checked() -> None:
        pid, version, geom = rng.choice(edits)
        with conn.cursor() as cur:
            cur.execute(
                "SELECT * FROM cadastre.check_edit(%s)",
                (json.dumps([{"parcel_id": pid, "version": version, "geom": geom}]),),
            )
            cur.fetchall()
        conn.rollback()

    def raw() -> None:
        pid, _, geom = rng.choice(edits)
        with conn.cursor() as cur:
            cur.execute(RAW_EDIT_SQL, {"id": pid, "geom": geom})
            cur.fetchall()
        conn.rollback()

    median, p95, p99 = summary(timings(checked, EDITS, warmup=20))
    base_median, _, base_p99 = summary(timings(raw, EDITS, warmup=20))
    results.add(
        Figure(
            "check one edit (full rule set, check_edit)",
            f"{parcels:,}",
            median,
            p95,
            p99,
            "overlap + gap + validity + area as one raw query",
            base_median,
            base_p99,
            target="p99 ≤ 5 ms; ≤ 1.5× raw",
        )
    )


def _whole_commune(conn, parcels: int, results: Results) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT commune_code, count(*) FROM cadastre.parcel WHERE status = 'current' "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        commune, size = cur.fetchone()
    conn.rollback()

    def once(query: str, params: tuple | dict) -> float:
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute(query, params)
            cur.fetchall()
        conn.rollback()
        return (time.perf_counter() - started) * 1000

    full = min(once("SELECT * FROM cadastre.check_commune(%s)", (commune,)) for _ in range(3))
    raw = min(once(RAW_COMMUNE_SQL, {"c": commune}) for _ in range(3))
    results.add(
        Figure(
            "check a whole commune (check_commune, every rule)",
            f"{size:,} of {parcels:,}",
            full,
            None,
            None,
            "raw overlap self-join + gap query, same commune",
            raw,
            target="≤ 1.5× raw",
            note="best of 3 runs each",
        )
    )
