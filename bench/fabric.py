"""A register database with N generated parcels and their history, made once and reused."""

from __future__ import annotations

import time

import psycopg2

from cadastre.db.connection import (
    connect,
    create_database,
    database_exists,
    drop_database,
    owner_url,
    with_database,
)
from cadastre.db.migrate import migrate
from cadastre.register.pages import publish_pages
from cadastre.register.setup import init_register
from cadastre.samples.loader import load_ward


def bench_database(parcels: int, seed: int = 20251) -> tuple[str, float | None]:
    """URL of a register holding the generated fabric (loaded now, or reused); load seconds."""
    name = f"cadastre_bench_{parcels}_{seed}"
    server = owner_url()
    url = with_database(server, name)
    if database_exists(server, name) and _complete(url):
        conn = connect(url)
        try:
            migrate(conn)  # measure today's functions on yesterday's fabric
            publish_pages(conn)  # pages missing since (a new migration, an older fabric)
        finally:
            conn.close()
        return url, None
    drop_database(server, name)
    create_database(server, name)
    from data_samples.generator import generate

    conn = connect(url)
    try:
        migrate(conn)
        init_register(conn, "01")
        started = time.monotonic()
        load_ward(conn, generate(parcels, seed))
        seconds = time.monotonic() - started
        publish_pages(conn)  # as `cadastre sample load` does, outside the load's time
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            cur.execute(
                "COMMENT ON DATABASE "
                + psycopg2.extensions.quote_ident(name, cur)
                + " IS 'complete'"
            )
    finally:
        conn.close()
    return url, seconds


def _complete(url: str) -> bool:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
            return cur.fetchone()[0] == "complete"
    finally:
        conn.close()
