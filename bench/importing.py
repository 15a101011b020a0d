"""Import benchmark: staging + cadastre.register_staged (every rule, history, quarantine) next
to the raw path on the same rows in the same run: COPY into a plain table, a GiST index and a
validity check. Also how long generating the fabric takes."""

from __future__ import annotations

import json
import time

from bench.measure import Figure, Results
from cadastre.db.connection import connect, create_database, drop_database, owner_url
from cadastre.db.copy import copy_rows
from cadastre.db.migrate import migrate
from cadastre.register.binding import communes, dossiers, imports
from cadastre.register.binding.call import one_value
from cadastre.register.setup import init_register

SRID = 5897


def run(parcels: int, results: Results) -> None:
    """Generate a fabric, then import it both ways into a scratch database."""
    from data_samples.generator import generate

    started = time.monotonic()
    ward = generate(parcels)
    generate_ms = (time.monotonic() - started) * 1000
    results.add(
        Figure(
            "generate the fabric (data_samples.generator)",
            f"{len(ward.parcels):,}",
            generate_ms,
            None,
            None,
            "—",
            float("nan"),
            target="1M in < 2 min",
        )
    )
    rows = [
        (
            p.key,
            p.commune_code,
            str(p.sheet_number),
            p.parcel_number,
            f"SRID={SRID};{p.geometry.wkb_hex}",
            p.registered_area,
            json.dumps([{"code": c, "area": a} for c, a in p.land_uses]),
            p.address,
        )
        for p in ward.parcels
    ]
    name = f"cadastre_bench_import_{parcels}"
    drop_database(owner_url(), name)
    url = create_database(owner_url(), name)
    conn = connect(url)
    try:
        migrate(conn)
        init_register(conn, "01")
        with conn, conn.cursor() as cur:
            for commune in ward.communes:
                communes.add_commune(cur, code=commune.code, name=commune.name)
        raw_ms = _raw_path(conn, rows)
        product_ms, summary = _product_path(conn, rows)
    finally:
        conn.close()
    note = f"outcomes {summary['outcomes']}; parcels only (no holders) on both sides"
    results.add(
        Figure(
            "import: stage + register_staged (rules, history, quarantine)",
            f"{len(rows):,}",
            product_ms,
            None,
            None,
            "COPY + GiST index + ST_IsValid on a plain table",
            raw_ms,
            target="≤ 3× raw",
            note=note,
        )
    )


def _raw_path(conn, rows: list[tuple]) -> float:
    started = time.monotonic()
    with conn, conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE raw_parcel (key text, commune_code text, sheet_number text, "
            "parcel_number int, geom geometry, legal_area numeric, land_uses jsonb, "
            "address text)"
        )
        copy_rows(cur, "raw_parcel", rows)
        cur.execute("CREATE INDEX ON raw_parcel USING gist (geom)")
        cur.execute("SELECT count(*) FROM raw_parcel WHERE NOT ST_IsValid(geom)")
        cur.fetchone()
    return (time.monotonic() - started) * 1000


def _product_path(conn, rows: list[tuple]) -> tuple[float, dict]:
    started = time.monotonic()
    with conn, conn.cursor() as cur:
        today = one_value(cur, "SELECT current_date", {})
        dossier = dossiers.open_dossier(
            cur, number="BENCH-IMPORT", kind="first_registration", received_on=today,
            officer="bench",
        )
        dossiers.decide_dossier(cur, dossier_id=dossier, status="approved", decided_on=today)
        cur.execute("INSERT INTO cadastre.import_batch (source) VALUES ('bench') RETURNING id")
        batch = cur.fetchone()[0]
        copy_rows(
            cur,
            "cadastre.staged_parcel (batch_id, feature_ref, commune_code, "
            "sheet_number, parcel_number, geom, legal_area, land_uses, address)",
            ((batch, *row) for row in rows),
        )
        summary = imports.register_staged(cur, batch_id=batch, dossier_id=dossier)
    return (time.monotonic() - started) * 1000, summary
