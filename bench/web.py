"""Web view benchmarks, each beside its raw SQL baseline in the same run:

- look-ups: throughput and latency (p50/p99) of GET /api/parcels/{ref} with 32 concurrent
  keep-alive clients from a separate load-generator process on loopback, against the web view
  as `cadastre serve` runs it by default (one uvicorn worker, the default pool); beside pgbench
  running the same SQL (public_register.parcel_document) with 32 clients. Measured with the
  look-up cache off (every request reaches the database, which serves the published page) and
  warm (the steady state: answers served from the cache); the notes say how many pages were in
  force and what composing the document costs (a parcel changed since publishing).
- tiles: an uncached z16 tile through the app vs SELECT public_register.parcel_tile (raw
  ST_AsMVT) on the same tiles; a cached tile.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import uvloop

from bench.measure import Figure, Results, summary
from cadastre.db.connection import connect
from cadastre.web.config import WebSettings

CLIENTS = 32
# `cadastre serve`'s default. On 2 cores one worker serves as many look-ups as two, with a
# shorter tail: with two, the kernel hands the 32 keep-alive connections to the workers
# unevenly, and the clients of the busier one wait longer.
WORKERS = 1
HOT = 2000  # parcels looked up in the cached run (each worker caches them all first)
SECONDS = 10
PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"
ROOT = Path(__file__).resolve().parent.parent


def run(url: str, parcels: int, results: Results) -> None:
    """Measure the web view on the register at `url`."""
    refs, tiles = _targets(url)
    size = f"{parcels:,}"
    raw = _pgbench(url, CLIENTS)
    # The same SQL with as many connections as the app keeps: PostgreSQL on 2 cores serves
    # far more documents with a few busy connections than with 32 sharing the cores.
    raw_pool = _pgbench(url, WORKERS * WebSettings().pool_size)
    # What a look-up costs when its parcel's page is not in force (changed since publishing).
    composed = _pgbench(url, WORKERS * WebSettings().pool_size, COMPOSE)
    in_force = _pages_in_force(url)
    hot = random.Random(3).sample(refs, min(HOT, len(refs)))
    runs = (("look-up, cache off", 0, refs), (f"look-up of {len(hot):,} parcels, cached",
                                              100_000, hot))
    for label, cache, targets in runs:
        with Server(url, workers=WORKERS, lookup_cache=cache, tile_cache=0) as base:
            if cache:  # every client walks every target: each worker caches each one
                _load(base, targets, seconds=600, clients=8, mode="walk")
            load = _load(base, targets, seconds=SECONDS)
        results.add(Figure(
            f"web {label}: GET /api/parcels/{{ref}}, {WORKERS} worker, {CLIENTS} clients",
            size, load["p50"], None, load["p99"],
            f"pgbench parcel_document, {CLIENTS} clients", raw["p50"], None,
            target="≥ 1,500/s, p99 ≤ 50 ms",
            note=f"{load['rate']:.0f} look-ups/s vs raw SQL {raw['rate']:.0f}/s "
            f"({raw_pool['rate']:.0f}/s with {raw_pool['clients']} connections, as the app); "
            f"{load['errors']} errors; published pages in force {in_force}; composing the "
            f"document instead (page out of force): {composed['rate']:.0f}/s in SQL",
        ))
    _tiles(url, tiles, size, results)


def _targets(url: str) -> tuple[list[str], list[tuple[int, int, int]]]:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT commune_code || '/' || sheet_number || '/' || parcel_number "
                        "FROM cadastre.parcel WHERE status = 'current'")
            refs = [r[0] for r in cur.fetchall()]
            cur.execute("""
                SELECT DISTINCT floor((ST_X(c) + 20037508.342789244) / (40075016.68557849 / 65536)),
                       floor((20037508.342789244 - ST_Y(c)) / (40075016.68557849 / 65536))
                FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 3857) AS c
                      FROM cadastre.parcel WHERE status = 'current'
                      ORDER BY id LIMIT 20000) AS s""")
            tiles = [(16, int(x), int(y)) for x, y in cur.fetchall()]
        conn.rollback()
    finally:
        conn.close()
    random.Random(7).shuffle(tiles)
    tiles = tiles[:60]
    return refs, tiles * max(1, 60 // len(tiles))  # at least 60 samples on a small fabric


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`cadastre serve` on a free port, for the duration of a `with`."""

    def __init__(self, url: str, workers: int, lookup_cache: int, tile_cache: int) -> None:
        self.port = _free_port()
        env = dict(os.environ, CADASTRE_WEB_DATABASE_URL=url, CADASTRE_WEB_RATE_LIMIT="0",
                   CADASTRE_WEB_LOOKUP_CACHE_SIZE=str(lookup_cache),
                   CADASTRE_WEB_TILE_CACHE_SIZE=str(tile_cache))
        self.process = subprocess.Popen(  # the web view as `cadastre serve` runs it
            [sys.executable, "-m", "cadastre", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        )

    def __enter__(self) -> str:
        base = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/api/communes", timeout=1):
                    return base
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the web view did not start")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _load(base: str, refs: list[str], seconds: float, clients: int = CLIENTS,
          mode: str = "random") -> dict:
    """Run the load generator (this module's __main__) in its own process."""
    port = base.rsplit(":", 1)[1]
    out = subprocess.run(
        [sys.executable, "-m", "bench.web", port, str(seconds), str(clients), mode],
        input="\n".join(refs), capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return json.loads(out.stdout)


def _pages_in_force(url: str) -> str:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), (SELECT count(*) FROM public_register.pages_to_publish())"
                        " FROM cadastre.parcel")
            total, out = cur.fetchone()
        conn.rollback()
    finally:
        conn.close()
    return f"{total - out:,} of {total:,}"


LOOK_UP = ("SELECT public_register.parcel_document(p.commune_code, p.sheet_number, "
           "p.parcel_number)::text FROM cadastre.parcel AS p WHERE p.id = :i;")
COMPOSE = "SELECT public_register.compose_document(:i)::text;"


def _pgbench(url: str, clients: int, statement: str = LOOK_UP) -> dict:
    """pgbench: `statement` on random parcel ids (:i), `clients` clients, SECONDS seconds,
    latencies logged."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT min(id), max(id) FROM cadastre.parcel")
            low, high = cur.fetchone()
        conn.rollback()
    finally:
        conn.close()
    script = Path("/tmp") / f"bench_web_{os.getpid()}.sql"
    script.write_text(f"\\set i random({low}, {high})\n{statement}\n")
    logdir = Path("/tmp") / f"bench_web_log_{os.getpid()}"
    logdir.mkdir(exist_ok=True)
    for old in logdir.glob("*"):
        old.unlink()
    out = subprocess.run(
        [PGBENCH, "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(2, clients)),
         "-T", str(SECONDS),
         "-f", str(script), "-l", "--log-prefix", str(logdir / "pg"), url],
        capture_output=True, text=True, check=True,
    )
    rate = float(re.search(r"tps = ([0-9.]+)", out.stdout).group(1))
    latencies = [int(line.split()[2]) / 1000 for log in logdir.glob("pg*")
                 for line in log.read_text().splitlines()]
    p50, _, p99 = summary(latencies)
    script.unlink()
    return {"rate": rate, "p50": p50, "p99": p99, "clients": clients}


def _tiles(url: str, tiles: list[tuple[int, int, int]], size: str, results: Results) -> None:
    raw: list[float] = []
    app: list[float] = []
    conn = connect(url)
    # One keep-alive connection, as a map fetches its tiles (the raw side keeps its database
    # connection too): the figures are the app's work, not TCP set-up. Raw and app alternate
    # tile by tile, so a change in the machine's speed falls on both sides.
    try:
        with (Server(url, workers=1, lookup_cache=0, tile_cache=0) as base,
              _Connection(base) as client, conn.cursor() as cur):
            for z, x, y in tiles[:3]:  # warm both (PROJ set-up in each backend)
                cur.execute("SELECT public_register.parcel_tile(%s, %s, %s)", (z, x, y))
                client.timed_get(f"/tiles/{z}/{x}/{y}.pbf")
            for z, x, y in tiles:
                start = time.perf_counter()
                cur.execute("SELECT public_register.parcel_tile(%s, %s, %s)", (z, x, y))
                cur.fetchone()
                raw.append((time.perf_counter() - start) * 1000)
                app.append(client.timed_get(f"/tiles/{z}/{x}/{y}.pbf"))
        conn.rollback()
    finally:
        conn.close()
    z, x, y = tiles[0]
    with (Server(url, workers=1, lookup_cache=0, tile_cache=1000) as base,
          _Connection(base) as client):
        client.timed_get(f"/tiles/{z}/{x}/{y}.pbf")
        cached = [client.timed_get(f"/tiles/{z}/{x}/{y}.pbf") for _ in range(300)]
    raw_median, raw_p95, raw_p99 = summary(raw)
    median, p95, p99 = summary(app)
    results.add(Figure("web z16 tile, uncached, GET /tiles", size, median, p95, p99,
                       "SELECT parcel_tile (raw ST_AsMVT)", raw_median, raw_p99,
                       target="p95 ≤ 1.3× raw",
                       note=f"p95 {p95:.1f} ms vs raw p95 {raw_p95:.1f} ms "
                       f"({p95 / raw_p95:.2f}×); {len(set(tiles))} tiles, {len(tiles)} requests"))
    median, p95, p99 = summary(cached)
    results.add(Figure("web z16 tile, cached, GET /tiles", size, median, p95, p99,
                       "SELECT parcel_tile (raw ST_AsMVT)", raw_median, raw_p99,
                       target="≤ 2 ms"))


class _Connection:
    """One keep-alive HTTP connection to the app, for a `with`."""

    def __init__(self, base: str) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]),
                                               timeout=30)

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def timed_get(self, path: str) -> float:
        """Milliseconds from sending the request to the last byte of a 200 answer."""
        start = time.perf_counter()
        self.http.request("GET", path)
        response = self.http.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return (time.perf_counter() - start) * 1000


# The load generator: a separate process with CLIENTS keep-alive connections. Each is an
# asyncio protocol that sends its next request as soon as the last answer is complete: no
# future or stream per request, so the generator takes as little as it can of the 2 cores it
# shares with what it measures (like wrk, which cannot be installed here).

class _Client(asyncio.Protocol):
    """One keep-alive connection asking for parcels one after another until `until`."""

    def __init__(self, targets: Iterator[str], until: float, latencies: list[float],
                 errors: list[int], done: asyncio.Future[None]) -> None:
        self.targets = targets
        self.until = until
        self.latencies = latencies
        self.errors = errors
        self.done = done
        self.buffer = b""
        self.start = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self._ask()

    def _ask(self) -> None:
        ref = next(self.targets, None)
        if ref is None or time.perf_counter() >= self.until:
            self.transport.close()
            return
        self.start = time.perf_counter()
        self.transport.write(f"GET /api/parcels/{ref} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end]
        length = int(re.search(rb"(?i)content-length: *([0-9]+)", head).group(1))
        if len(self.buffer) < end + 4 + length:
            return
        self.latencies.append((time.perf_counter() - self.start) * 1000)
        if not head.startswith(b"HTTP/1.1 200"):
            self.errors.append(1)
        self.buffer = self.buffer[end + 4 + length:]
        self._ask()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _generate(port: int, seconds: float, clients: int, refs: list[str],
                    walk: bool) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    until = start + seconds
    finished = []
    for i in range(clients):
        rng = random.Random(i)
        targets = iter(refs) if walk else (rng.choice(refs) for _ in iter(int, 1))
        done = loop.create_future()
        await loop.create_connection(
            lambda t=targets, d=done: _Client(t, until, latencies, errors, d), "127.0.0.1", port)
        finished.append(done)
    await asyncio.gather(*finished)
    elapsed = time.perf_counter() - start
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, math.ceil(q * len(latencies)) - 1)]  # noqa: E731
    return {"rate": len(latencies) / elapsed, "p50": pick(0.5), "p99": pick(0.99),
            "count": len(latencies), "errors": len(errors)}


if __name__ == "__main__":
    port_arg, seconds_arg, clients_arg, mode_arg = sys.argv[1:5]
    targets = [line for line in sys.stdin.read().splitlines() if line]
    # uvloop, as the server uses: the generator shares the 2 cores with what it measures, so
    # the less it spends per request, the closer the figures are to clients on other machines.
    print(json.dumps(uvloop.run(_generate(int(port_arg), float(seconds_arg),
                                          int(clients_arg), targets, mode_arg == "walk"))))
