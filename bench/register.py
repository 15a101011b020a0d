"""Register benchmarks: a versioned update vs a plain UPDATE; a parcel with holders as of a
past date vs a raw range lookup. Both sides run on the same database in the same run."""

from __future__ import annotations

import random

from bench.measure import Figure, Results, summary, timings
from cadastre.db.connection import connect
from cadastre.register.binding import dossiers
from cadastre.register.binding.call import one_value

SAMPLES = 1000
BLOCKS = 10


def run(url: str, parcels: int, results: Results) -> None:
    """Measure the register's figures on the register at `url`."""
    conn = connect(url)
    try:
        ids = _current_ids(conn)
        # Reads first: the updates' new versions set autovacuum going, which would be measured
        # in the read latencies instead of the look-up itself.
        _as_of(conn, ids, parcels, results)
        _versioned_update(conn, ids, parcels, results)
    finally:
        conn.close()


def _current_ids(conn) -> list[int]:
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM cadastre.parcel WHERE status = 'current'")
        ids = [row[0] for row in cur.fetchall()]
    conn.rollback()
    return ids


def _versioned_update(conn, ids: list[int], parcels: int, results: Results) -> None:
    rng = random.Random(1)
    with conn.cursor() as cur:
        today = one_value(cur, "SELECT current_date", {})
        dossier = dossiers.open_dossier(
            cur, number=one_value(cur, "SELECT 'BENCH-' || txid_current()", {}),
            kind="correction", received_on=today, officer="bench",
        )
        dossiers.decide_dossier(cur, dossier_id=dossier, status="approved", decided_on=today)
    conn.commit()
    # Disk flush time is the same for both sides and noisy here; leave it out of both.
    with conn.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
    conn.commit()
    counter = iter(range(10**9))

    def versioned() -> None:
        with conn.cursor() as cur:  # one round trip, like the plain UPDATE
            cur.execute(
                "SELECT cadastre.begin_dossier_work(%s); "
                "UPDATE cadastre.parcel SET address = %s WHERE id = %s::bigint",
                (dossier, f"Số {next(counter)} phố Bench", rng.choice(ids)),
            )
        conn.commit()

    def plain() -> None:
        with conn.cursor() as cur:
            cur.execute(
                "UPDATE cadastre.parcel SET address = %s WHERE id = %s::bigint",
                (f"Số {next(counter)} phố Bench", rng.choice(ids)),
            )
        conn.commit()

    # Both sides alternate in blocks, so a change in the machine's load (autovacuum, another
    # process) falls on both rather than on one. The baseline is the same UPDATE of the same
    # table (same indexes and foreign keys) with the register's own triggers switched off —
    # what versioning and the rules add is the ratio. Only in the benchmark's scratch
    # database, and switched back on after each block.
    versioned_times: list[float] = []
    plain_times: list[float] = []
    for _ in range(BLOCKS):
        versioned_times += timings(versioned, SAMPLES // BLOCKS, warmup=5)
        with conn.cursor() as cur:
            cur.execute("ALTER TABLE cadastre.parcel DISABLE TRIGGER USER")
        conn.commit()
        try:
            plain_times += timings(plain, SAMPLES // BLOCKS, warmup=5)
        finally:
            with conn.cursor() as cur:
                cur.execute("ALTER TABLE cadastre.parcel ENABLE TRIGGER USER")
            conn.commit()
    median, p95, p99 = summary(versioned_times)
    base_median, _, base_p99 = summary(plain_times)
    results.add(
        Figure(
            "versioned update (history + dossier stamp + rules)",
            f"{parcels:,}",
            median,
            p95,
            p99,
            "plain UPDATE of the same row, triggers off",
            base_median,
            base_p99,
            target="≤ 1.5× plain",
            note=(
                "each side one transaction with commit, synchronous_commit off; "
                "sides alternate in 10 blocks"
            ),
        )
    )


def _as_of(conn, ids: list[int], parcels: int, results: Results) -> None:
    rng = random.Random(2)
    with conn.cursor() as cur:
        cur.execute("SELECT min(lower(sys_period)), max(lower(sys_period)) FROM cadastre.parcel")
        first, last = cur.fetchone()
    conn.rollback()
    span = (last - first).total_seconds()

    def instant():
        return first + (last - first) * rng.random() if span else first

    def as_of() -> None:
        at = instant()
        with conn.cursor() as cur:
            cur.execute(
                "SELECT p.id, p.legal_area, (SELECT json_agg(r) FROM cadastre.rights_as_of("
                "p.id, %s::date, %s) AS r) FROM cadastre.parcel_as_of(%s::bigint, %s) AS p",
                (at.date(), at, rng.choice(ids), at),
            )
            cur.fetchall()
        conn.rollback()

    def raw() -> None:
        at = instant()
        with conn.cursor() as cur:
            cur.execute(
                "SELECT id, legal_area FROM cadastre.parcel_history "
                "WHERE id = %s::bigint AND sys_period @> %s::timestamptz",
                (rng.choice(ids), at),
            )
            cur.fetchall()
        conn.rollback()

    median, p95, p99 = summary(timings(as_of, SAMPLES))
    base_median, _, base_p99 = summary(timings(raw, SAMPLES))
    results.add(
        Figure(
            "parcel + holders as of a past date",
            f"{parcels:,}",
            median,
            p95,
            p99,
            "raw range lookup on the history table",
            base_median,
            base_p99,
            target="p99 ≤ 2 ms at 1M",
        )
    )
