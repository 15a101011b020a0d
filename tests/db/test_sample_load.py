"""`cadastre sample load`: the generated ward enters the register through its own rules."""

from __future__ import annotations

import pytest

from cadastre.db.connection import connect
from cadastre.samples.loader import load_ward
from data_samples.generator import generate


def scalar(conn, query: str, *params):
    with conn.cursor() as cur:
        cur.execute(query, params)
        value = cur.fetchone()[0]
    conn.rollback()
    return value


@pytest.fixture(scope="module")
def ward():
    return generate(1500, 7)


def test_the_sample_ward_loads_and_keeps_every_invariant(register_url: str, ward) -> None:
    conn = connect(register_url)
    try:
        report = load_ward(conn, ward)
        events = [d for d in ward.dossiers if d.kind != "first_registration"]
        assert report.parcels == len(ward.parcels)
        assert sum(report.events.values()) == len(events)
        retired = sum(len(d.retired_parcel_keys) for d in events)
        created = sum(len(d.new_parcels) for d in events)
        current = scalar(conn, "SELECT count(*) FROM cadastre.parcel WHERE status = 'current'")
        assert current == len(ward.parcels) - retired + created
        overlaps = scalar(conn, """
            SELECT count(*) FROM cadastre.parcel AS a
            JOIN cadastre.parcel AS b ON a.geom && b.geom AND a.id < b.id
            WHERE a.status = 'current' AND b.status = 'current'
              AND ST_Relate(a.geom, b.geom, '2********')
              AND ST_Area(ST_Intersection(a.geom, b.geom)) > 0.01""")
        assert overlaps == 0
        bad_shares = scalar(conn, """
            SELECT count(*) FROM cadastre.rrr AS r, cadastre.share_total(r.id) AS t
            WHERE r.kind = 'land_use_right' AND t.numerator <> t.denominator""")
        assert bad_shares == 0
        invalid = scalar(conn, "SELECT count(*) FROM cadastre.parcel WHERE NOT ST_IsValid(geom)")
        assert invalid == 0
        gaps = scalar(conn, """
            SELECT ST_Area(u.boundary) - ST_Area(ST_Union(p.geom))
            FROM cadastre.admin_unit AS u JOIN cadastre.parcel AS p
              ON p.commune_code = u.code AND p.status = 'current'
            GROUP BY u.code, u.boundary""")
        assert abs(gaps) < 0.01
        histories = scalar(conn, "SELECT count(*) FROM cadastre.parcel_history")
        assert histories > 0
    finally:
        conn.close()


def test_loading_the_sample_twice_changes_nothing(register_url: str, ward) -> None:
    conn = connect(register_url)
    try:
        load_ward(conn, ward)
        before = scalar(conn, "SELECT count(*) FROM cadastre.parcel_version")
        again = load_ward(conn, ward)
        assert again.already_loaded
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel_version") == before
    finally:
        conn.close()
